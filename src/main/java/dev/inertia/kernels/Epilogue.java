package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What a GEMM does to each element of C after the product, as each tile of the product is
 * stored from the microkernel's L1 tile buffer: {@code C = act(alpha * op(A) * op(B) + beta * C
 * + bias)}, so that a Linear layer's forward pass with its bias and ReLU is one pass over C.
 *
 * <p>The bias is optional and either per column ({@code bias[offset + j]} added to column j, the
 * usual Linear bias when rows are samples) or per row ({@code bias[offset + i]}). It has the
 * element type of the GEMM (float for sgemm, double for dgemm). The activation is one of the
 * ReLU family, with exactly the semantics of the separate {@link ActivationKernels}:
 * {@code relu = max(x, 0)}, {@code leakyRelu(s) = x > 0 ? x : s * x},
 * {@code clamp(lo, hi) = min(max(x, lo), hi)} (relu6 and hardtanh are clamps); NaN propagates.
 *
 * <p>Epilogues are immutable: build one per layer once and pass it to every call.
 */
public final class Epilogue {
    /** Where the bias vector runs along C. */
    public enum Bias {
        /** No bias. */
        NONE,
        /** {@code bias[offset + j]} is added to every element of column j (length n). */
        COLUMN,
        /** {@code bias[offset + i]} is added to every element of row i (length m). */
        ROW
    }

    /** The activation applied last. */
    public enum Activation {
        IDENTITY,
        RELU,
        LEAKY_RELU,
        CLAMP
    }

    /** The plain GEMM: no bias, identity activation. */
    public static final Epilogue NONE =
            new Epilogue(Bias.NONE, null, 0, Activation.IDENTITY, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    private final Bias bias;
    private final MemorySegment biasSegment;
    private final long biasOffset;
    private final Activation activation;
    private final double slope;
    private final double lo;
    private final double hi;

    private Epilogue(Bias bias, MemorySegment biasSegment, long biasOffset, Activation activation, double slope,
            double lo, double hi) {
        this.bias = bias;
        this.biasSegment = biasSegment;
        this.biasOffset = biasOffset;
        this.activation = activation;
        this.slope = slope;
        this.lo = lo;
        this.hi = hi;
    }

    /** The plain GEMM, {@link #NONE}. */
    public static Epilogue none() {
        return NONE;
    }

    /** This epilogue with {@code bias[offset + j]} added to column j. */
    public Epilogue withColumnBias(MemorySegment bias, long offset) {
        return withBias(Bias.COLUMN, bias, offset);
    }

    /** This epilogue with {@code bias[offset + i]} added to row i. */
    public Epilogue withRowBias(MemorySegment bias, long offset) {
        return withBias(Bias.ROW, bias, offset);
    }

    private Epilogue withBias(Bias kind, MemorySegment segment, long offset) {
        Objects.requireNonNull(segment, "bias segment");
        if (offset < 0) {
            throw new IllegalArgumentException("epilogue: negative bias offset " + offset);
        }
        return new Epilogue(kind, segment, offset, activation, slope, lo, hi);
    }

    /** This epilogue with no bias. */
    public Epilogue withoutBias() {
        return new Epilogue(Bias.NONE, null, 0, activation, slope, lo, hi);
    }

    /** This epilogue's bias followed by {@code max(x, 0)}. */
    public Epilogue relu() {
        return new Epilogue(bias, biasSegment, biasOffset, Activation.RELU, 0, 0, Double.POSITIVE_INFINITY);
    }

    /** This epilogue's bias followed by {@code x > 0 ? x : slope * x}. */
    public Epilogue leakyRelu(double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("epilogue: leaky ReLU slope must be finite, got " + slope);
        }
        return new Epilogue(bias, biasSegment, biasOffset, Activation.LEAKY_RELU, slope, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);
    }

    /** This epilogue's bias followed by {@code min(max(x, lo), hi)}. */
    public Epilogue clamp(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("epilogue: clamp needs lo <= hi, got lo=" + lo + " hi=" + hi);
        }
        return new Epilogue(bias, biasSegment, biasOffset, Activation.CLAMP, 0, lo, hi);
    }

    /** {@code clamp(0, 6)}. */
    public Epilogue relu6() {
        return clamp(0, 6);
    }

    /** {@code clamp(-1, 1)}. */
    public Epilogue hardtanh() {
        return clamp(-1, 1);
    }

    /** This epilogue with the identity activation. */
    public Epilogue identity() {
        return new Epilogue(bias, biasSegment, biasOffset, Activation.IDENTITY, 0, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);
    }

    public Bias bias() {
        return bias;
    }

    /** The bias vector's segment, or null without bias. */
    public MemorySegment biasSegment() {
        return biasSegment;
    }

    /** Element offset of the bias vector in its segment. */
    public long biasOffset() {
        return biasOffset;
    }

    public Activation activation() {
        return activation;
    }

    /** The leaky ReLU slope (0 for the other activations). */
    public double slope() {
        return slope;
    }

    /** The lower clamp bound: 0 for relu, -infinity when there is none. */
    public double lo() {
        return lo;
    }

    /** The upper clamp bound: +infinity when there is none. */
    public double hi() {
        return hi;
    }

    /** Whether this is the plain GEMM (no bias, identity). */
    public boolean isNone() {
        return bias == Bias.NONE && activation == Activation.IDENTITY;
    }

    /**
     * Checks that the bias vector fits its segment for an m×n result with elements of
     * {@code elementBytes}; throws {@link IllegalArgumentException} otherwise.
     */
    public void checkFor(int m, int n, int elementBytes) {
        if (bias == Bias.NONE) {
            return;
        }
        long length = bias == Bias.COLUMN ? n : m;
        if ((biasOffset + length) * elementBytes > biasSegment.byteSize()) {
            throw new IllegalArgumentException("epilogue: " + bias.name().toLowerCase(java.util.Locale.ROOT)
                    + " bias of " + length + " elements at offset " + biasOffset + " does not fit in a segment of "
                    + biasSegment.byteSize() + " bytes");
        }
    }

    /**
     * The activation on one float, exactly as the separate activation kernels compute it
     * (the scalar definition the SIMD epilogue matches).
     */
    public float activateF32(float x) {
        return switch (activation) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0f);
            case LEAKY_RELU -> x > 0 ? x : (float) slope * x;
            case CLAMP -> Math.min(Math.max(x, (float) lo), (float) hi);
        };
    }

    /** The activation on one double, as {@link #activateF32(float)}. */
    public double activateF64(double x) {
        return switch (activation) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0d);
            case LEAKY_RELU -> x > 0 ? x : slope * x;
            case CLAMP -> Math.min(Math.max(x, lo), hi);
        };
    }

    @Override
    public String toString() {
        String b = switch (bias) {
            case NONE -> "";
            case COLUMN -> "column bias + ";
            case ROW -> "row bias + ";
        };
        String a = switch (activation) {
            case IDENTITY -> "identity";
            case RELU -> "relu";
            case LEAKY_RELU -> "leakyRelu(" + slope + ")";
            case CLAMP -> "clamp(" + lo + ", " + hi + ")";
        };
        return "Epilogue[" + b + a + "]";
    }
}
