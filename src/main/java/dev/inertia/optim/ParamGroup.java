package dev.inertia.optim;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyperparameters inside an {@link Optimizer}, as PyTorch's param_groups:
 * one {@link TensorOptimizer} (holding the group's hyperparameters), its parameters and their
 * states, and the initial learning rate that schedules multiply.
 *
 * @param <S> the optimizer's state type
 */
public final class ParamGroup<S extends OptimizerState> {
    private TensorOptimizer<S> optimizer;
    private final List<Param> params;
    private final List<S> states;
    private double initialLr;

    ParamGroup(TensorOptimizer<S> optimizer, List<Param> params, Scope scope) {
        this.optimizer = optimizer;
        this.params = List.copyOf(params);
        this.states = new ArrayList<>(params.size());
        for (Param p : this.params) {
            states.add(scope == null ? optimizer.init(p.value()) : optimizer.init(p.value(), scope));
        }
        this.initialLr = optimizer.lr();
    }

    /** The optimizer stepping this group, holding its hyperparameters. */
    public TensorOptimizer<S> optimizer() {
        return optimizer;
    }

    public List<Param> params() {
        return params;
    }

    /** The states of the parameters, in the order of {@link #params()}. */
    public List<S> states() {
        return Collections.unmodifiableList(states);
    }

    /** The current learning rate. */
    public double lr() {
        return optimizer.lr();
    }

    /** Sets the current learning rate (a later {@link Optimizer#scheduleAt} overrides it). */
    public void setLr(double lr) {
        optimizer.setLr(lr);
    }

    /** The learning rate a schedule multiplies (PyTorch's {@code initial_lr}). */
    public double initialLr() {
        return initialLr;
    }

    /** Sets the learning rate a schedule multiplies, and the current learning rate. */
    public void setInitialLr(double lr) {
        optimizer.setLr(lr);
        initialLr = lr;
    }

    void step(boolean zeroGrad) {
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            optimizer.step(p.value(), p.grad(), states.get(i), zeroGrad);
        }
    }

    /**
     * Checks a state dict group's hyperparameters (unknown names, values the builder refuses, a
     * negative or non-finite {@code initial_lr}, states that would not fit) and returns what
     * replaces this group's with them; nothing changes until it is run.
     */
    Runnable prepareHyperparameters(Map<String, Double> values) {
        Map<String, Double> h = new LinkedHashMap<>(values);
        Double initial = h.remove("initial_lr");
        TensorOptimizer<S> loaded = optimizer.withHyperparameters(h);
        // The states must still fit: SGD and RMSprop have a momentum buffer only with momentum.
        var wanted = loaded.init(Tensor.wrap(new float[1])).buffers().keySet();
        var present = optimizer.init(Tensor.wrap(new float[1])).buffers().keySet();
        if (!wanted.equals(present)) {
            throw new IllegalArgumentException("state dict hyperparameters " + values + " need state buffers "
                    + wanted + " but this optimizer's states have " + present);
        }
        double initialLr = initial != null ? Steps.nonNegative(initial, "initial_lr") : loaded.lr();
        return () -> {
            optimizer = loaded;
            this.initialLr = initialLr;
        };
    }
}
