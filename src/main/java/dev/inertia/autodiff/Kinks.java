package dev.inertia.autodiff;

import java.util.Locale;
import java.util.Objects;

/**
 * The element of the conservative gradient picked at every kink: an immutable policy, applied
 * by the reverse and tangent rules only (forward values never change). Each setter returns a
 * new policy, so {@code Kinks.defaults().relu(0.5)} reads as "the defaults, with ReLU'(0) = 0.5".
 *
 * <p>Elementwise kinks take the derivative value used exactly at the kink. Ties of the
 * elementwise {@code max(a, b)} are a {@link Tie}; ties of a max reduction or a max-pool window
 * are {@link Ties}: the affine mix {@code beta · uniform + (1 - beta) · first}, any finite beta.
 *
 * <p>Presets: {@link #defaults()}, {@link #pytorch()}, {@link #jax()}, {@link #tensorflow()};
 * docs/kinks.md lists where each value was read and how it was checked.
 */
public final class Kinks {
    /** How the elementwise {@code max(a, b)} splits its gradient when {@code a == b}. */
    public enum Tie {
        /** Everything to the first argument. */
        FIRST,
        /** Everything to the second argument. */
        SECOND,
        /** Half to each. */
        SPLIT;

        /** The share of the gradient the first argument gets at a tie. */
        public double firstWeight() {
            return switch (this) {
                case FIRST -> 1;
                case SECOND -> 0;
                case SPLIT -> 0.5;
            };
        }
    }

    /**
     * How a max over a window (reduction or pooling) splits its gradient among the {@code t}
     * inputs that share the maximum: {@code beta / t} to each of them plus {@code 1 - beta} to
     * the first. {@link #FIRST} is beta = 0, {@link #UNIFORM} (the minimal-norm element) is
     * beta = 1. Any finite beta is accepted: the affine family {@code beta · uniform + (1 - beta)
     * · first} of Boustany's MaxPool study (TMLR 2024), which sweeps beta up to 10000. Outside
     * [0, 1] the weights are no longer a convex combination (beta = 10 on a 2-way tie gives the
     * first input -4 and the other 5), so the result is not an element of the Clarke subdifferential
     * but still a valid conservative-gradient choice; on a window without a tie every beta gives
     * the true derivative.
     */
    public record Ties(double beta) {
        /** The whole gradient to the first maximal index (row-major order). */
        public static final Ties FIRST = new Ties(0);
        /** Split evenly among the maximal indices: the element of minimal norm. */
        public static final Ties UNIFORM = new Ties(1);

        public Ties {
            if (!Double.isFinite(beta)) {
                throw new IllegalArgumentException("tie beta must be a finite number, got " + beta);
            }
        }

        /** The affine mix {@code beta · uniform + (1 - beta) · first}, for any finite beta. */
        public static Ties mix(double beta) {
            return new Ties(beta);
        }

        /**
         * Parses {@code first}, {@code uniform} or {@code beta:B} (B a finite number), as the
         * command line's {@code --pool-tie} takes it.
         *
         * @throws IllegalArgumentException naming the accepted forms
         */
        public static Ties parse(String spec) {
            String s = Objects.requireNonNull(spec, "spec").trim().toLowerCase(Locale.ROOT);
            if (s.equals("first")) {
                return FIRST;
            }
            if (s.equals("uniform")) {
                return UNIFORM;
            }
            if (s.startsWith("beta:")) {
                double beta;
                try {
                    beta = Double.parseDouble(s.substring("beta:".length()));
                } catch (NumberFormatException e) {
                    beta = Double.NaN;
                }
                if (Double.isFinite(beta)) {
                    return new Ties(beta);
                }
            }
            throw new IllegalArgumentException("a tie policy is first, uniform or beta:B with B a finite number, got '"
                    + spec + "'");
        }
    }

    /** Marks "use the op's negative slope" as leaky ReLU's derivative at 0. */
    private static final double SLOPE = Double.NaN;

    private final double reluAtZero;
    private final double leakyReluAtZero;
    private final double relu6AtZero;
    private final double relu6AtSix;
    private final double hardtanhAtLow;
    private final double hardtanhAtHigh;
    private final double clampAtLow;
    private final double clampAtHigh;
    private final double absAtZero;
    private final Tie maximum;
    private final Ties maxReduce;
    private final Ties maxDim;
    private final Ties maxPool;

