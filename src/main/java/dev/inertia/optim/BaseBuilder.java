package dev.inertia.optim;

/**
 * The hyperparameters every optimizer's builder has: the learning rate and the weight decay
 * (decoupled for INNAprop, INNA and AdamW, an L2 penalty added to the gradient for SGD and
 * RMSprop, as each class says). The builders are checked when built, not here.
 *
 * @param <B> the concrete builder, returned by the setters so that calls chain
 */
abstract class BaseBuilder<B extends BaseBuilder<B>> {
    double lr;
    double weightDecay;

    BaseBuilder(double lr, double weightDecay) {
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The learning rate (finite, >= 0). */
    public B lr(double lr) {
        this.lr = lr;
        return self();
    }

    /** The weight decay (finite, >= 0); see the optimizer's class for how it is applied. */
    public B weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return self();
    }
}
