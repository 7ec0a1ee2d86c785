package dev.inertia.jmh;

import dev.inertia.kernels.scalar.ScalarKernels;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The naive triple loop (GEMM's scalar twin: one FMA per term, i-j-p order) beside Inertia's
 * GEMM on one thread, on small square sizes only: it is slow.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g", "-Dinertia.threads=1"})
public class GemmNaiveBench {
    @Param({"128", "256"})
    public int size;

    private final GemmKernels naive = ScalarKernels.gemm();
    private final GemmKernels gemm = Kernels.gemm();
    private Arena arena;
    private MemorySegment a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        a = arena.allocate(4L * size * size, 64);
        b = arena.allocate(4L * size * size, 64);
        c = arena.allocate(4L * size * size, 64);
        SplittableRandom r = new SplittableRandom(3);
        for (long i = 0; i < (long) size * size; i++) {
            a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
            b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void naive() {
        naive.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
    }

    @Benchmark
    public void inertia() {
        gemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
    }
}
