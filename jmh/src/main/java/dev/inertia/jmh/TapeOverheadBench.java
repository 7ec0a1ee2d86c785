package dev.inertia.jmh;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.BroadcastKernels;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.SoftmaxKernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
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
 * The tape's overhead: forward + backward of the MLP 784-1024-1024-10 (ReLU, softmax
 * cross-entropy), batch 128, F32, through {@link Tape} ({@code tape}) and as the same kernel
 * calls written out by hand on preallocated buffers ({@code direct}). The ratio tape / direct
 * is the overhead (the target: at most 1.10). The tape records ~20 ops a step (a few
 * hundred small Java objects: the Vars, their rules and tensor views), no per-element objects.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class TapeOverheadBench {
    private static final int B = 128, IN = 784, OUT = 10;

    /** Hidden width: 1024 is the model of the issue; 64 makes the kernels cheap, exposing the bookkeeping. */
    @Param({"1024", "64"})
    public int hidden;

    private int width;

    private dev.inertia.memory.Scope scope;
    private Tape tape;
    private Tensor x, w1, b1, w2, b2, w3, b3;
    private int[] labels;
    private MemorySegment labelSegment;
    // direct buffers: pre-activations, activations, logits, probabilities and every gradient
    private Tensor z1, a1, z2, a2, z3, probs, dz3, da2, dz2, da1, dz1, dw1, db1, dw2, db2, dw3, db3;
    private final GemmKernels gemm = Kernels.gemm();
    private final BroadcastKernels bias = Kernels.broadcast();
    private final ActivationKernels act = Kernels.activations();
    private final SoftmaxKernels softmax = Kernels.softmax();
    private final long[] kinks = new long[2];

    @Setup(Level.Trial)
    public void setUp() {
        width = hidden;
        scope = dev.inertia.memory.Scope.open();
        tape = new Tape();
        SplittableRandom r = new SplittableRandom(7);
        x = random(r, 1, B, IN);
        w1 = random(r, 1 / Math.sqrt(IN), width, IN);
        b1 = random(r, 1 / Math.sqrt(IN), width);
        w2 = random(r, 1 / Math.sqrt(width), width, width);
        b2 = random(r, 1 / Math.sqrt(width), width);
        w3 = random(r, 1 / Math.sqrt(width), OUT, width);
        b3 = random(r, 1 / Math.sqrt(width), OUT);
        labels = new int[B];
        for (int i = 0; i < B; i++) {
            labels[i] = r.nextInt(OUT);
        }
        labelSegment = MemorySegment.ofArray(labels);
        z1 = zeros(B, width);
        a1 = zeros(B, width);
        z2 = zeros(B, width);
        a2 = zeros(B, width);
        z3 = zeros(B, OUT);
        probs = zeros(B, OUT);
        dz3 = zeros(B, OUT);
        da2 = zeros(B, width);
        dz2 = zeros(B, width);
        da1 = zeros(B, width);
        dz1 = zeros(B, width);
        dw1 = zeros(width, IN);
        db1 = zeros(width);
        dw2 = zeros(width, width);
        db2 = zeros(width);
        dw3 = zeros(OUT, width);
        db3 = zeros(OUT);
    }

    private Tensor zeros(int... shape) {
        return Tensor.zeros(scope, DType.F32, shape);
    }

    private Tensor random(SplittableRandom r, double bound, int... shape) {
        Tensor t = zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setDouble(i, (r.nextDouble() * 2 - 1) * bound);
        }
        return t;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tape.close();
        scope.close();
    }

    @Benchmark
    public double tape() {
        tape.reset();
        Var p1 = tape.param(w1), q1 = tape.param(b1), p2 = tape.param(w2), q2 = tape.param(b2);
        Var p3 = tape.param(w3), q3 = tape.param(b3);
        Var h = tape.constant(x).matmul(p1, false, true).add(q1).relu();
        h = h.matmul(p2, false, true).add(q2).relu();
        Var loss = h.matmul(p3, false, true).add(q3).softmaxCrossEntropy(labels);
        tape.backward(loss);
        return loss.value().getDouble(0) + p1.grad().getDouble(0);
    }

    @Benchmark
    public double direct() {
        // forward: z = a · Wᵀ + b, a = relu(z)
        linear(x, IN, w1, b1, z1, width);
        act.reluF32(z1.segment(), 0, a1.segment(), 0, B * width);
        linear(a1, width, w2, b2, z2, width);
        act.reluF32(z2.segment(), 0, a2.segment(), 0, B * width);
        linear(a2, width, w3, b3, z3, OUT);
        float loss = softmax.softmaxCrossEntropyF32(z3.segment(), 0, labelSegment, 0, probs.segment(), 0, B, OUT) / B;
        // backward
        softmax.softmaxCrossEntropyBackwardF32(probs.segment(), 0, labelSegment, 0, 1f / B, dz3.segment(), 0, B, OUT);
        linearBackward(a2, width, w3, dz3, OUT, dw3, db3, da2);
        act.reluBackwardF32(z2.segment(), 0, da2.segment(), 0, dz2.segment(), 0, B * width, 0f, kinks);
        linearBackward(a1, width, w2, dz2, width, dw2, db2, da1);
        act.reluBackwardF32(z1.segment(), 0, da1.segment(), 0, dz1.segment(), 0, B * width, 0f, kinks);
        linearBackward(x, IN, w1, dz1, width, dw1, db1, null);
        return loss + dw1.getDouble(0);
    }

    private void linear(Tensor a, int in, Tensor w, Tensor b, Tensor z, int out) {
        gemm.sgemm(false, true, B, out, in, 1f, a.segment(), 0, in, w.segment(), 0, in, 0f, z.segment(), 0, out);
        bias.addBiasF32(z.segment(), 0, b.segment(), 0, z.segment(), 0, B, out, 1);
    }

    private void linearBackward(Tensor a, int in, Tensor w, Tensor dz, int out, Tensor dw, Tensor db, Tensor da) {
        gemm.sgemm(true, false, out, in, B, 1f, dz.segment(), 0, out, a.segment(), 0, in, 0f, dw.segment(), 0, in);
        bias.sumBiasF32(dz.segment(), 0, db.segment(), 0, B, out, 1, 1f, false);
        if (da != null) {
            gemm.sgemm(false, false, B, in, out, 1f, dz.segment(), 0, out, w.segment(), 0, in, 0f, da.segment(), 0,
                    in);
        }
    }
}
