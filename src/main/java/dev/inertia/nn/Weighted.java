package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.random.RandomGenerator;

/**
 * A layer with a {@code weight} and a {@code bias} parameter under PyTorch's names: the linear
 * layers ({@link Linear}, {@link Conv2d}), initialized as PyTorch does from the fan-in, the bias
 * optional; and the normalizations ({@link LayerNorm}, {@link BatchNorm}), whose affine map
 * starts as the identity (weight 1, bias 0). A subclass registers them once, in its constructor.
 */
abstract class Weighted extends Module {
    private Parameter weight, bias;

    /** PyTorch's default initialization of a weight of {@code shape} and, with a bias, of {@code [shape[0]]}. */
    final void registerDefault(Scope scope, DType dtype, int fanIn, RandomGenerator random, boolean withBias,
            int... shape) {
        weight = registerParameter("weight", Init.defaultWeight(scope, dtype, fanIn, random, shape));
        bias = withBias ? registerParameter("bias", Init.defaultBias(scope, dtype, fanIn, random, shape[0])) : null;
    }

    /** An identity affine map of {@code size} elements: weight 1, bias 0. */
    final void registerIdentity(Scope scope, DType dtype, int size) {
        weight = registerParameter("weight", Parameter.zeros(scope, dtype, size));
        bias = registerParameter("bias", Parameter.zeros(scope, dtype, size));
        for (int i = 0; i < size; i++) {
            weight.value().setDouble(i, 1);
        }
    }

    public final Parameter weight() {
        return weight;
    }

    /** The bias, or null without one. */
    public final Parameter bias() {
        return bias;
    }

    /** The weight as a leaf of {@code x}'s tape. */
    final Var weightOn(Var x) {
        return weight.on(x.tape());
    }

    /** The bias as a leaf of {@code x}'s tape, or null without one. */
    final Var biasOn(Var x) {
        return bias == null ? null : bias.on(x.tape());
    }

    /** {@code ", bias=false"} without a bias, as PyTorch prints it; else nothing. */
    final String biasFlag() {
        return bias == null ? ", bias=false" : "";
    }
}
