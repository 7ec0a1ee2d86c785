package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An optimizer over a model's parameters, the way a training loop uses one:
 * <pre>{@code
 * Optimizer opt = Optimizer.builder()
 *         .group(INNAprop.builder().lr(1e-3).weightDecay(0.01).build(), weights)
 *         .group(INNAprop.builder().lr(1e-3).weightDecay(0).build(), biases)   // per-group hyperparameters
 *         .schedule(LrSchedule.cosine(100, 10_000, 0.1))
 *         .clipGradNorm(1.0)
 *         .fuseZeroGrad(true)                   // step() leaves the gradients at 0
 *         .build();
 * for (...) {
 *     // forward, backward: accumulate into each Param's grad
 *     opt.step();                               // clip, then one fused pass per parameter
 *     opt.scheduleAt(opt.steps());              // or once per epoch
 * }
 * StateDict saved = opt.stateDict();            // ... later: opt.loadStateDict(saved)
 * }</pre>
 * Parameters are numbered across groups in order, from 0, as in PyTorch's state dict. All
 * groups use the same kind of optimizer. The states are allocated once, at build time.
 */
public final class Optimizer {
    private final List<ParamGroup<?>> groups;
    private final List<Param> params;
    private final LrSchedule schedule;
    private final double maxGradNorm;
    private final boolean fuseZeroGrad;
    private long steps;
    private double lastGradNorm = Double.NaN;

