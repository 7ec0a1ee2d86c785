package dev.inertia.jmh;

import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.BroadcastKernels;
import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.KernelPool;
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
 * A Linear+ReLU forward, {@code Y = relu(X·W + b)} with X batch×in and W in×out (the mlp's
 * layers at batch 128), three ways: the GEMM with the fused {@link Epilogue} (bias and ReLU in
 * the one store pass over Y), the plain GEMM followed by the separate bias and ReLU kernels (two
 * more passes over Y), and the plain GEMM alone (the floor). Sample mode; read the medians.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class LinearReluBench {
    /** batch x out x in: Y is batch×out, the product's k is in. */
    @Param({"128x1024x784", "128x1024x1024"})
    public String shape;

    @Param({"1"})
    public int threads;

    private final GemmKernels gemm = Kernels.gemm();
    private final BroadcastKernels broadcast = Kernels.broadcast();
    private final ActivationKernels activations = Kernels.activations();
    private Arena arena;
    private MemorySegment x, w, bias, y;
    private Epilogue biasRelu;
    private int m, n, k;

    private KernelPool pool;
    private KernelPool.Binding binding;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        pool = KernelPool.ofThreads(threads); // the benchmark thread runs setup and measurement
        binding = pool.bind();
        arena = Arena.ofShared();
        x = random((long) m * k, 1);
        w = random((long) k * n, 2);
        bias = random(n, 3);
        y = arena.allocate((long) m * n * 4, 64);
        biasRelu = Epilogue.NONE.withColumnBias(bias, 0).relu();
    }

    private MemorySegment random(long count, long seed) {
        MemorySegment s = arena.allocate(count * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        binding.close();
        pool.close();
        arena.close();
    }

    @Benchmark
    public void fused() {
        gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, w, 0, n, 0f, y, 0, n, biasRelu);
    }

    @Benchmark
    public void separate() {
        gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, w, 0, n, 0f, y, 0, n);
        broadcast.addBiasF32(y, 0, bias, 0, y, 0, m, n, 1);
        activations.reluF32(y, 0, y, 0, m * n);
    }

    @Benchmark
    public void gemmOnly() {
        gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, w, 0, n, 0f, y, 0, n);
    }
}
