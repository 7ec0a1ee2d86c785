package dev.inertia.numerics;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Brute-force enumeration of the Clarke-subgradient candidates of a one-hidden-layer ReLU
 * network {@code f(x) = w2 · relu(W1 x + b1)} at a point where z hidden units have a
 * pre-activation of exactly 0: each of the 2^z activation patterns of those units (each on or
 * off, the other units as their sign says) gives the gradient {@code Σ_active w2_i W1_i}, and the
 * distinct vectors among them are counted. When the z units' weight rows are linearly independent
 * every pattern is the gradient of a piece of f next to x, so the Clarke subdifferential is the
 * convex hull of all these vectors: its description grows as 2^z, which is why no method can
 * list it in general (deciding membership of a Clarke subdifferential of such a network is
 * NP-hard) and why a derivative tool returns one element of it instead.
 *
 * <p>The gradients are summed in unit order, so patterns of equal active sets of equal vectors
 * give equal bits; two vectors are the same candidate when their bits are equal.
 */
public final class ClarkeEnumerator {
    /** The largest z enumerated: 2^20 patterns, whose distinct gradients are all kept in memory. */
    public static final int MAX_ZEROS = 20;

    private ClarkeEnumerator() {}

    /**
     * A network {@code f(x) = w2 · relu(W1 x + b1)} of {@code inputs} inputs and {@code width}
     * hidden units, W1 row-major {@code [width, inputs]}.
     */
    public record Network(int inputs, int width, double[] w1, double[] b1, double[] w2) {
        public Network {
            if (inputs < 1 || width < 1 || w1.length != (long) width * inputs || b1.length != width
                    || w2.length != width) {
                throw new IllegalArgumentException("network: W1 [" + width + ", " + inputs + "], b1 [" + width
                        + "], w2 [" + width + "] expected, got lengths " + w1.length + ", " + b1.length + ", "
                        + w2.length);
            }
        }

        /** The pre-activation of unit i at x, {@code W1_i · x + b1_i}. */
        public double preActivation(int i, double[] x) {
            double s = 0;
            for (int j = 0; j < inputs; j++) {
                s += w1[i * inputs + j] * x[j];
            }
            return s + b1[i];
        }
    }

    /** A network and a point. */
    public record Case(Network network, double[] x) {}

    /** The enumeration at a point: its zero units, the patterns tried and the distinct gradients. */
    public record Count(int zeros, long patterns, int distinct) {}

    /**
     * A random network (weights and point uniform in [-1, 1], from {@code seed}) whose first
     * {@code zeros} units have pre-activation exactly 0 at the point (their bias is minus the
     * rest of it) and the others a nonzero one.
     */
    public static Case randomAtZeros(int inputs, int width, int zeros, long seed) {
        if (zeros < 0 || zeros > width) {
            throw new IllegalArgumentException("zeros must be in [0, width = " + width + "], got " + zeros);
        }
        Random r = new Random(seed);
        double[] w1 = new double[width * inputs], b1 = new double[width], w2 = new double[width], x = new double[inputs];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = 2 * r.nextDouble() - 1;
        }
        for (int i = 0; i < width; i++) {
            w2[i] = 2 * r.nextDouble() - 1;
            b1[i] = 2 * r.nextDouble() - 1;
        }
        for (int j = 0; j < inputs; j++) {
            x[j] = 2 * r.nextDouble() - 1;
        }
        Network net = new Network(inputs, width, w1, b1, w2);
        for (int i = 0; i < zeros; i++) {
            b1[i] = 0;
            b1[i] = -net.preActivation(i, x); // s + (-s) is exactly 0
        }
        for (int i = zeros; i < width; i++) {
            while (net.preActivation(i, x) == 0) {
                b1[i] += 0.5;
            }
        }
        return new Case(net, x);
    }

    /** Enumerates the patterns of the units of {@code c.network()} at exactly 0 at {@code c.x()}. */
    public static Count count(Case c) {
        Network net = Objects.requireNonNull(c, "case").network();
        double[] x = c.x();
        if (x.length != net.inputs()) {
            throw new IllegalArgumentException("point of " + x.length + " coordinates for " + net.inputs() + " inputs");
        }
        int width = net.width(), inputs = net.inputs();
        int[] zeroUnits = new int[width];
        boolean[] positive = new boolean[width];
        int zeros = 0;
        for (int i = 0; i < width; i++) {
            double z = net.preActivation(i, x);
            if (z == 0) {
                zeroUnits[zeros++] = i;
            }
            positive[i] = z > 0;
        }
        if (zeros > MAX_ZEROS) {
            throw new IllegalArgumentException(zeros + " units at 0: more than " + MAX_ZEROS + " is 2^" + zeros
                    + " patterns");
        }
        boolean[] on = new boolean[width];
        double[] g = new double[inputs];
        Set<Gradient> distinct = new HashSet<>();
        long patterns = 1L << zeros;
        for (long pattern = 0; pattern < patterns; pattern++) {
            System.arraycopy(positive, 0, on, 0, width);
            for (int b = 0; b < zeros; b++) {
                on[zeroUnits[b]] = (pattern >>> b & 1) != 0;
            }
            Arrays.fill(g, 0);
            for (int i = 0; i < width; i++) {
                if (on[i]) {
                    for (int j = 0; j < inputs; j++) {
                        g[j] += net.w2()[i] * net.w1()[i * inputs + j];
                    }
                }
            }
            distinct.add(Gradient.of(g));
        }
        return new Count(zeros, patterns, distinct.size());
    }

    /** A gradient compared by its bits, its zeros made +0 first (a zero sum is one candidate whatever its sign). */
    private record Gradient(double[] v) {
        static Gradient of(double[] g) {
            double[] v = g.clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.0; // -0 + 0 is +0
            }
            return new Gradient(v);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Gradient other && Arrays.equals(v, other.v);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(v);
        }
    }
}