    private Kinks(double reluAtZero, double leakyReluAtZero, double relu6AtZero, double relu6AtSix,
            double hardtanhAtLow, double hardtanhAtHigh, double clampAtLow, double clampAtHigh, double absAtZero,
            Tie maximum, Ties maxReduce, Ties maxDim, Ties maxPool) {
        this.reluAtZero = reluAtZero;
        this.leakyReluAtZero = leakyReluAtZero;
        this.relu6AtZero = relu6AtZero;
        this.relu6AtSix = relu6AtSix;
        this.hardtanhAtLow = hardtanhAtLow;
        this.hardtanhAtHigh = hardtanhAtHigh;
        this.clampAtLow = clampAtLow;
        this.clampAtHigh = clampAtHigh;
        this.absAtZero = absAtZero;
        this.maximum = maximum;
        this.maxReduce = maxReduce;
        this.maxDim = maxDim;
        this.maxPool = maxPool;
    }

    // ---- presets ---------------------------------------------------------------------------

    /**
     * Inertia's defaults: ReLU'(0) = 0, leaky ReLU's slope at 0, 0 at the corners of relu6 and
     * hardtanh, 1 at the bounds of clamp, abs'(0) = 0, and every max or max-pool tie to the first
     * index.
     */
    public static Kinks defaults() {
        return new Kinks(0, SLOPE, 0, 0, 0, 0, 1, 1, 0, Tie.FIRST, Ties.FIRST, Ties.FIRST, Ties.FIRST);
    }

    /**
     * PyTorch (checked against 1.13): relu'(0) = 0, leaky ReLU gives its slope at 0, relu6 and
     * hardtanh 0 at their corners, clamp 1 at its bounds, abs'(0) = 0, maximum splits ties
     * 0.5/0.5, max(dim) and max_pool send everything to the first index, a full max() splits
     * evenly.
     */
    public static Kinks pytorch() {
        return new Kinks(0, SLOPE, 0, 0, 0, 0, 1, 1, 0, Tie.SPLIT, Ties.UNIFORM, Ties.FIRST, Ties.FIRST);
    }

    /**
     * JAX (from its sources): relu'(0) = 0, leaky_relu and hard_tanh 1 at their kinks, relu6 0
     * at both corners, clip (a minimum of a maximum) 0.5 at its bounds, abs'(0) = 1, maximum
     * splits 0.5/0.5, max reductions split evenly, max pooling picks the first index.
     */
    public static Kinks jax() {
        return new Kinks(0, 1, 0, 0, 1, 1, 0.5, 0.5, 1, Tie.SPLIT, Ties.UNIFORM, Ties.UNIFORM, Ties.FIRST);
    }

    /**
     * TensorFlow (from its sources): relu'(0) = 0, leaky ReLU its slope at 0, relu6 0 at its
     * corners, clip_by_value 1 at its bounds (also used for hardtanh), abs'(0) = 0 (sign),
     * maximum sends ties to the first argument, reduce_max splits evenly, max_pool picks the
     * first index.
     */
    public static Kinks tensorflow() {
        return new Kinks(0, SLOPE, 0, 0, 1, 1, 1, 1, 0, Tie.FIRST, Ties.UNIFORM, Ties.UNIFORM, Ties.FIRST);
    }

    // ---- setters (each returns a new policy) ------------------------------------------------

    /** ReLU'(0) = s. */
    public Kinks relu(double s) {
        return new Kinks(finite(s, "relu"), leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow,
                hardtanhAtHigh, clampAtLow, clampAtHigh, absAtZero, maximum, maxReduce, maxDim, maxPool);
    }

    /** Leaky ReLU's derivative at 0. */
    public Kinks leakyRelu(double atZero) {
        return new Kinks(reluAtZero, finite(atZero, "leakyRelu"), relu6AtZero, relu6AtSix, hardtanhAtLow,
                hardtanhAtHigh, clampAtLow, clampAtHigh, absAtZero, maximum, maxReduce, maxDim, maxPool);
    }

    /** Leaky ReLU's derivative at 0 is its negative slope (the left derivative). */
    public Kinks leakyReluSlopeAtZero() {
        return new Kinks(reluAtZero, SLOPE, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh, clampAtLow,
                clampAtHigh, absAtZero, maximum, maxReduce, maxDim, maxPool);
    }

