package dev.inertia.nn;

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

    private static void requireFanIn(int fanIn) {
        if (fanIn < 1) {
            throw new IllegalArgumentException("fan-in must be >= 1, got " + fanIn);
        }
    }
}
