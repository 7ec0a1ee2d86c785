package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * General matrix product, BLAS semantics on row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(A) is m×k, op(B) is k×n and C is m×n.
 *
 * <p>{@code transA} means A is stored k×m (op(A) = Aᵀ), likewise {@code transB}: B stored n×k.
 * Leading dimensions are the row strides, in elements, of the matrices as stored. Offsets count
 * elements. When {@code beta == 0}, C is not read, so NaN or garbage in C does not leak out; when
 * {@code alpha == 0} (or k is 0), A and B are not read and C becomes {@code beta * C}.
 * An {@link Epilogue} adds a bias and an activation in the same pass over C.
 */
public interface GemmKernels {
    /** The plain product, {@link #sgemm(boolean, boolean, int, int, int, float, MemorySegment, long, int,
     * MemorySegment, long, int, float, MemorySegment, long, int, Epilogue)} with {@link Epilogue#NONE}. */
    default void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Epilogue.NONE);
    }

    /** The plain product in double precision, with {@link Epilogue#NONE}. */
    default void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc) {
        dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Epilogue.NONE);
    }

    /**
     * {@code C = act(alpha * op(A) * op(B) + beta * C + bias)} in float, the bias and activation
     * given by {@code epilogue} (a float bias vector) and applied as each tile of C is stored.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
            MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc, Epilogue epilogue);

    /** As the float version, in double (the bias vector holds doubles). */
    void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc,
            Epilogue epilogue);

    /**
     * Checks a GEMM call's dimensions, strides and that every matrix lies inside its segment;
     * throws {@link IllegalArgumentException} naming what is wrong.
     */
    static void checkArguments(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, int elementBytes) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative dimension m=" + m + " n=" + n + " k=" + k);
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        checkMatrix("A", a, aOff, aRows, aCols, lda, elementBytes);
        checkMatrix("B", b, bOff, bRows, bCols, ldb, elementBytes);
        checkMatrix("C", c, cOff, m, n, ldc, elementBytes);
    }

    /** {@link #checkArguments} plus the epilogue: not null, bias inside its segment. */
    static void checkArguments(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, int elementBytes,
            Epilogue epilogue) {
        if (epilogue == null) {
            throw new IllegalArgumentException("gemm: epilogue is null; use Epilogue.NONE");
        }
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, elementBytes);
        epilogue.checkFor(m, n, elementBytes);
    }

    private static void checkMatrix(String name, MemorySegment s, long off, int rows, int cols, int ld, int bytes) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " is " + ld + " but its rows hold "
                    + cols + " elements");
        }
        if (off < 0) {
            throw new IllegalArgumentException("gemm: negative offset " + off + " for " + name);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long lastElement = off + (long) (rows - 1) * ld + cols;
        if (lastElement * bytes > s.byteSize()) {
            throw new IllegalArgumentException("gemm: " + name + " (" + rows + "x" + cols + ", ld " + ld + ", offset "
                    + off + ") does not fit in a segment of " + s.byteSize() + " bytes");
        }
    }
}
