package dev.inertia.kernels.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's GEMM buffers, reused from call to call so that a warm GEMM allocates nothing:
 * the packed panels of A (shared with the pool's threads during a call this thread makes), the
 * packed panels of B (used by this thread's chunks, whichever call they belong to) and the
 * reusable call objects. Buffers grow on demand, never shrink, and are 64-byte aligned; an
 * automatic arena frees them when the thread's workspace becomes unreachable.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> CURRENT = ThreadLocal.withInitial(GemmWorkspace::new);
    private static final long ALIGNMENT = 64;
    private static final long TILE_BYTES = (long) GemmF32.MR * GemmF32.NR * 4 + (long) GemmF64.MR * GemmF64.NR * 8;

    private MemorySegment packedA = MemorySegment.NULL;
    private MemorySegment packedB = MemorySegment.NULL;
    /** Accumulators of an edge tile on their way to C: room for one MR×NR tile of either type. */
    private final MemorySegment tile = Arena.ofAuto().allocate(TILE_BYTES, ALIGNMENT);
    private GemmF32 f32;
    private GemmF64 f64;

    private GemmWorkspace() {}

    /** The calling thread's workspace. */
    static GemmWorkspace current() {
        return CURRENT.get();
    }

    /** A buffer of at least {@code bytes} for packed A. */
    MemorySegment packedA(long bytes) {
        if (packedA.byteSize() < bytes) {
            packedA = allocate(bytes, packedA.byteSize());
        }
        return packedA;
    }

    /** A buffer of at least {@code bytes} for packed B. */
    MemorySegment packedB(long bytes) {
        if (packedB.byteSize() < bytes) {
            packedB = allocate(bytes, packedB.byteSize());
        }
        return packedB;
    }

    /** This thread's buffer for one edge tile of accumulators. */
    MemorySegment tile() {
        return tile;
    }

    GemmF32 f32() {
        if (f32 == null) {
            f32 = new GemmF32(this);
        }
        return f32;
    }

    GemmF64 f64() {
        if (f64 == null) {
            f64 = new GemmF64(this);
        }
        return f64;
    }

    private static MemorySegment allocate(long bytes, long previous) {
        // Grow by at least half again so that slowly growing shapes do not reallocate each call.
        long size = Math.max(bytes, previous + previous / 2);
        return Arena.ofAuto().allocate(size, ALIGNMENT);
    }
}
