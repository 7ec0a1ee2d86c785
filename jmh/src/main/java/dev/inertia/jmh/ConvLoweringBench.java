package dev.inertia.jmh;

import dev.inertia.kernels.scalar.ScalarKernels;
import dev.inertia.kernels.ConvKernels;
import dev.inertia.kernels.Kernels;
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
 * The convolution lowering of the CNN at batch 128, F32: im2col of every image (the forward
 * pass) and col2im (the input gradient), 5×5 kernels with padding 2, SIMD and scalar twin,
 * beside a plain copy of the
 * column matrix's bytes (the memory-bound floor for writing it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class ConvLoweringBench {
    /** "channels x side" of the input: the CNN's first and second convolution. */
    @Param({"1x28", "32x14"})
    public String layer;

    private static final int BATCH = 128;
    private Arena arena;
    private MemorySegment x, col, copy;
    private int channels;
    private Window2d g;
    private long image, cols;
    private final ConvKernels simd = Kernels.conv();
    private final ConvKernels scalar = ScalarKernels.conv();

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = layer.split("x");
        channels = Integer.parseInt(parts[0]);
        int side = Integer.parseInt(parts[1]);
        g = Window2d.square(side, side, 5, 1, 2);
        image = (long) channels * side * side;
        cols = (long) channels * 25 * g.outH() * g.outW();
        arena = Arena.ofShared();
        x = arena.allocate(4 * image * BATCH, 64);
        col = arena.allocate(4 * cols * BATCH, 64);
        copy = arena.allocate(4 * cols * BATCH, 64);
        SplittableRandom r = new SplittableRandom(1);
        for (long i = 0; i < image * BATCH; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void im2colSimd() {
        for (int n = 0; n < BATCH; n++) {
            simd.im2colF32(x, n * image, channels, g, col, n * cols);
        }
    }

    @Benchmark
    public void im2colScalar() {
        for (int n = 0; n < BATCH; n++) {
            scalar.im2colF32(x, n * image, channels, g, col, n * cols);
        }
    }

    @Benchmark
    public void col2imSimd() {
        for (int n = 0; n < BATCH; n++) {
            simd.col2imF32(col, n * cols, channels, g, x, n * image);
        }
    }

    @Benchmark
    public void col2imScalar() {
        for (int n = 0; n < BATCH; n++) {
            scalar.col2imF32(col, n * cols, channels, g, x, n * image);
        }
    }

    @Benchmark
    public void copyColumnBytes() {
        MemorySegment.copy(col, 0, copy, 0, col.byteSize());
    }
}
