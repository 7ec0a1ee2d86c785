package dev.inertia.nn;

/** log-softmax over the last axis (PyTorch's {@code LogSoftmax(dim=-1)}), numerically stable; no parameters. */
public final class LogSoftmax extends SoftmaxBase {
    public LogSoftmax() {
        super(true);
    }
}
