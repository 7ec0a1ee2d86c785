package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.numerics.ClarkeEnumerator.Case;
import dev.inertia.numerics.ClarkeEnumerator.Count;
import dev.inertia.numerics.ClarkeEnumerator.Network;
import org.junit.jupiter.api.Test;

/** The enumerator's counts on networks small enough to count by hand, and on random ones. */
class ClarkeEnumeratorTest {
    /** Two inputs, x = (1, 1); W1 rows and w2 given, b1 = 0 unless said. */
    private static Case net(double[] w1, double[] b1, double[] w2) {
        return new Case(new Network(2, w2.length, w1, b1, w2), new double[] {1, 1});
    }

    @Test
    void oneUnitAtZeroGivesTwoCandidatesUnlessItsOutputWeightIsZero() {
        // unit 0: x1 - x2 = 0 at (1, 1); unit 1: x1 > 0, always on
        assertEquals(new Count(1, 2, 2), ClarkeEnumerator.count(net(new double[] {1, -1, 1, 0}, new double[2],
                new double[] {1, 1})));
        assertEquals(new Count(1, 2, 1), ClarkeEnumerator.count(net(new double[] {1, -1, 1, 0}, new double[2],
                new double[] {0, 1})), "a unit the output ignores changes nothing");
    }

    @Test
    void twoIdenticalUnitsGiveThreeCandidates() {
        // both units x1 - x2: gradients 0, g, g, 2g
        assertEquals(new Count(2, 4, 3), ClarkeEnumerator.count(net(new double[] {1, -1, 1, -1}, new double[2],
                new double[] {1, 1})));
        // units x1 - x2 and x2 - x1: gradients 0, g, -g, and g + (-g) = 0 again
        assertEquals(new Count(2, 4, 3), ClarkeEnumerator.count(net(new double[] {1, -1, -1, 1}, new double[2],
                new double[] {1, 1})), "g and -g: their sum is the empty pattern's 0");
    }

    /** Units g1, g2 and g3 = g1 + g2: subset sums 0, g1, g2, g1+g2 (twice), 2g1+g2, g1+2g2, 2g1+2g2. */
    @Test
    void threeUnitsWithADependentOneGiveSevenCandidates() {
        double[] w1 = {1, -1, 2, -2, 3, -3}; // every row vanishes at (1, 1)
        double[] w2 = {1, 1, 1}; // gradients (1,-1), (2,-2), (3,-3): g3 = g1 + g2
        assertEquals(new Count(3, 8, 7), ClarkeEnumerator.count(net(w1, new double[3], w2)));
        double[] generic = {1, -1, 2, -2, 5, -5}; // (1,-1), (2,-2), (5,-5): all eight subset sums differ
        assertEquals(new Count(3, 8, 8), ClarkeEnumerator.count(net(generic, new double[3], w2)));
    }

    @Test
    void randomNetworksHaveEveryPatternDistinct() {
        for (int z = 0; z <= 10; z++) {
            long seed = 1000 + z;
            Count c = ClarkeEnumerator.count(ClarkeEnumerator.randomAtZeros(12, 16, z, seed));
            assertEquals(new Count(z, 1L << z, 1 << z), c, "seed " + seed);
        }
    }

    @Test
    void badShapesAndTooManyZerosAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Network(2, 2, new double[3], new double[2],
                new double[2]));
        assertThrows(IllegalArgumentException.class, () -> ClarkeEnumerator.randomAtZeros(4, 3, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> ClarkeEnumerator.count(
                ClarkeEnumerator.randomAtZeros(4, 30, ClarkeEnumerator.MAX_ZEROS + 1, 1)));
    }
}
