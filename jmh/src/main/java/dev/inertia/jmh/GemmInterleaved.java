package dev.inertia.jmh;

import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.KernelPool;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Inertia's sgemm and native OpenBLAS's (bytedeco's build, through JavaCPP, on the same off-heap
 * matrices) timed call by call in alternation, so that whatever else the shared machine runs hits
 * both alike: the ratio of the two medians is the figure of merit (and pair_ratio, the median of
 * the per-pair ratios, which bursty load disturbs less), the GFLOP/s are only as good
 * as the machine was quiet. OpenBLAS picks its kernel from the CPU or from
 * {@code OPENBLAS_CORETYPE} (e.g. Haswell) in the environment. Prints one JSON object a shape
 * and round.
 *
 * <p>With {@code --numpy-openblas LIB} the OpenBLAS side is instead numpy's own library (the
 * scipy-openblas build with 64-bit integers, e.g. {@code numpy.libs/libscipy_openblas64_-*.so}),
 * called through an FFM downcall: the very library the reference figures come from.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * dev.inertia.jmh.GemmInterleaved [--threads T] [--warmup-s S] [--seconds S] [--rounds R]
 * [--numpy-openblas LIB] [MxNxK:TT ...]}
 * (a warm-up pass over the shapes, S seconds each, then R measured rounds).
 */
public final class GemmInterleaved {
    private static final String[] SHAPES = {"1024x1024x1024:NN", "128x1024x784:NN", "128x1024x1024:NN",
        "784x1024x128:TN", "1024x1024x128:TN", "128x1024x1024:NT"};

    private GemmInterleaved() {}

    /** A JavaCPP pointer onto memory this program owns (JavaCPP must not free it). */
    private static final class Raw extends Pointer {
        Raw(MemorySegment s) {
            address = s.address();
            limit = capacity = s.byteSize();
        }
    }

    public static void main(String[] args) {
        int threads = 1;
        double warmup = 8, seconds = 4;
        int rounds = 1, i = 0;
        Path numpyLibrary = null;
        for (; i < args.length && args[i].startsWith("--"); i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--warmup-s" -> warmup = Double.parseDouble(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--numpy-openblas" -> numpyLibrary = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        String[] shapes = i < args.length ? Arrays.copyOfRange(args, i, args.length) : SHAPES;
        // Opened after every flag is read: its thread count must be --threads wherever that flag stands.
        MethodHandle numpy = numpyLibrary == null ? null : numpyOpenblas(numpyLibrary, threads);
        KernelPool.ofThreads(threads).bind(); // held for the run: this thread's kernels use it
        openblas_nolapack.blas_set_num_threads(threads);
        GemmKernels gemm = Kernels.gemm();
        String coretype = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "default")
                + (numpy != null ? " (numpy's library, kernel " + numpyCorename + ")" : "");
        // Warm-up: every shape once (the JIT compiles the kernels it uses), then the measured rounds.
        for (int round = 0; round <= rounds; round++) {
            for (String shape : shapes) {
                measure(gemm, numpy, shape, threads, coretype, round == 0 ? warmup : seconds, round);
            }
        }
    }

