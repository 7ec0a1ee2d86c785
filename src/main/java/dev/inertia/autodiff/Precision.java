package dev.inertia.autodiff;

import dev.inertia.kernels.Kernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.util.Locale;

/**
 * An arithmetic precision to emulate. Values are stored in F32 (fp16, bf16, fp32) or F64 (fp64)
 * and rounded to the emulated format, ties to even, after every operation's forward and backward
 * pass. Accumulation inside GEMM and reductions stays in F32, as on hardware with fp16/bf16
 * inputs and F32 accumulators; only the values an operation outputs are rounded.
 */
public enum Precision {
    FP64(DType.F64, 53),
    FP32(DType.F32, 24),
    BF16(DType.F32, 8),
    FP16(DType.F32, 11);

    private final DType storage;
    private final int significandBits;

    Precision(DType storage, int significandBits) {
        this.storage = storage;
        this.significandBits = significandBits;
    }

    /** The dtype tensors have while this precision is emulated. */
    public DType storage() {
        return storage;
    }

    /** Bits of significand, the implicit bit included (fp16: 11, bf16: 8). */
    public int significandBits() {
        return significandBits;
    }

    /** Unit roundoff, 2^-significandBits. */
    public double unitRoundoff() {
        return Math.scalb(1.0, -significandBits);
    }

    /** Whether rounding to this precision changes anything for tensors of its storage dtype. */
    public boolean rounds() {
        return this == BF16 || this == FP16;
    }

    /** Rounds every element of {@code t} to this precision, in place. */
    public void round(Tensor t) {
        int n = Math.toIntExact(t.size());
        switch (this) {
            case FP64 -> requireDType(t, DType.F32, DType.F64);
            case FP32 -> {
                requireDType(t, DType.F32, DType.F64);
                if (t.dtype() == DType.F64) {
                    Kernels.precision().roundF32F64(t.segment(), 0, t.segment(), 0, n);
                }
            }
            case BF16 -> {
                requireDType(t, DType.F32);
                Kernels.precision().roundBf16F32(t.segment(), 0, t.segment(), 0, n);
            }
            case FP16 -> {
                requireDType(t, DType.F32);
                Kernels.precision().roundF16F32(t.segment(), 0, t.segment(), 0, n);
            }
        }
    }

    private void requireDType(Tensor t, DType... allowed) {
        for (DType d : allowed) {
            if (t.dtype() == d) {
                return;
            }
        }
        throw new IllegalArgumentException("cannot emulate " + name().toLowerCase(Locale.ROOT) + " on " + t.describe()
                + ": " + name().toLowerCase(Locale.ROOT) + " is emulated on " + storage + " tensors"
                + " (rounding F64 to a 16-bit format would round twice)");
    }

    /** Parses fp16, bf16, fp32 or fp64 (case-insensitive; also half, bfloat16, float, double). */
    public static Precision parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "fp16", "f16", "half", "float16" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            case "fp32", "f32", "float", "float32" -> FP32;
            case "fp64", "f64", "double", "float64" -> FP64;
            default -> throw new IllegalArgumentException(
                    "unknown precision '" + name + "': expected one of fp16, bf16, fp32, fp64");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
