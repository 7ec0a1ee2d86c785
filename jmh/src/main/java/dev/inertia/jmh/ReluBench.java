package dev.inertia.jmh;

import dev.inertia.kernels.scalar.ScalarKernels;
import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * ReLU forward (read x, write y: 8 bytes per element) and backward (read x and dy, write dx:
 * 12 bytes per element), SIMD and scalar twin, beside a plain copy (read 4, write 4 bytes per
 * element: the memory-bound floor). Compare bytes per second: bytes per element × size / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ReluBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Param({"16777216"})
    public int size;

    private Arena arena;
    private MemorySegment x, y, dy, dx;
    private final ActivationKernels simd = Kernels.activations();
    private final ActivationKernels scalar = ScalarKernels.activations();
    private final long[] kinks = new long[2];

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        x = arena.allocate(4L * size, 64);
        y = arena.allocate(4L * size, 64);
        dy = arena.allocate(4L * size, 64);
        dx = arena.allocate(4L * size, 64);
        SplittableRandom r = new SplittableRandom(42);
        for (long i = 0; i < size; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            dy.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Reads 4 and writes 4 bytes per element. */
    @Benchmark
    public void copyForwardBytes() {
        MemorySegment.copy(x, 0, y, 0, 4L * size);
    }

    /**
     * The same copy as a Vector API loop: the loads and stores a kernel makes. (The JDK's copy
     * above is memmove, which streams past the cache with non-temporal stores for large sizes.)
     */
    @Benchmark
    public void copyVectorLoop() {
        int step = F.length();
        int i = 0;
        for (int bound = F.loopBound(size); i < bound; i += step) {
            FloatVector.fromMemorySegment(F, x, 4L * i, ByteOrder.nativeOrder()).intoMemorySegment(y, 4L * i,
                    ByteOrder.nativeOrder());
        }
        for (; i < size; i++) {
            y.setAtIndex(ValueLayout.JAVA_FLOAT, i, x.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
    }

    @Benchmark
    public void reluForwardSimd() {
        simd.reluF32(x, 0, y, 0, size);
    }

    @Benchmark
    public void reluBackwardSimd() {
        simd.reluBackwardF32(x, 0, dy, 0, dx, 0, size, 0f, kinks);
    }

    @Benchmark
    public void reluForwardScalar() {
        scalar.reluF32(x, 0, y, 0, size);
    }

    @Benchmark
    public void reluBackwardScalar() {
        scalar.reluBackwardF32(x, 0, dy, 0, dx, 0, size, 0f, kinks);
    }
}
