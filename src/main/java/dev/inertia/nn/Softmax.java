package dev.inertia.nn;

/** softmax over the last axis (PyTorch's {@code Softmax(dim=-1)}), numerically stable; no parameters. */
public final class Softmax extends SoftmaxBase {
    public Softmax() {
        super(false);
    }
}
