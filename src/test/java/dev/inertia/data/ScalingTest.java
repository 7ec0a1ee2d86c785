package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScalingTest {
    private static final ArrayDataset DATA = ArrayDataset.classification(
            new float[][] {{1, 10, 5}, {2, 20, 5}, {3, 60, 5}, {6, 30, 5}}, new int[] {0, 1, 0, 1}, 2);

    @Test
    void standardizeByHand() {
        Scaling s = Scaling.standardize(DATA);
        // column 0: mean 3, deviations -2 -1 0 3, population variance 14/4
        // column 1: mean 30, deviations -20 -10 30 0, variance 1400/4; column 2 is constant: spread 1
        assertArrayEquals(new double[] {3, 30, 5}, s.center(), 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(3.5), Math.sqrt(350), 1}, s.spread(), 1e-12);
        float[] row = {6, 30, 5};
        s.apply(row, 0, 3);
        assertArrayEquals(new float[] {(float) (3 / Math.sqrt(3.5)), 0, 0}, row, 1e-6f);
    }

    @Test
    void minMaxByHand() {
        Scaling s = Scaling.minMax(DATA);
        assertArrayEquals(new double[] {1, 10, 5}, s.center(), 0);
        assertArrayEquals(new double[] {5, 50, 1}, s.spread(), 0);
        float[] row = {3, 60, 5};
        s.apply(row, 0, 3);
        assertArrayEquals(new float[] {0.4f, 1, 0}, row, 1e-7f);
        assertEquals(s, Scaling.fit("min-max", DATA));
    }
}
