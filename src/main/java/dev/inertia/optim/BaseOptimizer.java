package dev.inertia.optim;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the five optimizers of this package share around their fused step: the name, the learning
 * rate (the one hyperparameter that changes after build) and the weight decay, the hyperparameters
 * by name and a copy with some of them changed, state allocation, the byte count of a step and
 * {@code toString}. Each subclass keeps its own step and state.
 *
 * @param <S> the optimizer's state type
 */
abstract class BaseOptimizer<S extends OptimizerState> implements TensorOptimizer<S> {
    // volatile: a schedule may set it from another thread than the one stepping.
    private volatile double lr;
    private final double weightDecay;
    private final String name = getClass().getSimpleName();
    /** The builder's hyperparameters; "lr" is read from {@code lr()} instead. */
    private final Map<String, Double> built;
    private final Supplier<? extends BaseBuilder<?>> builders;

    /**
     * Checks and keeps the builder's learning rate and weight decay, and all its hyperparameters;
     * {@code builders} makes a fresh builder of the same optimizer (for {@link #withHyperparameters}).
     */
    BaseOptimizer(BaseBuilder<?> b, Supplier<? extends BaseBuilder<?>> builders) {
        this.lr = Steps.nonNegative(b.get("lr"), "lr");
        this.weightDecay = Steps.nonNegative(b.get("weight_decay"), "weightDecay");
        this.built = b.values();
        this.builders = builders;
    }

    /** The class's name, like {@code INNAprop}. */
    @Override
    public final String name() {
        return name;
    }

    /** A fresh state of {@code theta}, in {@code scope} or, when it is null, in automatic memory. */
    abstract S newState(Tensor theta, Scope scope);

    /**
     * Elements of the parameter's dtype a step reads plus writes per parameter, gradient zeroing
     * not counted.
     */
    abstract int elementsPerStep();

    @Override
    public final double lr() {
        return lr;
    }

    @Override
    public final void setLr(double lr) {
        this.lr = Steps.nonNegative(lr, "lr");
    }

    /** The weight decay (how it is applied depends on the optimizer; see its class). */
    public final double weightDecay() {
        return weightDecay;
    }

    @Override
    public final S init(Tensor theta) {
        return newState(theta, null);
    }

    @Override
    public final S init(Tensor theta, Scope scope) {
        return newState(theta, Objects.requireNonNull(scope, "scope"));
    }

    /**
     * {@inheritDoc} The learning rate is read once (a schedule may change it meanwhile), the state
     * checked, its step counted, then the optimizer's fused pass, configured for this step, runs
     * over theta and grad.
     */
    @Override
    public final void step(Tensor theta, Tensor grad, S st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        double lr = lr();
        check(st, lr);
        prepare(st, lr, st.advance()).over(theta, grad, zeroGrad);
    }

    /** Throws when a step cannot run on {@code st} at {@code lr}, before the step is counted; by default nothing. */
    void check(S st, double lr) {}

    /** The state's fused pass, configured for step {@code k} (1 for the first) at learning rate {@code lr}. */
    abstract Steps.Pass prepare(S st, double lr, long k);

    /** {@inheritDoc} Zeroing the gradient writes one more element. */
    @Override
    public final int bytesPerParameter(DType dtype, boolean zeroGrad) {
        return dtype.byteSize() * (elementsPerStep() + (zeroGrad ? 1 : 0));
    }

    @Override
    public final Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>(built);
        h.put("lr", lr());
        return h;
    }

    /**
     * {@inheritDoc} Every optimizer accepts exactly the names {@code hyperparameters()} reports.
     */
    @Override
    public final TensorOptimizer<S> withHyperparameters(Map<String, Double> values) {
        Map<String, Double> h = hyperparameters();
        for (String k : values.keySet()) {
            if (!h.containsKey(k)) {
                throw new IllegalArgumentException(name + " has no hyperparameter '" + k + "'; it has " + h.keySet());
            }
        }
        h.putAll(values);
        BaseBuilder<?> b = builders.get();
        h.forEach(b::set);
        @SuppressWarnings("unchecked") // a builder of the same class builds an optimizer of the same state type
        TensorOptimizer<S> copy = (TensorOptimizer<S>) b.build();
        return copy;
    }

    @Override
    public final String toString() {
        return name() + hyperparameters();
    }
}
