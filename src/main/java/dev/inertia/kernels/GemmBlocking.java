package dev.inertia.kernels;

/**
 * The cache blocking of the SIMD GEMM: how deep one k block is (KC, per element type) and how
 * many bytes of packed B one chunk of C keeps (the B block). The GEMM keeps an MR-row panel of
 * packed A (MR × KC values) in L1d while the NR-wide panels of its B block stream past it from
 * L2; a deeper k block means C is read and written fewer times.
 *
 * <p>{@link #derive} computes it from a core's {@link CacheSizes}:
 * <ul>
 *   <li>KC = L1d / ({@value #TILE_ROWS} rows × element bytes): the A panel fills L1d (it is
 *       read once per B panel; the B panel and C tile pass through), rounded down to a multiple
 *       of {@value #KC_ALIGN} (the widest vector's lanes, so the packers' whole-vector loops cover
 *       the block) and clamped to [{@value #KC_MIN}, {@value #KC_MAX}];</li>
 *   <li>B block = 3/8 of L2, rounded down to 4 KiB and clamped to [{@value #B_BLOCK_MIN},
 *       {@value #B_BLOCK_MAX}] bytes: the rest of L2 holds the A panels streaming through and
 *       C's tiles.</li>
 * </ul>
 * On the AMD Zen 4 the GEMM was first tuned on (32 KiB L1d, 1 MiB L2) this gives the constants
 * measured there: KC 1024 (F32) and 512 (F64), 384 KiB of B.
 *
 * <p>The GEMM reads {@link #machine()} once per JVM into static final constants.
 * {@link Kernels#gemm(GemmBlocking)} gives a GEMM with any other blocking (tests, experiments);
 * the results' bits depend on KC only (the k blocks' partial sums are added to C in order),
 * never on the B block or the thread count.
 *
 * @param kcF32 the depth of one k block of an F32 product
 * @param kcF64 the depth of one k block of an F64 product
 * @param bBlockBytes bytes of packed B per chunk of C
 */
public record GemmBlocking(int kcF32, int kcF64, long bBlockBytes) {
    /** Rows of the SIMD GEMM's register tile (its MR), which the A panel holds. */
    public static final int TILE_ROWS = 8;
    /** KC is a multiple of this: the lanes of the widest vector (16 floats in 512 bits). */
    public static final int KC_ALIGN = 16;
    /** The shallowest derived k block. */
    public static final int KC_MIN = 16;
    /** The deepest derived k block (a 128 KiB F32 A panel). */
    public static final int KC_MAX = 4096;
    /** The smallest derived B block: 16 KiB. */
    public static final long B_BLOCK_MIN = 16 << 10;
    /** The largest derived B block: 16 MiB. */
    public static final long B_BLOCK_MAX = 16 << 20;

    /** Checks that every value is positive. */
    public GemmBlocking {
        if (kcF32 <= 0 || kcF64 <= 0 || bBlockBytes <= 0) {
            throw new IllegalArgumentException("GEMM blocking values must be positive: KC " + kcF32 + " (f32), "
                    + kcF64 + " (f64), B block " + bBlockBytes + " bytes");
        }
    }

    /** The blocking derived from this machine's {@link CacheSizes#machine()}, once per JVM. */
    public static GemmBlocking machine() {
        return Machine.BLOCKING;
    }

    private static final class Machine {
        static final GemmBlocking BLOCKING = derive(CacheSizes.machine());
    }

    /** The blocking for a core with these caches (the rules above). */
    public static GemmBlocking derive(CacheSizes caches) {
        return new GemmBlocking(kcFor(caches.l1d(), 4), kcFor(caches.l1d(), 8), bBlockFor(caches.l2()));
    }

    /** The depth of one k block for elements of {@code elementBytes} (4: F32, 8: F64). */
    public int kc(int elementBytes) {
        return switch (elementBytes) {
            case 4 -> kcF32;
            case 8 -> kcF64;
            default -> throw new IllegalArgumentException("element bytes must be 4 or 8, not " + elementBytes);
        };
    }

    private static int kcFor(long l1dBytes, int elementBytes) {
        long kc = l1dBytes / ((long) TILE_ROWS * elementBytes) / KC_ALIGN * KC_ALIGN;
        return (int) Math.clamp(kc, KC_MIN, KC_MAX);
    }

    private static long bBlockFor(long l2Bytes) {
        long share = l2Bytes / 8 * 3 / 4096 * 4096;
        return Math.clamp(share, B_BLOCK_MIN, B_BLOCK_MAX);
    }

    /** As {@code inertia info} prints it: {@code KC 1024 (f32) / 512 (f64), B block 384K}. */
    @Override
    public String toString() {
        return "KC " + kcF32 + " (f32) / " + kcF64 + " (f64), B block " + CacheSizes.format(bBlockBytes);
    }
}
