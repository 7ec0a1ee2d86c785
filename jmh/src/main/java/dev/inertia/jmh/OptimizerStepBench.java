package dev.inertia.jmh;

import dev.inertia.kernels.ElementwiseKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import dev.inertia.optim.AdamW;
import dev.inertia.optim.INNAprop;
import dev.inertia.optim.SGD;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
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
 * One optimizer step over {@code params} F32 parameters in {@code tensors} tensors (PyTorch's
 * comparison setup: 10M parameters in 10 tensors) on {@code threads} pool threads:
 * <ul>
 *   <li>the fused INNAprop, AdamW (28 bytes per parameter) and SGD-momentum (20) steps;</li>
 *   <li>a plain copy moving the same 28 bytes per parameter (14 read, 14 written), as a Vector
 *       API loop and as {@code MemorySegment.copy}, split over the same threads: the
 *       memory-bound reference;</li>
 *   <li>INNAprop's memory passes unfused, as PyTorch makes them (11 elementwise passes, about
 *       110 bytes per parameter), with {@code Kernels.elementwise()}. ElementwiseKernels has no
 *       sqrt or division, so those two passes run as a copy and a multiply: the same bytes, not
 *       the same arithmetic. It measures what not fusing costs in memory traffic.</li>
 * </ul>
 * Bytes per second = bytes per parameter × params / time. Sample mode: on a shared machine the
 * median (p0.50) is the figure to quote; the mean is pulled up by other processes' bursts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class OptimizerStepBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int CHUNK = 1 << 18;

    @Param({"10000000"})
    public int params;

    @Param({"10"})
    public int tensors;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private final List<Tensor> thetas = new ArrayList<>();
    private final List<Tensor> grads = new ArrayList<>();
    private final INNAprop innaprop = INNAprop.builder().build();
    private final AdamW adamw = AdamW.builder().build();
    private final SGD sgd = SGD.builder().momentum(0.9).build();
    private final List<INNAprop.State> innapropStates = new ArrayList<>();
    private final List<AdamW.State> adamwStates = new ArrayList<>();
    private final List<SGD.State> sgdStates = new ArrayList<>();
    private MemorySegment copySrc, copyDst;
    private long copyFloats;
    private MemorySegment tmp, den;
    private final ElementwiseKernels ew = Kernels.elementwise();

    private KernelPool pool;
    private KernelPool.Binding binding;

    @Setup(Level.Trial)
    public void setUp() {
        pool = KernelPool.ofThreads(threads); // the benchmark thread runs setup and measurement
        binding = pool.bind();
        arena = Arena.ofShared();
        SplittableRandom r = new SplittableRandom(42);
        int size = params / tensors;
        for (int t = 0; t < tensors; t++) {
            Tensor theta = Tensor.wrap(arena.allocate(4L * size, 64), DType.F32, size);
            Tensor grad = Tensor.wrap(arena.allocate(4L * size, 64), DType.F32, size);
            for (int i = 0; i < size; i++) {
                theta.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
                grad.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextGaussian() * 1e-3));
            }
            thetas.add(theta);
            grads.add(grad);
            innapropStates.add(innaprop.init(theta));
            adamwStates.add(adamw.init(theta));
            sgdStates.add(sgd.init(theta));
        }
        copyFloats = 7L * params / 2; // 14 bytes read + 14 written per parameter
        copySrc = arena.allocate(4 * copyFloats, 64);
        copyDst = arena.allocate(4 * copyFloats, 64);
        copySrc.fill((byte) 1);
        copyDst.fill((byte) 2);
        tmp = arena.allocate(4L * size, 64);
        den = arena.allocate(4L * size, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        binding.close();
        pool.close();
        arena.close();
    }

    @Benchmark
    public void innapropFused() {
        for (int t = 0; t < tensors; t++) {
            innaprop.step(thetas.get(t), grads.get(t), innapropStates.get(t));
        }
    }

    @Benchmark
    public void adamwFused() {
        for (int t = 0; t < tensors; t++) {
            adamw.step(thetas.get(t), grads.get(t), adamwStates.get(t));
        }
    }

    @Benchmark
    public void sgdMomentumFused() {
        for (int t = 0; t < tensors; t++) {
            sgd.step(thetas.get(t), grads.get(t), sgdStates.get(t));
        }
    }

    /** 28 bytes per parameter moved by a Vector API copy loop, in chunks over the pool. */
    @Benchmark
    public void copyVectorLoop() {
        long n = copyFloats;
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        Parallel.forEach(chunks, c -> {
            long from = (long) c * CHUNK;
            int len = (int) Math.min(CHUNK, n - from);
            int i = 0;
            for (int bound = F.loopBound(len); i < bound; i += F.length()) {
                long off = 4 * (from + i);
                FloatVector.fromMemorySegment(F, copySrc, off, ByteOrder.nativeOrder())
                        .intoMemorySegment(copyDst, off, ByteOrder.nativeOrder());
            }
            for (; i < len; i++) {
                copyDst.setAtIndex(ValueLayout.JAVA_FLOAT, from + i, copySrc.getAtIndex(ValueLayout.JAVA_FLOAT, from + i));
            }
        });
    }

    /** The same bytes with the JDK's bulk copy, in chunks over the pool. */
    @Benchmark
    public void copyMemorySegment() {
        long n = copyFloats;
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        Parallel.forEach(chunks, c -> {
            long from = 4L * c * CHUNK;
            MemorySegment.copy(copySrc, from, copyDst, from, Math.min(4L * CHUNK, 4 * n - from));
        });
    }

    /** INNAprop's passes as PyTorch makes them, one elementwise kernel per pass (see the class comment). */
    @Benchmark
    public void innapropUnfused() {
        float decay = 0.99999f, sigma = 0.999f, c1 = 0.9989f, c2 = 0.001f, c3 = 1.0001f, c4 = 0.0011f;
        for (int t = 0; t < tensors; t++) {
            MemorySegment th = thetas.get(t).segment(), g = grads.get(t).segment();
            MemorySegment psi = innapropStates.get(t).psi().segment(), v = innapropStates.get(t).v().segment();
            int size = (int) thetas.get(t).size();
            pass(size, (off, n) -> ew.scaleF32(decay, th, off, th, off, n));         // param.mul_(1 - lr*wd)
            pass(size, (off, n) -> ew.scaleF32(sigma, v, off, v, off, n));           // v.mul_(sigma)
            pass(size, (off, n) -> ew.mulF32(g, off, g, off, tmp, off, n));          // .addcmul_(g, g, 1 - sigma)
            pass(size, (off, n) -> ew.axpyF32(0.001f, tmp, off, v, off, n));
            pass(size, (off, n) -> ew.copyF32(v, off, tmp, off, n));                 // v.sqrt() (as a copy)
            pass(size, (off, n) -> ew.scaleF32(31.6f, tmp, off, den, off, n));       // / sqrt(bias correction)
            pass(size, (off, n) -> ew.scaleF32(1f, den, off, den, off, n));          // .add_(eps) (as a scale)
            pass(size, (off, n) -> ew.scaleF32(c1, psi, off, psi, off, n));          // psi.mul_(1 - lr/beta)
            pass(size, (off, n) -> ew.axpyF32(c2, th, off, psi, off, n));            // .add_(param, ...)
            pass(size, (off, n) -> ew.scaleF32(c3, th, off, th, off, n));            // param.mul_(1 + s1)
            pass(size, (off, n) -> ew.axpyF32(-c4, psi, off, th, off, n));           // .sub_(psi, s2)
            pass(size, (off, n) -> ew.mulF32(g, off, den, off, tmp, off, n));        // .addcdiv_(g, den) (as a mul)
            pass(size, (off, n) -> ew.axpyF32(-9e-4f, tmp, off, th, off, n));
        }
    }

    @FunctionalInterface
    private interface Range {
        void run(long off, int n);
    }

    private static void pass(int size, Range r) {
        int chunks = (size + CHUNK - 1) / CHUNK;
        Parallel.forEach(chunks, c -> r.run((long) c * CHUNK, Math.min(CHUNK, size - c * CHUNK)));
    }
}
