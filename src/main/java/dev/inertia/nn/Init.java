package dev.inertia.nn;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.random.RandomGenerator;

/**
 * PyTorch's default initializations. Linear and Conv2d weights are Kaiming-uniform with
 * {@code a = sqrt(5)}: uniform in ±{@code gain · sqrt(3 / fanIn)} with
 * {@code gain = sqrt(2 / (1 + a²))}, which is ±1/sqrt(fanIn); their biases are uniform in
 * ±1/sqrt(fanIn). The numbers come from the given generator (seeded by the caller), not from
 * PyTorch's: the distributions match, the values do not.
 */
public final class Init {
    /** PyTorch's {@code a} for Linear and Conv2d weights. */
    public static final double DEFAULT_A = Math.sqrt(5);

    private Init() {}

    /** Fills {@code t} with U(-bound, bound). */
    public static void uniform(Tensor t, double bound, RandomGenerator random) {
        if (!(bound >= 0) || !Double.isFinite(bound)) {
            throw new IllegalArgumentException("bound must be finite and >= 0, got " + bound);
        }
        for (long i = 0; i < t.size(); i++) {
            t.setDouble(i, (2 * random.nextDouble() - 1) * bound);
        }
    }

    /** Kaiming-uniform (He) with leaky-relu slope {@code a}, as {@code torch.nn.init.kaiming_uniform_}. */
    public static void kaimingUniform(Tensor t, int fanIn, double a, RandomGenerator random) {
        requireFanIn(fanIn);
        double gain = Math.sqrt(2 / (1 + a * a));
        uniform(t, gain * Math.sqrt(3.0 / fanIn), random);
    }

    /** The bias rule of Linear and Conv2d: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    public static void bias(Tensor t, int fanIn, RandomGenerator random) {
        requireFanIn(fanIn);
        uniform(t, 1 / Math.sqrt(fanIn), random);
    }

    /** A new weight of {@code shape} initialized as Linear's and Conv2d's: {@link #kaimingUniform}, a = √5. */
    static Parameter defaultWeight(Scope scope, DType dtype, int fanIn, RandomGenerator random, int... shape) {
        Parameter weight = Parameter.zeros(scope, dtype, shape);
        kaimingUniform(weight.value(), fanIn, DEFAULT_A, random);
        return weight;
    }

    /** A new bias of {@code size} initialized as Linear's and Conv2d's ({@link #bias}). */
    static Parameter defaultBias(Scope scope, DType dtype, int fanIn, RandomGenerator random, int size) {
        Parameter bias = Parameter.zeros(scope, dtype, size);
        bias(bias.value(), fanIn, random);
        return bias;
    }

    private static void requireFanIn(int fanIn) {
        if (fanIn < 1) {
            throw new IllegalArgumentException("fan-in must be >= 1, got " + fanIn);
        }
    }
}
