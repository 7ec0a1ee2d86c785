package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/** x > 0 ? x : slope · x (PyTorch's default slope 0.01); the derivative at 0 from the tape's policy. */
public final class LeakyReLU extends Module {
    private final double slope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("slope must be finite, got " + slope);
        }
        this.slope = slope;
    }

    /** The slope for negative inputs. */
    public double slope() {
        return slope;
    }

    @Override
    public Var forward(Var x) {
        return x.leakyRelu(slope);
    }

    @Override
    protected String describe() {
        return "LeakyReLU(" + slope + ")";
    }
}
