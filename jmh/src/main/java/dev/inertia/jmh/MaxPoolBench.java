package dev.inertia.jmh;

import dev.inertia.kernels.scalar.ScalarKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.PoolingKernels;
import dev.inertia.kernels.Window2d;
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
 * 2×2 max pooling, stride 2, F32, forward and backward (first-index ties), SIMD and scalar twin,
 * on the CNN's two pooling inputs at batch 128: 32 planes of 28×28 and 64 planes of 14×14 per
 * image.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class MaxPoolBench {
    /** "channels x side": the first and the second pooling layer of the CNN. */
    @Param({"32x28", "64x14"})
    public String layer;

    private Arena arena;
    private MemorySegment x, y, dy, dx;
    private int planes;
    private Window2d g;
    private final PoolingKernels simd = Kernels.pooling();
    private final PoolingKernels scalar = ScalarKernels.pooling();
    private final long[] kinks = new long[2];

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = layer.split("x");
        int side = Integer.parseInt(parts[1]);
        planes = 128 * Integer.parseInt(parts[0]);
        g = Window2d.square(side, side, 2, 2, 0);
        long in = (long) planes * side * side, out = (long) planes * g.outH() * g.outW();
        arena = Arena.ofShared();
        x = arena.allocate(4 * in, 64);
        dx = arena.allocate(4 * in, 64);
        y = arena.allocate(4 * out, 64);
        dy = arena.allocate(4 * out, 64);
        SplittableRandom r = new SplittableRandom(3);
        for (long i = 0; i < in; i++) {
            // post-ReLU data: about half exact zeros, so windows tie
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.max(0, r.nextGaussian()));
        }
        for (long i = 0; i < out; i++) {
            dy.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void forwardSimd() {
        simd.maxPool2dF32(x, 0, y, 0, planes, g);
    }

    @Benchmark
    public void forwardScalar() {
        scalar.maxPool2dF32(x, 0, y, 0, planes, g);
    }

    @Benchmark
    public void backwardSimd() {
        simd.maxPool2dBackwardF32(x, 0, dy, 0, dx, 0, planes, g, 0f, kinks);
    }

    @Benchmark
    public void backwardScalar() {
        scalar.maxPool2dBackwardF32(x, 0, dy, 0, dx, 0, planes, g, 0f, kinks);
    }
}
