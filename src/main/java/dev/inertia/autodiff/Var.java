package dev.inertia.autodiff;

import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A value recorded on a {@link Tape}: a leaf (a parameter or a constant) or the result of an
 * op. Calling an op computes its value at once and records it; {@link Tape#backward(Var)} then
 * fills {@link #grad()} and {@link Tape#computeTangents()} fills {@link #tangent()}.
 *
 * <p>Values live in buffers the tape reuses when the same computation runs again after
 * {@link Tape#reset()}: a {@code Var} is valid until its tape is reset or closed. The tape also
 * recycles the {@code Var} objects themselves, so one kept across a reset may come to describe
 * another op of the next run.
 *
 * <p>Broadcasting (add, sub, mul, div) follows PyTorch for the common cases: operands of the
 * same shape, a one-element operand (a scalar), or an operand whose shape is a suffix of the
 * other's (a bias over the last axis). {@link #addBias(Var)} adds a per-channel bias over axis 1.
 */
public final class Var {
    private static final Var[] NO_INPUTS = new Var[0];

    final Tape tape;
    /*
     * The node's description is not final: the tape recycles its Var objects, with their
     * gradient and tangent buffers, when the same computation is recorded again after a reset
     * (see Tape#reset), so that a training step allocates (next to) nothing on the heap.
     */
    Tensor value;
    int[] shape;
    Var[] inputs;
    Rule rule;
    boolean requiresGrad;
    /** Kink hits and hits with a nonzero incoming gradient, of this op's last sweep. */
    final long[] kinkCounts = new long[2];

    Tensor grad;
    /** This value's own gradient buffer; {@link #grad} is it, or another op's gradient it aliases. */
    private Tensor ownGrad;
    /** A leaf whose gradient goes into a tensor its caller owns ({@link Tape#param(Tensor, Tensor)}). */
    private boolean callerGrad;
    /** True until the current reverse sweep contributes to this gradient. */
    boolean gradFresh = true;
    Tensor tangent;
    private Tensor tangentBuffer;
    /** The k-direction tangent block {@code [k, ...shape]} of the last block sweep; null means zero. */
    Tensor tangents;
    private Tensor tangentsBuffer;
    /** The last view made by {@link #gradAlias} of another shape, reused when it fits again. */
    private Tensor aliasView;

    Var(Tape tape, Tensor value, Rule rule, int inputCount, boolean requiresGrad) {
        this.tape = tape;
        this.inputs = inputCount == 0 ? NO_INPUTS : new Var[inputCount];
        reinit(value, rule, inputCount, requiresGrad);
    }

    /**
     * Makes this object describe another node (the tape recycles nodes between runs): keeps the
     * gradient and tangent buffers when the layout is unchanged, and the inputs array when it has
     * {@code inputCount} slots (the caller fills them).
     */
    void reinit(Tensor value, Rule rule, int inputCount, boolean requiresGrad) {
        if (this.value == null || !sameLayout(value, this.value.dtype(), shape)) {
            this.shape = value.shape();
            ownGrad = null;
            tangentBuffer = null;
            tangentsBuffer = null;
            aliasView = null;
        }
        if (this.value != null && callerGrad) { // never write into a caller's buffer for another node
            ownGrad = null;
        }
        this.value = value;
        this.rule = rule;
        if (inputs.length != inputCount) {
            inputs = inputCount == 0 ? NO_INPUTS : new Var[inputCount];
        }
        this.requiresGrad = requiresGrad;
        callerGrad = false;
        grad = ownGrad;
        gradFresh = true;
        tangent = null;
        tangents = null;
    }

    /** Whether {@code t} has this dtype and shape (read without copying the shape). */
    static boolean sameLayout(Tensor t, DType dtype, int[] shape) {
        if (t.dtype() != dtype || t.rank() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (t.dim(i) != shape[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- description -----------------------------------------------------------------------

    /** The forward value. */
    public Tensor value() {
        return value;
    }

    /**
     * The gradient of the last {@link Tape#backward} root with respect to this value (zeros when
     * it does not depend on it), or null when this value requires no gradient or no backward
     * pass ran. A gradient may share memory with the gradient of an op's result (add and reshape
     * pass their gradient on without copying); it stays valid until the tape's next run.
     */
    public Tensor grad() {
        return grad;
    }

    /** The tangent of the last {@link Tape#computeTangents()} sweep; null means zero. */
    public Tensor tangent() {
        return tangent;
    }

    /**
     * Sets the tangent (direction) of a leaf for forward mode; null means zero. Under a tape's
     * emulated precision the direction is rounded to it in place.
     */
    public Var setTangent(Tensor direction) {
        if (rule != null) {
            throw new IllegalStateException("only a leaf's tangent can be set; this is the result of " + rule.name());
        }
        if (direction != null) {
            value.requireSameLayout(direction, "tangent");
            tape.round(direction);
        }
        tangent = direction;
        return this;
    }

    /**
     * The k-direction tangent block {@code [k, ...shape]} of the last
     * {@link Tape#computeTangentBlocks()} or {@link Tape#computeLexicographicTangents()} sweep
     * (row j is the tangent along direction j); null means zero.
     */
    public Tensor tangents() {
        return tangents;
    }

    /**
     * Sets k tangent directions of a leaf at once for a block sweep: {@code block} has the
     * shape {@code [k, ...shape]}, row j the j-th direction; null means zero. Under a tape's
     * emulated precision the block is rounded to it in place.
     */
    public Var setTangents(Tensor block) {
        if (rule != null) {
            throw new IllegalStateException("only a leaf's tangents can be set; this is the result of " + rule.name());
        }
        if (block != null) {
            if (block.dtype() != value.dtype() || block.rank() != shape.length + 1 || block.dim(0) < 1
                    || !Arrays.equals(Arrays.copyOfRange(block.shape(), 1, block.rank()), shape)) {
                throw new IllegalArgumentException("tangents: expected " + value.dtype() + " [k, "
                        + Arrays.toString(shape).replaceAll("[\\[\\]]", "") + "] with k >= 1, got " + block.describe());
            }
            tape.round(block);
        }
        tangents = block;
        return this;
    }

    /** Row j of this value's tangent block, a view of the value's shape. */
    Tensor tangentRow(int j) {
        return row(tangents, j);
    }

    /** Row j of {@code block} ({@code [k, ...shape]}), a view of this value's shape. */
    Tensor row(Tensor block, int j) {
        long bytes = size() * value.dtype().byteSize();
        return Tensor.wrap(block.segment().asSlice(j * bytes, bytes), value.dtype(), shape);
    }

    /** The buffer for this op's k-direction tangent block (reused while k is the same); also makes it the block. */
    Tensor tangentsBuffer(int k) {
        if (tangentsBuffer == null || tangentsBuffer.dim(0) != k) {
            int[] s = new int[shape.length + 1];
            s[0] = k;
            System.arraycopy(shape, 0, s, 1, shape.length);
            tangentsBuffer = tape.nodeBuffer(value.dtype(), s);
        }
        tangents = tangentsBuffer;
        return tangentsBuffer;
    }

    public int[] shape() {
        return shape.clone();
    }

    public DType dtype() {
        return value.dtype();
    }

    public long size() {
        return value.size();
    }

    public Tape tape() {
        return tape;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The op that produced this value, or "param" / "constant" for leaves. */
    public String op() {
        return rule != null ? rule.name() : requiresGrad ? "param" : "constant";
    }

    @Override
    public String toString() {
        return "Var " + op() + " " + value.describe();
    }

    // ---- arithmetic ------------------------------------------------------------------------

    public Var add(Var other) {
        return Arithmetic.binary(Arithmetic.Kind.ADD, this, other);
    }

    public Var sub(Var other) {
        return Arithmetic.binary(Arithmetic.Kind.SUB, this, other);
    }

    public Var mul(Var other) {
        return Arithmetic.binary(Arithmetic.Kind.MUL, this, other);
    }

    public Var div(Var other) {
        return Arithmetic.binary(Arithmetic.Kind.DIV, this, other);
    }

    /** this + c */
    public Var add(double c) {
        return Arithmetic.addScalar(this, c);
    }

    /** this - c */
    public Var sub(double c) {
        return Arithmetic.addScalar(this, -c);
    }

    /** this * c */
    public Var scale(double c) {
        return Arithmetic.scale(this, c, "scale");
    }

    public Var neg() {
        return Arithmetic.scale(this, -1, "neg");
    }

    /** Adds a per-channel bias {@code b [C]} over axis 1 of a {@code [N, C, ...]} value. */
    public Var addBias(Var b) {
        return Arithmetic.addBias(this, b);
    }

    /** The matrix product of two rank-2 values. */
    public Var matmul(Var other) {
        return MatMul.matmul(this, other, false, false);
    }

    /** {@code op(this) · op(other)} where op transposes when asked; computed by GEMM without copies. */
    public Var matmul(Var other, boolean transposeThis, boolean transposeOther) {
        return MatMul.matmul(this, other, transposeThis, transposeOther);
    }

    /**
     * The fully connected layer {@code this · weightᵀ + bias} for {@code this [N, in]},
     * {@code weight [out, in]} (PyTorch's layout) and {@code bias [out]} or null: one GEMM with
     * the bias added in its epilogue, the same values as {@code matmul(weight, false,
     * true).addBias(bias)}.
     */
    public Var linear(Var weight, Var bias) {
        return Affine.apply(this, weight, bias, null);
    }

    /**
     * {@code relu(this · weightᵀ + bias)} as one op (see {@link #linear}), ReLU'(0) and its kink
     * counts as {@link #relu()} with the tape's {@link Kinks}.
     */
    public Var linearRelu(Var weight, Var bias) {
        return Affine.apply(this, weight, bias, tape.kinks());
    }

    /** {@link #linearRelu(Var, Var)} with ReLU'(0) from {@code kinks}. */
    public Var linearRelu(Var weight, Var bias, Kinks kinks) {
        return Affine.apply(this, weight, bias, java.util.Objects.requireNonNull(kinks, "kinks"));
    }

    // ---- reductions ------------------------------------------------------------------------

    /** The sum of all elements, a scalar (shape []). */
    public Var sum() {
        return Reductions.sum(this, false);
    }

    /** The mean of all elements, a scalar. */
    public Var mean() {
        return Reductions.sum(this, true);
    }

    /** The maximum of all elements, ties as {@link Kinks#maxReduce()}. */
    public Var max() {
        return Maximum.reduce(this, -1, tape.kinks());
    }

    public Var max(Kinks kinks) {
        return Maximum.reduce(this, -1, kinks);
    }

    /** The maximum along {@code axis} (removed from the shape), ties as {@link Kinks#maxDim()}. */
    public Var max(int axis) {
        return Maximum.reduce(this, axis, tape.kinks());
    }

    public Var max(int axis, Kinks kinks) {
        return Maximum.reduce(this, axis, kinks);
    }

    /** The elementwise maximum of two values of the same shape, ties as {@link Kinks#maximum()}. */
    public Var max(Var other) {
        return Maximum.elementwise(this, other, tape.kinks());
    }

    public Var max(Var other, Kinks kinks) {
        return Maximum.elementwise(this, other, kinks);
    }

    // ---- smooth functions ------------------------------------------------------------------

    public Var exp() {
        return Smooth.apply(this, Kern.Fn.EXP);
    }

    public Var log() {
        return Smooth.apply(this, Kern.Fn.LOG);
    }

    public Var sqrt() {
        return Smooth.apply(this, Kern.Fn.SQRT);
    }

    public Var tanh() {
        return Smooth.apply(this, Kern.Fn.TANH);
    }

    public Var sigmoid() {
        return Smooth.apply(this, Kern.Fn.SIGMOID);
    }

    // ---- nonsmooth activations (the tape's Kinks unless given) -----------------------------

    public Var relu() {
        return Activations.relu(this, tape.kinks());
    }

    public Var relu(Kinks kinks) {
        return Activations.relu(this, kinks);
    }

    /** x > 0 ? x : slope · x */
    public Var leakyRelu(double slope) {
        return Activations.leakyRelu(this, slope, tape.kinks());
    }

    public Var leakyRelu(double slope, Kinks kinks) {
        return Activations.leakyRelu(this, slope, kinks);
    }

    /** min(max(x, 0), 6) */
    public Var relu6() {
        return Activations.clamp(this, 0, 6, "relu6", tape.kinks());
    }

    public Var relu6(Kinks kinks) {
        return Activations.clamp(this, 0, 6, "relu6", kinks);
    }

    /** min(max(x, -1), 1) */
    public Var hardtanh() {
        return Activations.clamp(this, -1, 1, "hardtanh", tape.kinks());
    }

    public Var hardtanh(Kinks kinks) {
        return Activations.clamp(this, -1, 1, "hardtanh", kinks);
    }

    /** min(max(x, lo), hi) */
    public Var clamp(double lo, double hi) {
        return Activations.clamp(this, lo, hi, "clamp", tape.kinks());
    }

    public Var clamp(double lo, double hi, Kinks kinks) {
        return Activations.clamp(this, lo, hi, "clamp", kinks);
    }

    public Var abs() {
        return Activations.abs(this, tape.kinks());
    }

    public Var abs(Kinks kinks) {
        return Activations.abs(this, kinks);
    }

    // ---- layers' ops -----------------------------------------------------------------------

    /** Max pooling of a {@code [N, C, H, W]} value with a k×k window and stride k. */
    public Var maxPool2d(int k) {
        return Pooling.maxPool2d(this, k, k, 0, tape.kinks());
    }

    public Var maxPool2d(int k, int stride, int padding) {
        return Pooling.maxPool2d(this, k, stride, padding, tape.kinks());
    }

    public Var maxPool2d(int k, int stride, int padding, Kinks kinks) {
        return Pooling.maxPool2d(this, k, stride, padding, kinks);
    }

    /**
     * Average pooling of a {@code [N, C, H, W]} value with a k×k window and stride k (PyTorch's
     * {@code AvgPool2d(k)}).
     */
    public Var avgPool2d(int k) {
        return AvgPooling.avgPool2d(this, k, k, 0);
    }

    /**
     * Average pooling with PyTorch's defaults {@code ceil_mode=False, count_include_pad=True}:
     * every window's sum is divided by k², the zero padding included; padding at most k / 2.
     */
    public Var avgPool2d(int k, int stride, int padding) {
        return AvgPooling.avgPool2d(this, k, stride, padding);
    }

    /** The mean of each plane of a {@code [N, C, H, W]} value: {@code [N, C]}. */
    public Var globalAvgPool2d() {
        return AvgPooling.globalAvgPool2d(this);
    }

    /**
     * 2-D convolution (cross-correlation, as PyTorch) of {@code this [N, C, H, W]} with
     * {@code weight [O, C, kh, kw]} and an optional {@code bias [O]} (null for none).
     */
    public Var conv2d(Var weight, Var bias, int stride, int padding) {
        return Convolution.conv2d(this, weight, bias, stride, padding);
    }

    /** Batch normalization in training mode over axis 1 of {@code [N, C, ...]}. */
    public Var batchNorm(Var gamma, Var beta, double eps) {
        return BatchNorm.apply(this, gamma, beta, eps);
    }

    /** For a {@link #batchNorm} result: the batch mean per channel (for a layer's running statistics). */
    public Tensor batchNormMean() {
        requireBatchNorm();
        return BatchNorm.savedMean(this);
    }

    /** For a {@link #batchNorm} result: 1 / sqrt(batch variance + eps) per channel. */
    public Tensor batchNormInvStd() {
        requireBatchNorm();
        return BatchNorm.savedInvStd(this);
    }

    private void requireBatchNorm() {
        if (rule == null || !rule.name().equals("batchNorm")) {
            throw new IllegalStateException(this + " is not the result of batchNorm");
        }
    }

    /**
     * Layer normalization over the last axis with an elementwise affine map, as PyTorch's
     * {@code LayerNorm}: {@code gamma · (x - mean) / sqrt(var + eps) + beta} with each row's mean
     * and biased variance; {@code gamma} and {@code beta} are {@code [last axis]} of this dtype.
     */
    public Var layerNorm(Var gamma, Var beta, double eps) {
        return LayerNorm.apply(this, gamma, beta, eps);
    }

    /** softmax over the last axis, each row shifted by its maximum (no overflow for any finite input). */
    public Var softmax() {
        return Softmax.apply(this, false);
    }

    /** log(softmax) over the last axis: {@code x - max - log(sum(exp(x - max)))} per row. */
    public Var logSoftmax() {
        return Softmax.apply(this, true);
    }

    // ---- losses against a target of this shape and dtype (gradients to both operands) ------

    /** {@code mean((this - target)²)}; PyTorch's {@code MSELoss}. */
    public Var mseLoss(Var target) {
        return TargetLoss.apply(TargetLoss.Kind.MSE, this, target, 0, null);
    }

    /**
     * {@code mean(|this - target|)}; PyTorch's {@code L1Loss}. Where {@code this == target} the
     * derivative is abs'(0) of the tape's {@link Kinks} ({@link Kinks#absAtZero()}; the negative
     * for the target), as for {@code sub(target).abs().mean()}, and those elements are counted
     * as kink hits.
     */
    public Var l1Loss(Var target) {
        return TargetLoss.apply(TargetLoss.Kind.L1, this, target, 0, tape.kinks());
    }

    /** {@link #l1Loss(Var)} with abs'(0) from {@code kinks}. */
    public Var l1Loss(Var target, Kinks kinks) {
        return TargetLoss.apply(TargetLoss.Kind.L1, this, target, 0, java.util.Objects.requireNonNull(kinks, "kinks"));
    }

    /**
     * PyTorch's {@code HuberLoss}: the mean of {@code 0.5 r²} where {@code |r| <= delta}, else
     * {@code delta · (|r| - 0.5 delta)}, with {@code r = this - target}; continuously
     * differentiable (no kink).
     */
    public Var huberLoss(Var target, double delta) {
        return TargetLoss.apply(TargetLoss.Kind.HUBER, this, target, delta, null);
    }

    /**
     * PyTorch's {@code BCEWithLogitsLoss}: binary cross-entropy of {@code sigmoid(this)} (logits)
     * against probabilities {@code target}, averaged, in the stable form
     * {@code max(x, 0) - x·t + log1p(exp(-|x|))}; the gradient is {@code (sigmoid(x) - t) / n}.
     */
    public Var bceWithLogits(Var target) {
        return TargetLoss.apply(TargetLoss.Kind.BCE, this, target, 0, null);
    }

    /**
     * The mean over rows of the softmax cross-entropy of {@code this [rows, classes]} (logits)
     * against integer labels; fused and numerically stable.
     */
    public Var softmaxCrossEntropy(int[] labels) {
        return SoftmaxCrossEntropy.apply(this, labels);
    }

    /**
     * The same loss with the labels in memory: {@code labels} holds (at least) one 32-bit int in
     * native byte order per row, as a {@code dev.inertia.data.Batcher} delivers them. Unlike
     * {@link #softmaxCrossEntropy(int[])} nothing is copied, so a training step allocates nothing.
     */
    public Var softmaxCrossEntropy(MemorySegment labels) {
        return SoftmaxCrossEntropy.apply(this, labels);
    }

    /**
     * Batch normalization in evaluation mode over axis 1 of {@code [N, C, ...]}: {@code y = gamma
     * · (x - runningMean) / sqrt(runningVar + eps) + beta} with fixed statistics (tensors
     * {@code [C]} of this dtype). The gradient flows to {@code this} only: gamma and beta enter
     * as constants, as they do when a model is evaluated.
     */
    public Var batchNormEval(Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double eps) {
        return BatchNorm.applyEval(this, gamma, beta, runningMean, runningVar, eps);
    }

    /** The same values with another shape of the same size. */
    public Var reshape(int... newShape) {
        return Shapes.reshape(this, newShape);
    }

    /** {@code [N, ...]} to {@code [N, rest]}. */
    public Var flatten() {
        if (shape.length < 1) {
            throw new IllegalArgumentException("flatten needs at least one axis, got a scalar");
        }
        return Shapes.reshape(this, shape[0], (int) (size() / Math.max(1, shape[0])));
    }

    // ---- for the rules ---------------------------------------------------------------------

    Var input(int i) {
        return inputs[i];
    }

    boolean sameShape(Var other) {
        return Arrays.equals(shape, other.shape);
    }

    /**
     * Makes this value's own buffer its gradient, allocated from the tape on first use and kept
     * while this node is recycled with the same layout (contents unspecified).
     */
    Tensor gradBuffer() {
        if (ownGrad == null) {
            ownGrad = tape.nodeBuffer(value.dtype(), shape);
        }
        grad = ownGrad;
        return grad;
    }

    /** Makes {@code buffer} (the caller's) this leaf's gradient buffer, never replaced by an alias. */
    void useCallerGrad(Tensor buffer) {
        ownGrad = buffer;
        grad = buffer;
        callerGrad = true;
    }

    /** Before a reverse sweep: no contribution yet, and no alias left from an earlier sweep. */
    void resetGrad() {
        gradFresh = true;
        grad = ownGrad;
    }

    /**
     * Where a rule writes one contribution to this gradient: the gradient itself for the
     * first contribution of the sweep, else the tape's scratch buffer {@code slot}; pass it to
     * {@link #gradCommit} afterwards.
     */
    Tensor gradSink(int slot) {
        if (gradFresh) {
            gradFresh = false;
            return gradBuffer();
        }
        return tape.scratch(slot, value.dtype(), shape);
    }

    /** {@link #gradSink} when this value requires a gradient, else null (for {@link #gradCommit}). */
    Tensor gradSinkIfRequired(int slot) {
        return requiresGrad ? gradSink(slot) : null;
    }

    /** Adds a {@link #gradSink}'s contribution to this gradient; null (no sink taken) does nothing. */
    void gradCommit(Tensor sink) {
        if (sink != null && sink != grad) {
            Kern.add(grad, sink, grad);
        }
    }

    /**
     * Takes {@code dy} itself (same size) as this gradient when it is the first contribution,
     * so that ops whose derivative is the identity (add, reshape) pass gradients on without a
     * copy; returns false (nothing done) otherwise. The gradients of such values then share
     * memory, which is safe because the reverse sweep is done with {@code dy} by then.
     */
    boolean gradAlias(Tensor dy) {
        if (!gradFresh) {
            return false;
        }
        gradFresh = false;
        if (callerGrad) { // the caller's tensor must receive the values: copy instead of aliasing
            Kern.copy(dy, grad);
        } else {
            grad = view(dy);
        }
        return true;
    }

    /** {@code dy} seen with this value's shape, without a new view when it already has it or had it last time. */
    private Tensor view(Tensor dy) {
        if (sameLayout(dy, dy.dtype(), shape)) {
            return dy;
        }
        if (aliasView == null || aliasView.segment() != dy.segment() || aliasView.dtype() != dy.dtype()
                || !sameLayout(aliasView, dy.dtype(), shape)) {
            aliasView = dy.reshape(shape);
        }
        return aliasView;
    }

    /** For kernels that accumulate themselves: whether to add to the gradient (else overwrite). */
    boolean gradAccumulates() {
        return !gradFresh;
    }

    /**
     * Claims the gradient buffer for a kernel that honours {@link #gradAccumulates()} read just
     * before: this value's own buffer for the first contribution, else the gradient as it stands,
     * which may be an alias taken by {@link #gradAlias} (a skip connection {@code x + f(x)}): the
     * kernel must add to it, not to the own buffer, or the aliased contribution is lost.
     */
    Tensor gradClaim() {
        if (!gradFresh) {
            return grad;
        }
        gradFresh = false;
        return gradBuffer();
    }

    /** The buffer for this op's tangent (reused across sweeps); also makes it the tangent. */
    Tensor tangentBuffer() {
        if (tangentBuffer == null) {
            tangentBuffer = tape.nodeBuffer(value.dtype(), shape);
        }
        tangent = tangentBuffer;
        return tangentBuffer;
    }
}
