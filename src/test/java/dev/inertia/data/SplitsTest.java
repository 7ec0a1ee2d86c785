package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {
    /** {@code counts[c]} examples of class c; feature 0 is the example's index. */
    private static ArrayDataset classes(int... counts) {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        float[][] x = new float[n][1];
        int[] y = new int[n];
        int i = 0;
        for (int c = 0; c < counts.length; c++) {
            for (int k = 0; k < counts[c]; k++, i++) {
                x[i][0] = i;
                y[i] = c;
            }
        }
        String[] names = new String[counts.length];
        for (int c = 0; c < counts.length; c++) {
            names[c] = "class" + c;
        }
        return ArrayDataset.classification(x, y, counts.length, List.of(names)).named("toy.csv");
    }

    @Test
    void stratifiedProportions() {
        ArrayDataset data = classes(100, 50, 7);
        Splits.Result r = Splits.split(data, 0.1, 0.2, 42);
        // per class: test round(n * 0.2), validation round(n * 0.1), half up
        assertArrayEquals(new int[] {20, 10, 1}, r.test().classCounts());
        assertArrayEquals(new int[] {10, 5, 1}, r.validation().classCounts());
        assertArrayEquals(new int[] {70, 35, 5}, r.train().classCounts());
        assertEquals("toy.csv (train split)", r.train().name());
        assertEquals("toy.csv (validation split)", r.validation().name());
        assertEquals("toy.csv (test split)", r.test().name());
        // disjoint and complete
        Set<Float> seen = new HashSet<>();
        float[] row = new float[1];
        for (Dataset part : List.of(r.train(), r.validation(), r.test())) {
            for (int i = 0; i < part.size(); i++) {
                part.copyFeatures(i, row, 0);
                assertTrue(seen.add(row[0]));
                assertEquals(data.label((int) row[0]), part.label(i));
            }
        }
        assertEquals(data.size(), seen.size());
    }

    @Test
    void deterministicForASeed() {
        ArrayDataset data = classes(30, 30);
        int[] a = ((Subset) Splits.split(data, 0, 0.3, 7).test()).indices();
        int[] b = ((Subset) Splits.split(data, 0, 0.3, 7).test()).indices();
        int[] c = ((Subset) Splits.split(data, 0, 0.3, 8).test()).indices();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i - 1] < a[i], "splits keep data-set order");
        }
    }

    @Test
    void zeroValidationIsEmpty() {
        Splits.Result r = Splits.split(classes(10, 10), 0, 0.2, 1);
        assertEquals(0, r.validation().size());
        assertFalse(r.hasValidation());
        assertTrue(r.hasTest());
        assertEquals(16, r.train().size());
    }

    @Test
    void tinyClassesStayInTraining() {
        // a single example's test share is 0.2: rounds to 0, so it trains and test lacks it
        Splits.Result r = Splits.split(classes(20, 1), 0, 0.2, 3);
        assertArrayEquals(new int[] {4, 0}, r.test().classCounts());
        assertArrayEquals(new int[] {16, 1}, r.train().classCounts());
    }

    @Test
    void classOnlyInTestIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splits.split(classes(20, 1), 0, 0.5, 3));
        assertEquals("toy.csv: class 'class1' has 1 example, and the split puts it in the test split, none in "
                + "training; collect more examples of it, lower the fractions, or drop it", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Splits.split(classes(20, 2), 0.3, 0.4, 3));
        assertEquals("toy.csv: class 'class1' has 2 examples, and the split puts them all in the test and "
                + "validation splits, none in training; collect more examples of it, lower the fractions, or drop it",
                e.getMessage());
    }

    @Test
    void fractionErrors() {
        ArrayDataset data = classes(10, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splits.split(data, -0.1, 0.2, 1));
        assertEquals("validation fraction must lie in [0, 1), not -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Splits.split(data, 0, 1, 1));
        assertEquals("test fraction must lie in [0, 1), not 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Splits.split(data, 0.5, 0.5, 1));
        assertEquals("validation fraction 0.5 and test fraction 0.5 sum to 1.0: nothing would be left for training",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Splits.split(data, 0.01, 0.2, 1));
        assertEquals("validation fraction 0.01 of the 20 examples of toy.csv selects none: raise the fraction or "
                + "set it to 0", e.getMessage());
    }

    @Test
    void regressionShuffles() {
        float[][] x = new float[50][1];
        float[] y = new float[50];
        for (int i = 0; i < 50; i++) {
            x[i][0] = i;
            y[i] = i;
        }
        Splits.Result r = Splits.split(ArrayDataset.regression(x, y), 0.2, 0.1, 5);
        assertEquals(35, r.train().size());
        assertEquals(10, r.validation().size());
        assertEquals(5, r.test().size());
        float[] t = new float[1];
        r.test().copyTarget(0, t, 0);
        assertEquals(((Subset) r.test()).baseIndex(0), (int) t[0]);
    }

    @Test
    void subsetView() {
        ArrayDataset data = classes(3, 2);
        Subset s = Subset.of(data, new int[] {4, 0, 4}, "bootstrap");
        assertEquals("toy.csv (bootstrap)", s.name());
        assertEquals(3, s.size());
        assertArrayEquals(new int[] {1, 2}, s.classCounts());
        assertEquals(List.of("class0", "class1"), s.classNames());
        assertArrayEquals(new int[] {1}, s.exampleShape());
        float[] row = new float[1];
        s.copyFeatures(1, row, 0);
        assertEquals(0f, row[0]);
        assertEquals(1, s.label(0));
        assertEquals(data, s.base());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Subset.of(data, new int[] {0, 5}, "x"));
        assertEquals("subset index 1 is 5, outside 0..4 of toy.csv", e.getMessage());
    }
}
