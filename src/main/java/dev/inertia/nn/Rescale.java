package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * A fixed affine map of the last axis, {@code y = x * scale + shift}, with {@code scale} and
 * {@code shift} buffers (saved in the state dict, not trained). Put last in a regression model
 * with the training targets' standard deviation and mean, it lets the layers before it learn
 * standardized targets while the model predicts in the targets' own units.
 */
public final class Rescale extends Module {
    private final int width;
    private final Tensor scale, shift;

    /** The identity map of width {@code width} (the values come from a state dict or {@link #set}). */
    public Rescale(Scope scope, DType dtype, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("Rescale needs a width >= 1, got " + width);
        }
        this.width = width;
        scale = registerBuffer("scale", Tensor.zeros(scope, dtype, width));
        shift = registerBuffer("shift", Tensor.zeros(scope, dtype, width));
        for (int i = 0; i < width; i++) {
            scale.setDouble(i, 1);
        }
    }

    /** {@code y = x * scale + shift} with these values, one per output column. */
    public Rescale(Scope scope, DType dtype, double[] scale, double[] shift) {
        this(scope, dtype, scale.length);
        set(scale, shift);
    }

    /** Sets the map's values, one per output column. */
    public void set(double[] scale, double[] shift) {
        if (scale.length != width || shift.length != width) {
            throw new IllegalArgumentException("Rescale of width " + width + " got " + scale.length + " scales and "
                    + shift.length + " shifts");
        }
        for (int i = 0; i < width; i++) {
            if (!Double.isFinite(scale[i]) || !Double.isFinite(shift[i])) {
                throw new IllegalArgumentException("Rescale values must be finite, got scale " + Arrays.toString(scale)
                        + ", shift " + Arrays.toString(shift));
            }
            this.scale.setDouble(i, scale[i]);
            this.shift.setDouble(i, shift[i]);
        }
    }

    public int width() {
        return width;
    }

    @Override
    public Var forward(Var x) {
        return x.mul(x.tape().constant(scale)).add(x.tape().constant(shift));
    }

    @Override
    protected String describe() {
        return "Rescale(" + width + ")";
    }
}