    private static void measure(GemmKernels gemm, MethodHandle numpy, String shape, int threads, String coretype,
            double seconds, int round) {
        String[] p = shape.split("[x:]");
        int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
        boolean ta = p[3].charAt(0) == 'T', tb = p[3].charAt(1) == 'T';
        int lda = ta ? m : k, ldb = tb ? k : n;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = random(arena, (long) m * k, 1), b = random(arena, (long) k * n, 2);
            MemorySegment c1 = arena.allocate((long) m * n * 4, 64), c2 = arena.allocate((long) m * n * 4, 64);
            FloatPointer fa = new FloatPointer(new Raw(a)), fb = new FloatPointer(new Raw(b));
            FloatPointer fc = new FloatPointer(new Raw(c2));
            int transA = ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
            int transB = tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
            Runnable inertia = () -> gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
            Runnable openblas = numpy == null
                    ? () -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, transA, transB, m, n, k, 1f,
                            fa, lda, fb, ldb, 0f, fc, n)
                    : () -> {
                        try {
                            numpy.invokeExact(CBLAS_ROW_MAJOR, ta ? CBLAS_TRANS : CBLAS_NO_TRANS,
                                    tb ? CBLAS_TRANS : CBLAS_NO_TRANS, (long) m, (long) n, (long) k, 1f, a, (long) lda, b,
                                    (long) ldb, 0f, c2, (long) n);
                        } catch (Throwable e) {
                            throw new IllegalStateException(e);
                        }
                    };
            long[][] times = new long[2][1 << 16];
            int calls = run(inertia, openblas, seconds, times);
            if (round == 0) {
                return;
            }
            double[] pairRatios = new double[calls];
            for (int c = 0; c < calls; c++) {
                pairRatios[c] = (double) times[1][c] / times[0][c];
            }
            Arrays.sort(pairRatios);
            double pairRatio = pairRatios[calls / 2];
            double flops = 2.0 * m * n * k;
            double gi = flops / median(times[0], calls), go = flops / median(times[1], calls);
            System.out.println(String.format(Locale.ROOT,
                    "{\"round\": %d, \"shape\": \"%s\", \"threads\": %d, \"openblas_coretype\": \"%s\", \"calls\": %d, "
                            + "\"inertia_gflops\": %.2f, \"openblas_gflops\": %.2f, \"ratio\": %.3f, \"pair_ratio\": %.3f}",
                    round, shape, threads, coretype, calls, gi, go, gi / go, pairRatio));
        }
    }

    private static final int CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112;
    private static String numpyCorename = "";

    /**
     * {@code scipy_cblas_sgemm64_} of numpy's OpenBLAS (enums as int, every dimension and
     * leading dimension a 64-bit integer), its thread count set to {@code threads}.
     */
    private static MethodHandle numpyOpenblas(Path library, int threads) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        ValueLayout.OfInt e = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        MemorySegment setThreads = lib.find("scipy_openblas_set_num_threads64_").orElseThrow();
        MemorySegment corename = lib.find("scipy_openblas_get_corename64_").orElseThrow();
        try {
            linker.downcallHandle(setThreads, FunctionDescriptor.ofVoid(e)).invokeExact(threads);
            MemorySegment name = (MemorySegment) linker.downcallHandle(corename,
                    FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
            numpyCorename = name.reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return linker.downcallHandle(lib.find("scipy_cblas_sgemm64_").orElseThrow(),
                FunctionDescriptor.ofVoid(e, e, e, l, l, l, f, ValueLayout.ADDRESS, l, ValueLayout.ADDRESS, l, f,
                        ValueLayout.ADDRESS, l));
    }

    /** Alternates the two calls (which goes first alternates too) for the given seconds; returns the pairs run. */
    private static int run(Runnable inertia, Runnable openblas, double seconds, long[][] times) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < end || calls < 5) {
            int slot = Math.min(calls, times[0].length - 1);
            for (int order = 0; order < 2; order++) {
                boolean first = ((calls + order) & 1) == 0;
                long t0 = System.nanoTime();
                (first ? inertia : openblas).run();
                times[first ? 0 : 1][slot] = System.nanoTime() - t0;
            }
            calls++;
            if (calls == times[0].length) {
                break;
            }
        }
        return calls;
    }

    private static double median(long[] times, int count) {
        long[] sorted = Arrays.copyOf(times, Math.min(count, times.length));
        Arrays.sort(sorted);
        int h = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2.0;
    }

    private static MemorySegment random(Arena arena, long count, long seed) {
        MemorySegment s = arena.allocate(count * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long j = 0; j < count; j++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (r.nextDouble() * 2 - 1));
        }
        return s;
    }
}
