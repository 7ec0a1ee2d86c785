package dev.inertia.optim;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Map;
import java.util.Objects;

/**
 * What the five optimizers of this package share around their fused step: the learning rate (the
 * one hyperparameter that changes after build) and the weight decay, state allocation, hyperparameter lookup by name,
 * the byte count of a step and {@code toString}. Each subclass keeps its own step and state.
 *
 * @param <S> the optimizer's state type
 */
abstract class BaseOptimizer<S extends OptimizerState> implements TensorOptimizer<S> {
    // volatile: a schedule may set it from another thread than the one stepping.
    private volatile double lr;
    private final double weightDecay;

    /** Checks and keeps the builder's learning rate and weight decay. */
    BaseOptimizer(BaseBuilder<?> b) {
        this.lr = Steps.nonNegative(b.lr, "lr");
        this.weightDecay = Steps.nonNegative(b.weightDecay, "weightDecay");
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

    /** {@inheritDoc} Zeroing the gradient writes one more element. */
    @Override
    public final int bytesPerParameter(DType dtype, boolean zeroGrad) {
        return dtype.byteSize() * (elementsPerStep() + (zeroGrad ? 1 : 0));
    }

    /**
     * The values of {@code values} for {@link #withHyperparameters}, checked against the names of
     * {@link #hyperparameters()}: every optimizer accepts exactly the names it reports.
     */
    final Hyper hyper(Map<String, Double> values) {
        return new Hyper(name(), values, hyperparameters().keySet());
    }

    @Override
    public final String toString() {
        return name() + hyperparameters();
    }
}
