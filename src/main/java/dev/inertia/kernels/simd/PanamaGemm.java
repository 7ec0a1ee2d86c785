package dev.inertia.kernels.simd;

import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.GemmKernels;
import java.lang.foreign.MemorySegment;

/**
 * GEMM on the Vector API: packed panels, cache blocking and a register-tiled FMA microkernel
 * with the {@link Epilogue} fused into its stores; parallel over blocks of C on the library's
 * pool. The work of one call is done by {@link GemmF32} / {@link GemmF64}.
 */
public final class PanamaGemm implements GemmKernels {
    public PanamaGemm() {}

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc,
            Epilogue epilogue) {
        GemmKernels.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 4, epilogue);
        if (m == 0 || n == 0) {
            return;
        }
        GemmWorkspace.current().f32().run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff,
                ldc, epilogue);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc,
            Epilogue epilogue) {
        GemmKernels.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 8, epilogue);
        if (m == 0 || n == 0) {
            return;
        }
        GemmWorkspace.current().f64().run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff,
                ldc, epilogue);
    }
}