    /** relu6's derivative at 0 and at 6. */
    public Kinks relu6(double atZero, double atSix) {
        return new Kinks(reluAtZero, leakyReluAtZero, finite(atZero, "relu6"), finite(atSix, "relu6"),
                hardtanhAtLow, hardtanhAtHigh, clampAtLow, clampAtHigh, absAtZero, maximum, maxReduce, maxDim,
                maxPool);
    }

    /** hardtanh's derivative at -1 and at 1. */
    public Kinks hardtanh(double atLow, double atHigh) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, finite(atLow, "hardtanh"),
                finite(atHigh, "hardtanh"), clampAtLow, clampAtHigh, absAtZero, maximum, maxReduce, maxDim, maxPool);
    }

    /** clamp's derivative at its lower and at its upper bound. */
    public Kinks clamp(double atLow, double atHigh) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh,
                finite(atLow, "clamp"), finite(atHigh, "clamp"), absAtZero, maximum, maxReduce, maxDim, maxPool);
    }

    /** abs'(0) = s. */
    public Kinks abs(double s) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh,
                clampAtLow, clampAtHigh, finite(s, "abs"), maximum, maxReduce, maxDim, maxPool);
    }

    /** Ties of the elementwise {@code max(a, b)}. */
    public Kinks maximum(Tie tie) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh,
                clampAtLow, clampAtHigh, absAtZero, Objects.requireNonNull(tie, "tie"), maxReduce, maxDim, maxPool);
    }

    /** Ties of the full max reduction {@code x.max()}. */
    public Kinks maxReduce(Ties ties) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh,
                clampAtLow, clampAtHigh, absAtZero, maximum, Objects.requireNonNull(ties, "ties"), maxDim, maxPool);
    }

    /** Ties of the max along one axis {@code x.max(axis)}. */
    public Kinks maxDim(Ties ties) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh,
                clampAtLow, clampAtHigh, absAtZero, maximum, maxReduce, Objects.requireNonNull(ties, "ties"), maxPool);
    }

    /** Ties inside a max-pool window. */
    public Kinks maxPool(Ties ties) {
        return new Kinks(reluAtZero, leakyReluAtZero, relu6AtZero, relu6AtSix, hardtanhAtLow, hardtanhAtHigh,
                clampAtLow, clampAtHigh, absAtZero, maximum, maxReduce, maxDim, Objects.requireNonNull(ties, "ties"));
    }

    // ---- getters ---------------------------------------------------------------------------

    public double reluAtZero() {
        return reluAtZero;
    }

    /** Leaky ReLU's derivative at 0 for an op of the given negative slope. */
    public double leakyReluAtZero(double slope) {
        return Double.isNaN(leakyReluAtZero) ? slope : leakyReluAtZero;
    }

    public double relu6AtZero() {
        return relu6AtZero;
    }

    public double relu6AtSix() {
        return relu6AtSix;
    }

    public double hardtanhAtLow() {
        return hardtanhAtLow;
    }

    public double hardtanhAtHigh() {
        return hardtanhAtHigh;
    }

    public double clampAtLow() {
        return clampAtLow;
    }

    public double clampAtHigh() {
        return clampAtHigh;
    }

    public double absAtZero() {
        return absAtZero;
    }

    public Tie maximum() {
        return maximum;
    }

    public Ties maxReduce() {
        return maxReduce;
    }

    public Ties maxDim() {
        return maxDim;
    }

    public Ties maxPool() {
        return maxPool;
    }

    private static double finite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + ": the derivative at a kink must be finite, got " + v);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kinks k && toString().equals(k.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Kinks[relu'(0)=" + reluAtZero + ", leakyRelu'(0)="
                + (Double.isNaN(leakyReluAtZero) ? "slope" : Double.toString(leakyReluAtZero)) + ", relu6'(0,6)=("
                + relu6AtZero + ", " + relu6AtSix + "), hardtanh'(-1,1)=(" + hardtanhAtLow + ", " + hardtanhAtHigh
                + "), clamp'(lo,hi)=(" + clampAtLow + ", " + clampAtHigh + "), abs'(0)=" + absAtZero + ", maximum="
                + maximum + ", maxReduce=" + maxReduce.beta() + ", maxDim=" + maxDim.beta() + ", maxPool="
                + maxPool.beta() + "]";
    }
}
