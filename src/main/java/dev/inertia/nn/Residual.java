package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import java.util.Arrays;
import java.util.Objects;

/**
 * A skip connection around a body: {@code forward(x) = x + body.forward(x)}, the body's output
 * of {@code x}'s shape. The body is the child {@code body}, so its state-dict names are
 * prefixed {@code body.} (a {@code Residual(new Linear(...))} has {@code body.weight} and
 * {@code body.bias}; inside a {@link Sequential} at index 2, {@code 2.body.weight}), the names a
 * PyTorch module holding its body in {@code self.body} has.
 */
public final class Residual extends Module {
    private final Module body;

    public Residual(Module body) {
        this.body = registerChild("body", Objects.requireNonNull(body, "body"));
    }

    public Module body() {
        return body;
    }

    @Override
    public Var forward(Var x) {
        Var y = body.forward(x);
        // add would broadcast a suffix-shaped output silently; a skip connection needs equal shapes
        if (!Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException("Residual: the body maps " + Arrays.toString(x.shape()) + " to "
                    + Arrays.toString(y.shape()) + "; a skip connection needs the same shape");
        }
        return x.add(y);
    }

    @Override
    protected String describe() {
        return "Residual";
    }
}
