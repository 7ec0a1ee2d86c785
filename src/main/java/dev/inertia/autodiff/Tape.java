package dev.inertia.autodiff;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Records ops on {@link Var}s and differentiates them: reverse mode ({@link #backward}) and
 * forward mode ({@link #computeTangents()}) run the rules of the same recorded ops.
 *
 * <p>A tape owns the memory of the values, gradients and tangents it computes. Buffers are
 * handed out in order; after {@link #reset()} the same computation gets the same buffers back,
 * so a training loop that resets, runs the model and calls backward allocates no new memory
 * from its second step on. The tape also recycles its {@code Var} objects (and the ops' rules,
 * tensor views and gradient buffers they hold) when a run records the same ops again, so such a
 * loop allocates next to nothing on the Java heap either. Kink hits of the last sweep are in
 * {@link #kinkReport()}.
 *
 * <p><b>Precision emulation.</b> With {@link #setPrecision} set to a format narrower than the
 * storage dtype (fp16 or bf16 on F32 values, fp32 on F64 values), the tape rounds, ties to even:
 * every leaf once when it is registered (in place: the caller's tensor), every op's forward value
 * when it is recorded, every gradient once it is complete (all contributions of the sweep summed,
 * just before the op that consumes it runs, and a leaf's at the end of the sweep), every tangent
 * when its op computes it, and a leaf's tangent when it is set (in place). The arithmetic inside
 * an op stays in the storage dtype: GEMM, reductions and fused kernels accumulate in F32 (as
 * hardware with fp16/bf16 inputs and F32 accumulators does), and statistics an op keeps for its
 * reverse rule (softmax probabilities, batch-norm statistics) are not rounded.
 *
 * <p>Not thread-safe: one tape per thread (the kernels themselves use the pool).
 */
public final class Tape implements AutoCloseable {
    private static final int SCRATCH_SLOTS = 4;

    private final Scope scope = Scope.open();
    /** Recorded ops, in order: the first {@code nodeCount}; those after are kept for recycling. */
    private Var[] nodes = new Var[16];
    private int nodeCount;
    /** Leaves, in order: the first {@code leafCount}; those after are kept for recycling. */
    private Var[] leaves = new Var[16];
    private int leafCount;
    private final List<MemorySegment> slots = new ArrayList<>();
    /** The last view handed out for each slot, handed out again when the layout is the same. */
    private final List<Tensor> views = new ArrayList<>();
    private final MemorySegment[] scratch = new MemorySegment[SCRATCH_SLOTS];
    private final Tensor[] scratchViews = new Tensor[SCRATCH_SLOTS];
    private int cursor;
    private Kinks kinks;
    /** The emulated precision, or null: values are left as the kernels computed them. */
    private Precision precision;
    private String lastPass = "none";

    /** A tape with {@link Kinks#defaults()}. */
    public Tape() {
        this(Kinks.defaults());
    }

    /** A tape whose ops use {@code kinks} unless given their own. */
    public Tape(Kinks kinks) {
        this.kinks = Objects.requireNonNull(kinks, "kinks");
    }

    /** The policy for ops recorded from now on without their own. */
    public Kinks kinks() {
        return kinks;
    }

    /** Sets the policy for ops recorded from now on (a layer can set its own, then restore). */
    public void setKinks(Kinks kinks) {
        this.kinks = Objects.requireNonNull(kinks, "kinks");
    }

    /**
     * The emulated precision, or null when none was set (values are then exactly what the
     * kernels compute in their dtype).
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Emulates {@code precision} for everything registered or recorded from now on (see the
     * class comment); null turns emulation off. fp64 and fp32 on F32 values round nothing; a
     * 16-bit format on F64 values is refused when the first such value is rounded.
     */
    public void setPrecision(Precision precision) {
        this.precision = precision;
    }

    /** Rounds {@code t} in place to the emulated precision, if any. */
    void round(Tensor t) {
        if (precision == null || t == null
                || precision == Precision.FP64 || precision == Precision.FP32 && t.dtype() == DType.F32) {
            return;
        }
        precision.round(t);
    }

    // ---- leaves ----------------------------------------------------------------------------

    /** A leaf that requires a gradient; the tensor is used in place (not copied). */
    public Var param(Tensor value) {
        return leaf(value, true);
    }

    /**
     * A leaf that requires a gradient and receives it in {@code grad} (same dtype and shape), a
     * tensor the caller owns, such as an optimizer's gradient buffer: each {@link #backward}
     * overwrites it with this run's gradient (zeros when the root does not depend on the leaf),
     * and gradients are never aliased to it. Both tensors are used in place.
     */
    public Var param(Tensor value, Tensor grad) {
        Objects.requireNonNull(grad, "grad");
        value.requireSameLayout(grad, "gradient of a param");
        Var v = leaf(value, true);
        v.useCallerGrad(grad);
        return v;
    }

    /** A leaf without gradient (data, labels, frozen weights); used in place. */
    public Var constant(Tensor value) {
        return leaf(value, false);
    }

    /** A scalar constant of the given dtype. */
    public Var constant(double value, DType dtype) {
        Tensor t = buffer(checkDType(dtype), new int[0]);
        t.setDouble(0, value);
        return leaf(t, false);
    }

    private Var leaf(Tensor value, boolean requiresGrad) {
        Objects.requireNonNull(value, "value");
        ensureOpen();
        checkDType(value.dtype());
        round(value);
        Var v = leafCount < leaves.length ? leaves[leafCount] : null;
        if (v == null) {
            v = new Var(this, value, null, 0, requiresGrad);
            if (leafCount == leaves.length) {
                leaves = Arrays.copyOf(leaves, 2 * leaves.length);
            }
            leaves[leafCount] = v;
        } else {
            v.reinit(value, null, 0, requiresGrad);
        }
        leafCount++;
        return v;
    }

    // ---- recording -------------------------------------------------------------------------

    /** Records an op of one input whose value has been computed into {@code value}. */
    Var record(Tensor value, Rule rule, Var a) {
        Var v = node(value, rule, 1, check(rule, a));
        v.inputs[0] = a;
        return v;
    }

    /** Records an op of two inputs (either may be null: absent). */
    Var record(Tensor value, Rule rule, Var a, Var b) {
        Var v = node(value, rule, 2, check(rule, a) | check(rule, b));
        v.inputs[0] = a;
        v.inputs[1] = b;
        return v;
    }

    /** Records an op of three inputs (any may be null: absent). */
    Var record(Tensor value, Rule rule, Var a, Var b, Var c) {
        Var v = node(value, rule, 3, check(rule, a) | check(rule, b) | check(rule, c));
        v.inputs[0] = a;
        v.inputs[1] = b;
        v.inputs[2] = c;
        return v;
    }

    /** Whether input {@code in} requires a gradient; it must be of this tape. */
    private boolean check(Rule rule, Var in) {
        if (in == null) {
            return false;
        }
        if (in.tape != this) {
            throw new IllegalArgumentException(rule.name() + ": operands belong to different tapes");
        }
        return in.requiresGrad;
    }

    private Var node(Tensor value, Rule rule, int inputCount, boolean requiresGrad) {
        round(value);
        Var v = nodeCount < nodes.length ? nodes[nodeCount] : null;
        if (v == null) {
            v = new Var(this, value, rule, inputCount, requiresGrad);
            if (nodeCount == nodes.length) {
                nodes = Arrays.copyOf(nodes, 2 * nodes.length);
            }
            nodes[nodeCount] = v;
        } else {
            v.reinit(value, rule, inputCount, requiresGrad);
        }
        nodeCount++;
        return v;
    }

    /**
     * The rule of the op recorded at this position in the previous run, when it is of class
     * {@code type}: an op may reconfigure it and record it again instead of allocating a new one
     * (nothing else refers to it, since the node holding it is recycled by that recording).
     */
    <R extends Rule> R reusableRule(Class<R> type) {
        Var v = nodeCount < nodes.length ? nodes[nodeCount] : null;
        return v != null && v.rule != null && v.rule.getClass() == type ? type.cast(v.rule) : null;
    }

    /**
     * {@link #reusableRule} or, when there is none, a new rule from {@code fresh} (a constructor
     * reference: it captures nothing, so passing it allocates nothing).
     */
    <R extends Rule> R rule(Class<R> type, Supplier<R> fresh) {
        R r = reusableRule(type);
        return r == null ? fresh.get() : r;
    }

    /** The value tensor of the op recorded at this position in the previous run, or null. */
    Tensor reusableValue() {
        Var v = nodeCount < nodes.length ? nodes[nodeCount] : null;
        return v == null ? null : v.value;
    }

    /** The next buffer in recording order, reused from the previous run when it fits. */
    Tensor buffer(DType dtype, int[] shape) {
        ensureOpen();
        Tensor view = cursor < views.size() ? views.get(cursor) : null;
        if (view != null && Var.sameLayout(view, dtype, shape)) {
            cursor++;
            return view;
        }
        long bytes = bytes(dtype, shape);
        MemorySegment s = cursor < slots.size() ? slots.get(cursor) : null;
        if (s == null || s.byteSize() < bytes) {
            s = scope.allocate(bytes);
            if (cursor < slots.size()) {
                slots.set(cursor, s);
            } else {
                slots.add(s);
                views.add(null);
            }
        }
        view = Tensor.wrap(s, dtype, shape);
        views.set(cursor, view);
        cursor++;
        return view;
    }

    /** {@link #buffer(DType, int[])} of a matrix, without an array when the previous run's buffer fits. */
    Tensor buffer(DType dtype, int rows, int cols) {
        return fits(dtype, 2, rows, cols, 0, 0) ? views.get(cursor++) : buffer(dtype, new int[] {rows, cols});
    }

    /** {@link #buffer(DType, int[])} of rank 3, without an array when the previous run's buffer fits. */
    Tensor buffer(DType dtype, int d0, int d1, int d2) {
        return fits(dtype, 3, d0, d1, d2, 0) ? views.get(cursor++) : buffer(dtype, new int[] {d0, d1, d2});
    }

    /** {@link #buffer(DType, int[])} of rank 4, without an array when the previous run's buffer fits. */
    Tensor buffer(DType dtype, int d0, int d1, int d2, int d3) {
        return fits(dtype, 4, d0, d1, d2, d3) ? views.get(cursor++) : buffer(dtype, new int[] {d0, d1, d2, d3});
    }

    /** Whether the view of the next slot has this layout (rank 2 to 4, the unused dimensions ignored). */
    private boolean fits(DType dtype, int rank, int d0, int d1, int d2, int d3) {
        Tensor v = cursor < views.size() ? views.get(cursor) : null;
        return v != null && scope.isOpen() && v.dtype() == dtype && v.rank() == rank && v.dim(0) == d0
                && v.dim(1) == d1 && (rank < 3 || v.dim(2) == d2) && (rank < 4 || v.dim(3) == d3);
    }

    /** A buffer of one node's own (a gradient or a tangent), kept by the node while it is recycled. */
    Tensor nodeBuffer(DType dtype, int[] shape) {
        ensureOpen();
        return Tensor.wrap(scope.allocate(bytes(dtype, shape)), dtype, shape);
    }

    private static long bytes(DType dtype, int[] shape) {
        long bytes = dtype.byteSize();
        for (int d : shape) {
            bytes *= d;
        }
        return bytes;
    }

    /** Scratch buffer {@code slot} (0 .. 3), valid until the next request of the same slot. */
    Tensor scratch(int slot, DType dtype, int[] shape) {
        Tensor view = scratchViews[slot];
        if (view != null && Var.sameLayout(view, dtype, shape)) {
            return view;
        }
        long bytes = bytes(dtype, shape);
        if (scratch[slot] == null || scratch[slot].byteSize() < bytes) {
            scratch[slot] = scope.allocate(bytes);
        }
        view = Tensor.wrap(scratch[slot], dtype, shape);
        scratchViews[slot] = view;
        return view;
    }

    /**
     * Starts a new run: forgets the recorded ops and leaves (their {@code Var}s become invalid:
     * the tape recycles them for the next run's ops) and hands out the same buffers again, in the
     * same order.
     */
    public void reset() {
        nodeCount = 0;
        leafCount = 0;
        cursor = 0;
    }

    /** Off-heap bytes this tape has allocated for buffers so far (constant once a computation repeats). */
    public long allocatedBytes() {
        return scope.allocatedBytes();
    }

    /** Number of recorded ops. */
    public int size() {
        return nodeCount;
    }

    // ---- reverse mode ----------------------------------------------------------------------

    /** Reverse sweep from a one-element {@code root} (seed 1). */
    public void backward(Var root) {
        if (root.size() != 1) {
            throw new IllegalArgumentException("backward from a value of " + root.size()
                    + " elements needs a seed: backward(root, seed)");
        }
        backward(root, null);
    }

    /**
     * Reverse sweep from {@code root} seeded with {@code seed} (its shape; null = ones): every
     * {@code Var} that requires a gradient gets {@code grad} = seed · d root / d var.
     */
    public void backward(Var root, Tensor seed) {
        Objects.requireNonNull(root, "root");
        if (root.tape != this) {
            throw new IllegalArgumentException("backward: the root belongs to another tape");
        }
        if (!root.requiresGrad) {
            throw new IllegalArgumentException("backward: " + root + " does not depend on any param");
        }
        for (int i = 0; i < nodeCount; i++) {
            Var v = nodes[i];
            v.resetGrad();
            v.kinkCounts[0] = 0;
            v.kinkCounts[1] = 0;
        }
        for (int i = 0; i < leafCount; i++) {
            leaves[i].resetGrad();
        }
        Tensor g = root.gradClaim();
        if (seed == null && g.size() == 1) {
            g.setDouble(0, 1); // not the fill kernel: called with one element it would stay cold and box vectors
        } else if (seed == null) {
            Kern.fill(1, g);
        } else {
            root.value.requireSameLayout(seed, "backward seed");
            Kern.copy(seed, g);
        }
        int start = indexOf(root);
        for (int i = start; i >= 0; i--) {
            Var v = nodes[i];
            if (v.requiresGrad && !v.gradFresh) {
                round(v.grad);
                v.rule.backward(v);
            }
        }
        for (int i = 0; i < leafCount; i++) {
            Var v = leaves[i];
            if (v.requiresGrad && v.gradFresh) {
                Kern.fill(0, v.gradClaim());
            } else if (v.requiresGrad) {
                round(v.grad);
            }
        }
        lastPass = "backward";
    }

    /** The index of op {@code v} in recording order, or -1 for a leaf. */
    private int indexOf(Var v) {
        if (v.rule == null) {
            return -1;
        }
        for (int i = nodeCount - 1; i >= 0; i--) {
            if (nodes[i] == v) {
                return i;
            }
        }
        throw new IllegalArgumentException(v + " is not recorded on this tape since its last reset");
    }

    // ---- forward mode ----------------------------------------------------------------------

    /**
     * Tangent sweep: from the tangents set on leaves ({@link Var#setTangent}), computes every
     * op's tangent in recording order with the same ops' tangent rules.
     */
    public void computeTangents() {
        for (int i = 0; i < nodeCount; i++) {
            Var v = nodes[i];
            v.kinkCounts[0] = 0;
            v.kinkCounts[1] = 0;
            boolean any = false;
            for (Var in : v.inputs) {
                any |= in != null && in.tangent != null;
            }
            if (any) {
                v.rule.tangent(v);
                round(v.tangent);
            } else {
                v.tangent = null;
            }
        }
        lastPass = "tangent";
    }

    /**
     * Tangent sweep along k directions at once: from the tangent blocks {@code [k, ...shape]}
     * set on leaves ({@link Var#setTangents}), computes every op's block ({@link Var#tangents()})
     * in recording order. Row j of each block is the tangent of a single sweep along the leaves'
     * j-th directions, to the last bit; the products (matmul, affine, convolution) run once over
     * all k directions, as one GEMM with k times the rows.
     */
    public void computeTangentBlocks() {
        blockSweep(false);
    }

    /**
     * Lexicographic tangent sweep (the LD-derivative of Khan and Barton 2015) along the leaves'
     * k directions ({@link Var#setTangents}): like {@link #computeTangentBlocks()}, but each
     * kink is resolved by the sign of the first nonzero directional derivative of the kink's
     * argument along directions 1, ..., k, not by the {@link Kinks} policy. With directions
     * spanning the input space, the result is the Jacobian of one smooth piece active at the
     * point (an element of the Clarke Jacobian, for piecewise-smooth programs) applied to them.
     *
     * @throws UnsupportedOperationException naming the op, for an op with kinks that has no
     *         lexicographic rule
     */
    public void computeLexicographicTangents() {
        blockSweep(true);
    }

    private void blockSweep(boolean lexicographic) {
        int k = 0;
        for (int i = 0; i < leafCount; i++) {
            Tensor block = leaves[i].tangents;
            if (block != null) {
                if (k != 0 && block.dim(0) != k) {
                    throw new IllegalArgumentException("tangent blocks of leaves differ in their number of directions: "
                            + k + " and " + block.dim(0));
                }
                k = block.dim(0);
            }
        }
        if (k == 0) {
            throw new IllegalStateException("no leaf has tangents: set them with Var.setTangents([k, ...shape])");
        }
        for (int i = 0; i < nodeCount; i++) {
            Var v = nodes[i];
            v.kinkCounts[0] = 0;
            v.kinkCounts[1] = 0;
            boolean any = false;
            for (Var in : v.inputs) {
                any |= in != null && in.tangents != null;
            }
            if (any) {
                if (lexicographic) {
                    v.rule.lexTangents(v, k);
                } else {
                    v.rule.tangents(v, k);
                }
                round(v.tangents);
            } else {
                v.tangents = null;
            }
            v.tangent = null; // the single-direction tangent of this sweep is not defined
        }
        lastPass = lexicographic ? "lexicographic" : "tangent block";
    }

    // ---- accounting ------------------------------------------------------------------------

    /** Kink hits of every op with kinks in the last sweep (backward or tangent). */
    public KinkReport kinkReport() {
        List<KinkReport.Entry> entries = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            Var v = nodes[i];
            if (v.rule.hasKinks()) {
                entries.add(new KinkReport.Entry(i, v.rule.name(), v.kinkCounts[0], v.kinkCounts[1]));
            }
        }
        return new KinkReport(lastPass, entries);
    }

    /**
     * The declared operation counts of evaluating {@code root}, of its reverse sweep (only the
     * ops it reaches, only for inputs that require a gradient, plus one addition per element
     * where gradients of a value used several times accumulate) and of a tangent sweep with
     * tangents on every param.
     */
    public Cost cost(Var root) {
        int end = indexOf(root);
        long forward = 0, tangent = 0, backward = 0;
        for (int i = 0; i <= end; i++) {
            Var v = nodes[i];
            forward += v.rule.forwardOps(v);
            if (v.requiresGrad) {
                tangent += v.rule.tangentOps(v);
            }
        }
        if (root.requiresGrad) {
            Set<Var> reached = Collections.newSetFromMap(new IdentityHashMap<>());
            reached.add(root);
            for (int i = end; i >= 0; i--) {
                Var v = nodes[i];
                if (!v.requiresGrad || !reached.contains(v)) {
                    continue;
                }
                backward += v.rule.backwardOps(v);
                for (Var in : v.inputs) {
                    if (in != null && in.requiresGrad && !reached.add(in)) {
                        backward += in.size();
                    }
                }
            }
        }
        return new Cost(forward, backward, tangent);
    }

    // ---- lifetime --------------------------------------------------------------------------

    /** Frees every buffer of this tape. */
    @Override
    public void close() {
        scope.close();
    }

    private void ensureOpen() {
        if (!scope.isOpen()) {
            throw new IllegalStateException("the tape is closed");
        }
    }

    private static DType checkDType(DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("autodiff computes in F32 or F64, not " + dtype);
        }
        return dtype;
    }
}
