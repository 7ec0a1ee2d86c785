package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetTest {
    @Test
    void pairsImagesAndLabels() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(12, 3);
        assertEquals(12, d.size());
        assertEquals(16, d.features());
        assertEquals(2, d.label(5));
        assertEquals((5 * 7 + 9) & 0xFF, d.pixel(5, 9));
        assertArrayEquals(new int[] {4, 4, 4}, d.classCounts());
    }

    @Test
    void mismatchesNameTheFiles() {
        IdxArray images = new IdxArray("imgs.gz", new int[] {3, 2, 2}, new byte[12]);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> Dataset.of("x", images, new IdxArray("lbls.gz", new int[] {4}, new byte[4]), 10));
        assertTrue(e.getMessage().equals("lbls.gz: has 4 labels but imgs.gz has 3 images"), e.getMessage());
        e = assertThrows(IdxFormatException.class,
                () -> Dataset.of("x", images, new IdxArray("lbls.gz", new int[] {3}, new byte[] {0, 10, 1}), 10));
        assertTrue(e.getMessage().equals("lbls.gz: label 1 is 10, outside 0..9"), e.getMessage());
        e = assertThrows(IdxFormatException.class, () -> Dataset.of("x",
                new IdxArray("flat", new int[] {3, 4}, new byte[12]), new IdxArray("l", new int[] {3}, new byte[3]), 10));
        assertTrue(e.getMessage().startsWith("flat: images need 3 dimensions"), e.getMessage());
    }

    @Test
    void normalizationTable() {
        float[] t = Normalization.FASHION_MNIST.lookupTable();
        assertEquals((float) ((0 - 0.2860) / 0.3530), t[0]);
        assertEquals((float) ((1 - 0.2860) / 0.3530), t[255]);
        assertEquals(128 / 255.0f, Normalization.UNIT.lookupTable()[128]);
        assertThrows(IllegalArgumentException.class, () -> new Normalization(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(Double.NaN, 1));
    }
}
