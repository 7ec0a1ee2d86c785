package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeedSummaryTest {
    @Test
    void sampleStandardDeviation() {
        SeedSummary s = SeedSummary.of(2, 4, 4, 4, 5, 5, 7, 9);
        assertEquals(8, s.n());
        assertEquals(5.0, s.mean(), 0);
        // population std is 2; the sample std divides by n - 1 = 7
        assertEquals(Math.sqrt(32.0 / 7), s.std(), 1e-15);
        assertEquals("5.00 ± 2.14", s.format(2));
    }

    @Test
    void oneRunHasZeroSpreadAndNaNPropagates() {
        assertEquals(0, SeedSummary.of(3.5).std());
        assertTrue(Double.isNaN(SeedSummary.of(1, Double.NaN).mean()));
        assertThrows(IllegalArgumentException.class, SeedSummary::of);
    }
}