    private Optimizer(Builder b) {
        if (b.groups.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter group");
        }
        List<ParamGroup<?>> gs = new ArrayList<>();
        List<Param> all = new ArrayList<>();
        String name = b.groups.getFirst().rule().name();
        for (GroupSpec spec : b.groups) {
            if (!spec.rule().name().equals(name)) {
                throw new IllegalArgumentException("all parameter groups must use the same optimizer; got " + name
                        + " and " + spec.rule().name());
            }
            gs.add(newGroup(spec.rule(), spec.params(), b.scope));
            all.addAll(spec.params());
        }
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (all.get(i).value() == all.get(j).value()) {
                    throw new IllegalArgumentException("parameter " + j + " is the same tensor as parameter " + i);
                }
            }
        }
        this.groups = List.copyOf(gs);
        this.params = List.copyOf(all);
        this.schedule = b.schedule;
        this.maxGradNorm = b.maxGradNorm;
        this.fuseZeroGrad = b.fuseZeroGrad;
    }

    private static <S extends OptimizerState> ParamGroup<S> newGroup(TensorOptimizer<S> rule, List<Param> params,
            Scope scope) {
        return new ParamGroup<>(rule, params, scope);
    }

    /** One group of {@code params} stepped by {@code optimizer}; no schedule, no clipping. */
    public static Optimizer of(TensorOptimizer<?> optimizer, List<Param> params) {
        return builder().group(optimizer, params).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The optimizer's name, like {@code INNAprop}. */
    public String name() {
        return groups.getFirst().optimizer().name();
    }

    /**
     * One optimizer step over every parameter: clips the gradients first when a maximum norm is
     * set, then runs each parameter's fused pass (which also zeroes its gradient when
     * {@link Builder#fuseZeroGrad} is on).
     */
    public void step() {
        if (maxGradNorm > 0) {
            lastGradNorm = clipGradNorm(params, maxGradNorm);
        }
        for (int i = 0; i < groups.size(); i++) { // indexed: no iterator per step
            groups.get(i).step(fuseZeroGrad);
        }
        steps++;
    }

    /** Writes 0 into every gradient. */
    public void zeroGrad() {
        for (Param p : params) {
            Tensor g = p.grad();
            if (g.dtype() == DType.F32) {
                Steps.run(g.size(), (off, n) -> Kernels.elementwise().fillF32(0f, g.segment(), off, n));
            } else {
                Steps.run(g.size(), (off, n) -> Kernels.elementwise().fillF64(0, g.segment(), off, n));
            }
        }
    }

    /** Steps taken by this optimizer. */
    public long steps() {
        return steps;
    }

    /**
     * Sets every group's learning rate to its initial learning rate times the schedule's factor
     * at {@code t} (steps or epochs, as the caller counts). Without a schedule this restores the
     * initial learning rates.
     */
    public void scheduleAt(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("schedule time must be >= 0, got " + t);
        }
        setLrFactor(schedule == null ? 1 : schedule.factor(t));
    }

    /**
     * Sets every group's learning rate to its initial learning rate times {@code factor}: what
     * {@link #scheduleAt} does with its schedule's factor, for a caller that keeps the schedule
     * (a training loop that plans it over the run).
     */
    public void setLrFactor(double factor) {
        if (!(factor >= 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("learning-rate factor must be finite and >= 0, got " + factor);
        }
        for (int i = 0; i < groups.size(); i++) { // indexed: no iterator per step
            ParamGroup<?> g = groups.get(i);
            g.setLr(g.initialLr() * factor);
        }
    }

    /** Sets the initial and current learning rate of every group. */
    public void setLr(double lr) {
        for (ParamGroup<?> g : groups) {
            g.setInitialLr(lr);
        }
    }

    public List<ParamGroup<?>> groups() {
        return groups;
    }

    /** All parameters, in index order. */
    public List<Param> params() {
        return params;
    }

    /** The state of parameter {@code index}. */
    public OptimizerState state(int index) {
        Objects.checkIndex(index, params.size());
        for (ParamGroup<?> g : groups) {
            if (index < g.params().size()) {
                return g.states().get(index);
            }
            index -= g.params().size();
        }
        throw new AssertionError();
    }

    /** The global gradient norm measured by the last clipping step, or NaN before any. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    /** A copy of the state: hyperparameters per group and every parameter's step and buffers. */
    public StateDict stateDict() {
        List<StateDict.Group> gs = new ArrayList<>();
        Map<Integer, StateDict.ParamState> state = new LinkedHashMap<>();
        int index = 0;
        for (ParamGroup<?> g : groups) {
            Map<String, Double> h = new LinkedHashMap<>(g.optimizer().hyperparameters());
            h.put("initial_lr", g.initialLr());
            int[] ids = new int[g.params().size()];
            for (int i = 0; i < ids.length; i++, index++) {
                ids[i] = index;
                OptimizerState s = g.states().get(i);
                Map<String, StateDict.Buffer> buffers = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> e : s.buffers().entrySet()) {
                    buffers.put(e.getKey(), StateDict.Buffer.of(e.getValue()));
                }
                state.put(index, new StateDict.ParamState(s.step(), buffers));
            }
            gs.add(new StateDict.Group(h, ids));
        }
        return new StateDict(name(), gs, state);
    }

    /**
     * Restores a state from {@link #stateDict()}: the same optimizer, the same group sizes and
     * parameter layouts. Hyperparameters (learning rates included) and every buffer are replaced;
     * the next step continues the saved trajectory bit for bit. All or nothing: the whole state
     * dict is checked first (as {@link #checkStateDict}), so on an exception nothing has changed.
     */
    public void loadStateDict(StateDict sd) {
        List<Runnable> hyperparameters = prepareLoad(sd);
        hyperparameters.forEach(Runnable::run);
        for (int i = 0; i < params.size(); i++) {
            StateDict.ParamState ps = sd.state().get(i);
            OptimizerState s = state(i);
            for (Map.Entry<String, Tensor> e : s.buffers().entrySet()) {
                ps.buffers().get(e.getKey()).copyInto(e.getValue(), "parameter " + i + " " + e.getKey());
            }
            s.setStep(ps.step());
        }
    }

    /**
     * Checks that {@link #loadStateDict} would accept {@code sd}, changing nothing: the optimizer's
     * name, the groups and their parameter indices, the hyperparameters (as the builders check
     * them), and every parameter's step count and buffers.
     *
     * @throws IllegalArgumentException saying what does not fit
     */
    public void checkStateDict(StateDict sd) {
        prepareLoad(sd);
    }

    /** Checks all of {@code sd} and returns the groups' hyperparameter changes, not yet applied. */
    private List<Runnable> prepareLoad(StateDict sd) {
        if (!sd.optimizer().equals(name())) {
            throw new IllegalArgumentException("state dict is for " + sd.optimizer() + ", this optimizer is " + name());
        }
        if (sd.paramGroups().size() != groups.size()) {
            throw new IllegalArgumentException("state dict has " + sd.paramGroups().size() + " parameter groups, "
                    + "this optimizer " + groups.size());
        }
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            int[] ids = sd.paramGroups().get(gi).params();
            int size = groups.get(gi).params().size();
            for (int i = 0; i < Math.max(size, ids.length); i++) {
                if (ids.length != size || ids[i] != index + i) {
                    throw new IllegalArgumentException("state dict group " + gi + " holds parameters "
                            + Arrays.toString(ids) + ", this optimizer's group " + gi + " has " + size
                            + " parameters from index " + index);
                }
            }
            index += size;
        }
        for (Integer i : sd.state().keySet()) {
            if (i < 0 || i >= params.size()) {
                throw new IllegalArgumentException("state dict has a state for parameter " + i + ", this optimizer has "
                        + params.size() + " parameters");
            }
        }
        for (int i = 0; i < params.size(); i++) {
            StateDict.ParamState ps = sd.state().get(i);
            OptimizerState s = state(i);
            if (ps == null || !ps.buffers().keySet().equals(s.buffers().keySet())) {
                throw new IllegalArgumentException("state dict has " + (ps == null ? "no state" : "buffers "
                        + ps.buffers().keySet()) + " for parameter " + i + ", expected " + s.buffers().keySet());
            }
            if (ps.step() < 0) {
                throw new IllegalArgumentException("state dict has step " + ps.step() + " for parameter " + i
                        + ", expected >= 0");
            }
            for (Map.Entry<String, Tensor> e : s.buffers().entrySet()) {
                StateDict.Buffer b = ps.buffers().get(e.getKey());
                if (b.dtype() != e.getValue().dtype()
                        || !Arrays.equals(b.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("parameter " + i + " buffer " + e.getKey() + ": state dict "
                            + "holds " + b.dtype() + Arrays.toString(b.shape()) + ", expected "
                            + e.getValue().describe());
                }
            }
        }
        List<Runnable> changes = new ArrayList<>(groups.size());
        for (int gi = 0; gi < groups.size(); gi++) {
            try {
                changes.add(groups.get(gi).prepareHyperparameters(sd.paramGroups().get(gi).hyperparameters()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state dict group " + gi + ": " + e.getMessage(), e);
            }
        }
        return changes;
    }

    /**
     * Scales the gradients of {@code params} so that their global L2 norm is at most
     * {@code maxNorm}, as torch.nn.utils.clip_grad_norm_ does (factor maxNorm / (norm + 1e-6)
     * when below 1); returns the norm before clipping. A non-finite norm is returned and the
     * gradients are left as they are.
     */
    public static double clipGradNorm(List<Param> params, double maxNorm) {
        Steps.positive(maxNorm, "maxNorm");
        double sum = 0;
        for (Param p : params) {
            sum += sumOfSquares(p.grad());
        }
        double norm = Math.sqrt(sum);
        double coef = maxNorm / (norm + 1e-6);
        if (Double.isFinite(norm) && coef < 1) {
            for (Param p : params) {
                Tensor g = p.grad();
                if (g.dtype() == DType.F32) {
                    float c = (float) coef;
                    Steps.run(g.size(), (off, n) -> Kernels.elementwise().scaleF32(c, g.segment(), off, g.segment(),
                            off, n));
                } else {
                    Steps.run(g.size(), (off, n) -> Kernels.elementwise().scaleF64(coef, g.segment(), off,
                            g.segment(), off, n));
                }
            }
        }
        return norm;
    }

    /** Sum of squares, accumulated in double over blocks (each block's F32 dot product is short). */
    private static double sumOfSquares(Tensor g) {
        final int block = 4096;
        double sum = 0;
        var seg = g.segment();
        for (long off = 0; off < g.size(); off += block) {
            int n = (int) Math.min(block, g.size() - off);
            sum += g.dtype() == DType.F32 ? Kernels.reductions().dotF32(seg, off, seg, off, n)
                    : Kernels.reductions().dotF64(seg, off, seg, off, n);
        }
        return sum;
    }

    /** Builds an {@link Optimizer}. */
    public static final class Builder {
        private final List<GroupSpec> groups = new ArrayList<>();
        private LrSchedule schedule;
        private double maxGradNorm;
        private boolean fuseZeroGrad;
        private Scope scope;

        private Builder() {}

        /** Adds a parameter group stepped by {@code optimizer}, which holds the group's hyperparameters. */
        public Builder group(TensorOptimizer<?> optimizer, List<Param> params) {
            Objects.requireNonNull(optimizer, "optimizer");
            for (Param p : params) {
                Objects.requireNonNull(p, "parameter");
            }
            for (GroupSpec g : groups) {
                if (g.rule() == optimizer) {
                    throw new IllegalArgumentException("each group needs its own optimizer instance: it holds the "
                            + "group's learning rate");
                }
            }
            groups.add(new GroupSpec(optimizer, List.copyOf(params)));
            return this;
        }

        /** The schedule {@link Optimizer#scheduleAt} applies; default constant. */
        public Builder schedule(LrSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** Clips gradients to this global L2 norm before each step; 0 (the default) turns clipping off. */
        public Builder clipGradNorm(double maxNorm) {
            this.maxGradNorm = Steps.nonNegative(maxNorm, "maxNorm");
            return this;
        }

        /** Whether {@link Optimizer#step()} writes 0 into the gradients in its fused pass. */
        public Builder fuseZeroGrad(boolean fuse) {
            this.fuseZeroGrad = fuse;
            return this;
        }

        /** Allocates the states in {@code scope} (default: memory freed with the optimizer). */
        public Builder scope(Scope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        public Optimizer build() {
            return new Optimizer(this);
        }
    }

    private record GroupSpec(TensorOptimizer<?> rule, List<Param> params) {}

    @Override
    public String toString() {
        return "Optimizer[" + name() + ", " + groups.size() + " groups, " + params.size() + " parameters]";
    }
}
