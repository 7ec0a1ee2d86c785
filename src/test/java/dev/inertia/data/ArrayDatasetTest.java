package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayDatasetTest {
    @Test
    void classificationRowsAreCopied() {
        float[][] x = {{1, 2}, {3, 4}, {5, 6}};
        int[] y = {0, 2, 2};
        ArrayDataset d = ArrayDataset.classification(x, y, 3, List.of("a", "b", "c")).named("toy");
        x[1][0] = 99; // the data set owns a copy
        y[0] = 1;
        assertEquals("toy", d.name());
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {2}, d.exampleShape());
        assertEquals(List.of("a", "b", "c"), d.classNames());
        assertEquals(List.of("x0", "x1"), d.featureNames());
        float[] row = new float[4];
        d.copyFeatures(1, row, 1);
        assertArrayEquals(new float[] {0, 3, 4, 0}, row);
        assertEquals(0, d.label(0));
        assertArrayEquals(new int[] {1, 0, 2}, d.classCounts());
        d.copyTarget(2, row, 0);
        assertEquals(2f, row[0]);
        assertEquals(List.of("0", "1", "2"), ArrayDataset.classification(new float[][] {{1}}, new int[] {0}, 3)
                .classNames());
    }

    @Test
    void regressionTargets() {
        ArrayDataset d = ArrayDataset.regression(new float[][] {{1}, {2}}, new float[][] {{10, 11}, {20, 21}});
        assertEquals(0, d.classes());
        assertEquals(2, d.targetWidth());
        assertEquals(List.of(), d.classNames());
        float[] t = new float[2];
        d.copyTarget(1, t, 0);
        assertArrayEquals(new float[] {20, 21}, t);
        ArrayDataset one = ArrayDataset.regression(new float[][] {{1}, {2}}, new float[] {5, 6});
        one.copyTarget(1, t, 1);
        assertEquals(6f, t[1]);
        assertEquals(1, one.targetWidth());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> one.label(0));
        assertEquals("in-memory data holds regression targets, not class labels", e.getMessage());
    }

    @Test
    void shapedFeaturesWithChannels() {
        float[] flat = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = i;
        }
        ArrayDataset d = ArrayDataset.classification(flat, new int[] {3, 2, 2}, new int[] {1, 0}, 2);
        assertArrayEquals(new int[] {3, 2, 2}, d.exampleShape());
        assertEquals(12, d.features());
        float[] row = new float[12];
        d.copyFeatures(1, row, 0);
        assertEquals(12f, row[0]);
        assertEquals(23f, row[11]);
        ArrayDataset r = ArrayDataset.regression(flat, new int[] {3, 4}, new float[] {1, 2, 3, 4}, 2);
        assertEquals(2, r.size());
        assertEquals(2, r.targetWidth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(flat, new int[] {5}, new int[] {0, 1}, 2));
        assertEquals("24 feature values but 2 examples of shape [5] need 10", e.getMessage());
    }

    @Test
    void segmentIsReadInPlace() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(2 * 3 * Float.BYTES, 4);
            s.setAtIndex(ValueLayout.JAVA_FLOAT, 4, 7f);
            ArrayDataset d = ArrayDataset.ofSegment(s, new int[] {3}, new int[] {0, 1}, 2);
            float[] row = new float[3];
            d.copyFeatures(1, row, 0);
            assertArrayEquals(new float[] {0, 7, 0}, row);
            s.setAtIndex(ValueLayout.JAVA_FLOAT, 5, 9f); // not copied: the write shows through
            d.copyFeatures(1, row, 0);
            assertArrayEquals(new float[] {0, 7, 9}, row);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ArrayDataset.ofSegment(s, new int[] {4}, new int[] {0, 1}, 2));
            assertEquals("segment holds 24 bytes but 2 examples of shape [4] need 32 (F32)", e.getMessage());
            s.setAtIndex(ValueLayout.JAVA_FLOAT, 2, Float.POSITIVE_INFINITY);
            e = assertThrows(IllegalArgumentException.class,
                    () -> ArrayDataset.ofSegment(s, new int[] {3}, new int[] {0, 1}, 2));
            assertEquals("feature row 0, column 2 is Infinity; features must be finite", e.getMessage());
        }
        // a heap segment works the same way
        float[] heap = {1, 2, 3, 4};
        ArrayDataset h = ArrayDataset.ofSegment(MemorySegment.ofArray(heap), new int[] {2}, new int[] {0, 0}, 1);
        heap[3] = 40;
        float[] row = new float[2];
        h.copyFeatures(1, row, 0);
        assertArrayEquals(new float[] {3, 40}, row);
    }

    @Test
    void errorsNameTheRowAndColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[][] {{1, 2}, {3}}, new int[] {0, 0}, 1));
        assertEquals("features row 1 has 1 values but row 0 has 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[][] {{1, 2}, {3, Float.NaN}}, new int[] {0, 0}, 1));
        assertEquals("feature row 1, column 1 is NaN; features must be finite", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[][] {{1}, {2}, {3}}, new int[] {0, 3, 1}, 3));
        assertEquals("label 1 is 3, outside 0..2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[][] {{1}, {2}}, new int[] {0}, 3));
        assertEquals("1 labels for 2 feature rows", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.regression(new float[][] {{1}, {2}}, new float[][] {{1}, {Float.NaN}}));
        assertEquals("target row 1, column 0 is NaN; targets must be finite", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[][] {{1}}, new int[] {0}, 2, List.of("a", "a")));
        assertEquals("class names repeat: [a, a]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[][] {{1}}, new int[] {0}, 1).withFeatureNames(
                        List.of("a", "b")));
        assertEquals("2 feature names for 1 features", e.getMessage());
    }

    @Test
    void featureNames() {
        ArrayDataset d = ArrayDataset.classification(new float[][] {{1, 2}}, new int[] {0}, 1)
                .withFeatureNames(List.of("height", "weight"));
        assertEquals(List.of("height", "weight"), d.featureNames());
        assertEquals(List.of("height", "weight"), d.named("n").featureNames());
    }
}
