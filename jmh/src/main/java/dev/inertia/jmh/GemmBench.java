package dev.inertia.jmh;

import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.KernelPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
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
 * GEMM, {@code C = op(A)·op(B)}, Inertia beside native OpenBLAS (bytedeco's build, called
 * through JavaCPP on the very same off-heap matrices), on the square sizes and the five
 * training shapes (M×N×K:transposes), 1 and 2 threads. GFLOP/s = 2·M·N·K / time; the
 * ratio Inertia / OpenBLAS is the figure of merit. Sample mode: read the median (p0.50), which a
 * shared, noisy machine disturbs less than the mean. OpenBLAS picks its kernel from the CPU, or
 * from {@code OPENBLAS_CORETYPE} (e.g. Haswell) in the environment. The naive loop is
 * {@link GemmNaiveBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-XX:+UseParallelGC"})
public class GemmBench {
    @Param({"256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN", "2048x2048x2048:NN", "128x1024x784:NN",
        "128x1024x1024:NN", "784x1024x128:TN", "1024x1024x128:TN", "128x1024x1024:NT"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"f32"})
    public String dtype;

    private final GemmKernels gemm = Kernels.gemm();
    private Arena arena;
    private MemorySegment a, b, c;
    private FloatPointer fa, fb, fc;
    private DoublePointer da, db, dc;
    int m, n, k, lda, ldb;
    boolean ta, tb, f64;

    /** A JavaCPP pointer onto memory this benchmark owns (JavaCPP must not free it). */
    private static final class Raw extends Pointer {
        Raw(MemorySegment s) {
            address = s.address();
            limit = capacity = s.byteSize();
        }
    }

    private KernelPool pool;
    private KernelPool.Binding binding;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("[x:]");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        ta = parts[3].charAt(0) == 'T';
        tb = parts[3].charAt(1) == 'T';
        lda = ta ? m : k;
        ldb = tb ? k : n;
        f64 = dtype.equals("f64");
        pool = KernelPool.ofThreads(threads); // the benchmark thread runs setup and measurement
        binding = pool.bind();
        openblas_nolapack.blas_set_num_threads(threads);
        arena = Arena.ofShared();
        a = random(arena, (long) m * k, 1);
        b = random(arena, (long) k * n, 2);
        c = arena.allocate((long) m * n * (f64 ? 8 : 4), 64);
        if (f64) {
            da = new DoublePointer(new Raw(a));
            db = new DoublePointer(new Raw(b));
            dc = new DoublePointer(new Raw(c));
        } else {
            fa = new FloatPointer(new Raw(a));
            fb = new FloatPointer(new Raw(b));
            fc = new FloatPointer(new Raw(c));
        }
    }

    private MemorySegment random(Arena arena, long count, long seed) {
        MemorySegment s = arena.allocate(count * (f64 ? 8 : 4), 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            double v = r.nextDouble() * 2 - 1;
            if (f64) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            } else {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            }
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
    public void inertia() {
        if (f64) {
            gemm.dgemm(ta, tb, m, n, k, 1.0, a, 0, lda, b, 0, ldb, 0.0, c, 0, n);
        } else {
            gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        }
    }

    @Benchmark
    public void openblas() {
        int transA = ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int transB = tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (f64) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, transA, transB, m, n, k, 1.0, da, lda, db, ldb, 0.0, dc, n);
        } else {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, transA, transB, m, n, k, 1f, fa, lda, fb, ldb, 0f, fc, n);
        }
    }
}
