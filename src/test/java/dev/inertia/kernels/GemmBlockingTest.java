package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The derivation of the GEMM blocking from cache sizes, on the CPU kinds it meets. */
class GemmBlockingTest {
    private static CacheSizes caches(long l1d, long l2) {
        return new CacheSizes(l1d, l2, 0, "test");
    }

    @Test
    void zen4GivesTheConstantsMeasuredThere() {
        assertEquals(new GemmBlocking(1024, 512, 384 << 10), GemmBlocking.derive(CacheSizes.ZEN4));
    }

    @Test
    void intelXeonWith48KAnd2M() {
        // 48K / (8 rows × 4 bytes) = 1536; 3/8 of 2 MiB = 768 KiB.
        assertEquals(new GemmBlocking(1536, 768, 768 << 10), GemmBlocking.derive(caches(48 << 10, 2 << 20)));
    }

    @Test
    void oddSizesRoundDown() {
        // 80K / 32 = 2560 (a multiple of 16); 80K / 64 = 1280; 3/8 of 1536K = 576K.
        assertEquals(new GemmBlocking(2560, 1280, 576 << 10), GemmBlocking.derive(caches(80 << 10, 1536 << 10)));
        // 40000 / 32 = 1250 -> 1248; 40000 / 64 = 625 -> 624; 3/8 of 1,000,000 = 375,000 -> 364 KiB (4 KiB multiple).
        assertEquals(new GemmBlocking(1248, 624, 364 << 10), GemmBlocking.derive(caches(40_000, 1_000_000)));
    }

    @Test
    void tinyAndHugeCachesAreClamped() {
        GemmBlocking tiny = GemmBlocking.derive(caches(64, 1024));
        assertEquals(new GemmBlocking(GemmBlocking.KC_MIN, GemmBlocking.KC_MIN, GemmBlocking.B_BLOCK_MIN), tiny);
        GemmBlocking huge = GemmBlocking.derive(caches(1L << 30, 1L << 34));
        assertEquals(new GemmBlocking(GemmBlocking.KC_MAX, GemmBlocking.KC_MAX, GemmBlocking.B_BLOCK_MAX), huge);
    }

    @Test
    void everyDerivedKcIsAMultipleOfTheWidestVector() {
        for (long l1d = 1; l1d <= 1 << 20; l1d = l1d * 3 / 2 + 1) {
            GemmBlocking b = GemmBlocking.derive(caches(l1d, 1 << 20));
            for (int kc : new int[] {b.kcF32(), b.kcF64()}) {
                assertEquals(0, kc % GemmBlocking.KC_ALIGN, "l1d " + l1d + ": " + b);
                assertTrue(kc >= GemmBlocking.KC_MIN && kc <= GemmBlocking.KC_MAX, "l1d " + l1d + ": " + b);
            }
            assertTrue(b.kcF64() <= b.kcF32(), b.toString());
        }
    }

    @Test
    void kcByElementSizeAndChecks() {
        GemmBlocking b = new GemmBlocking(100, 50, 4096);
        assertEquals(100, b.kc(4));
        assertEquals(50, b.kc(8));
        assertThrows(IllegalArgumentException.class, () -> b.kc(2));
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(1, 1, 0));
        assertEquals("KC 1024 (f32) / 512 (f64), B block 384K", GemmBlocking.derive(CacheSizes.ZEN4).toString());
    }
}
