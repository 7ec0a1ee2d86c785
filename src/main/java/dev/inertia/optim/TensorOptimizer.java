package dev.inertia.optim;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Map;

/**
 * An optimizer over raw tensors, the shape every optimizer of this package has: {@code init}
 * makes the state of one parameter tensor, {@code step} updates the parameter and its state in
 * place in one fused pass over memory (F32 or F64), {@code setLr} changes the learning rate for
 * the next steps. The other hyperparameters are fixed at build time.
 *
 * <p>An instance holds only hyperparameters, so one instance can step many parameters, each with
 * its own state. {@link Optimizer} builds on it for lists of parameters.
 *
 * @param <S> the optimizer's state type, like {@link INNAprop.State}
 */
public interface TensorOptimizer<S extends OptimizerState> {

    /** The optimizer's name, like {@code INNAprop}. */
    String name();

    /** The learning rate of the next step. */
    double lr();

    /** Sets the learning rate for the next steps (finite, >= 0). */
    void setLr(double lr);

    /** The state of a fresh parameter {@code theta}, in memory that is freed with the state. */
    S init(Tensor theta);

    /** The state of a fresh parameter {@code theta}, in memory of {@code scope}. */
    S init(Tensor theta, Scope scope);

    /** One step: updates {@code theta} and {@code state} in place from the gradient {@code grad}. */
    default void step(Tensor theta, Tensor grad, S state) {
        step(theta, grad, state, false);
    }

    /** One step; with {@code zeroGrad}, also writes 0 into {@code grad} in the same pass. */
    void step(Tensor theta, Tensor grad, S state, boolean zeroGrad);

    /**
     * The hyperparameters under PyTorch's {@code param_groups} names ({@code lr},
     * {@code weight_decay}, ...; AdamW's betas as {@code beta1}, {@code beta2}; booleans as 0 or 1).
     */
    Map<String, Double> hyperparameters();

    /**
     * A new optimizer of the same kind with the given hyperparameters; names not given keep this
     * optimizer's values, unknown names are an {@link IllegalArgumentException}.
     */
    TensorOptimizer<S> withHyperparameters(Map<String, Double> values);

    /** Bytes read plus written per parameter element by one step. */
    int bytesPerParameter(DType dtype, boolean zeroGrad);

    /**
     * The optimizer called {@code name} (ignoring case) in its registry default.
     *
     * @deprecated the registry is {@link OptimizerRegistry}; this delegates to
     *             {@link OptimizerRegistry#create(String)}, whose {@code sgd} has momentum 0.9
     *             (this method used to return plain SGD)
     */
    @Deprecated
    static TensorOptimizer<?> byName(String name) {
        return OptimizerRegistry.create(name);
    }
}
