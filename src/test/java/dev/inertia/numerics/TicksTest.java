package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TicksTest {
    @Test
    void ticksSitAtRoundValuesSoLabelsNameThePointsUnderThem() {
        // ten epochs: evenly spaced ticks would be 1, 2.8, 4.6, ... and print as 1, 3, 5
        assertArrayEquals(new double[] {2, 4, 6, 8, 10}, Ticks.of(1, 10, 5), 0);
        assertEquals("4", Ticks.label(4, Ticks.step(1, 10, 5)));
        assertArrayEquals(new double[] {0.2, 0.4, 0.6}, Ticks.of(0.1, 0.7, 5), 1e-15);
        assertEquals("0.4", Ticks.label(0.4, Ticks.step(0.1, 0.7, 5)));
        assertArrayEquals(new double[] {-0.5, 0, 0.5, 1}, Ticks.of(-0.6, 1.1, 5), 1e-15);
        assertEquals("0", Ticks.label(-0.0, 0.5));
        assertEquals(0.05, Ticks.step(75.2, 75.4, 5), 1e-15);
    }
}
