package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of GEMM: the textbook triple loop, one fused multiply-add per term, then
 * {@code alpha * sum + beta * C}, the bias and the activation of the {@link Epilogue}.
 * As in the reference BLAS, {@code alpha == 0} reads neither A nor B and {@code beta == 0}
 * does not read C.
 */
final class ScalarGemm implements GemmKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc,
            Epilogue epilogue) {
        GemmKernels.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 4, epilogue);
        MemorySegment bias = epilogue.biasSegment();
        long biasOff = epilogue.biasOffset();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float result = 0;
                if (alpha != 0) {
                    float sum = 0;
                    for (int p = 0; p < k; p++) {
                        float av = a.getAtIndex(F, aOff + (transA ? (long) p * lda + i : (long) i * lda + p));
                        float bv = b.getAtIndex(F, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                        sum = Math.fma(av, bv, sum);
                    }
                    result = alpha * sum;
                }
                long at = cOff + (long) i * ldc + j;
                if (beta != 0) {
                    result = Math.fma(beta, c.getAtIndex(F, at), result);
                }
                switch (epilogue.bias()) {
                    case COLUMN -> result += bias.getAtIndex(F, biasOff + j);
                    case ROW -> result += bias.getAtIndex(F, biasOff + i);
                    case NONE -> { }
                }
                c.setAtIndex(F, at, epilogue.activateF32(result));
            }
        }
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc,
            Epilogue epilogue) {
        GemmKernels.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 8, epilogue);
        MemorySegment bias = epilogue.biasSegment();
        long biasOff = epilogue.biasOffset();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double result = 0;
                if (alpha != 0) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        double av = a.getAtIndex(D, aOff + (transA ? (long) p * lda + i : (long) i * lda + p));
                        double bv = b.getAtIndex(D, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                        sum = Math.fma(av, bv, sum);
                    }
                    result = alpha * sum;
                }
                long at = cOff + (long) i * ldc + j;
                if (beta != 0) {
                    result = Math.fma(beta, c.getAtIndex(D, at), result);
                }
                switch (epilogue.bias()) {
                    case COLUMN -> result += bias.getAtIndex(D, biasOff + j);
                    case ROW -> result += bias.getAtIndex(D, biasOff + i);
                    case NONE -> { }
                }
                c.setAtIndex(D, at, epilogue.activateF64(result));
            }
        }
    }
}
