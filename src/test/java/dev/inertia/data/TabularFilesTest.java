package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real tabular files of the shared data directory (beside the repository, as CI lays it out). */
class TabularFilesTest {
    private static final Path TABULAR = Path.of("../shared/data/tabular");

    private static Path file(String name) {
        Path file = TABULAR.resolve(name);
        assumeTrue(Files.isRegularFile(file), file + " is absent");
        return file;
    }

    @Test
    void digits() throws IOException {
        CsvDataset d = CsvDataset.read(file("digits.csv"), CsvOptions.target("digit"));
        assertEquals(1797, d.size());
        assertArrayEquals(new int[] {64}, d.exampleShape());
        assertEquals(10, d.classes());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), d.classNames());
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, d.classCounts());
        assertEquals("pixel_0_0", d.featureNames().get(0));
        assertEquals("pixel_7_7", d.featureNames().get(63));
        Splits.Result r = Splits.split(d, 0.1, 0.2, 1);
        assertEquals("digits.csv (train split)", r.train().name());
        int[] test = r.test().classCounts();
        int[] all = d.classCounts();
        for (int c = 0; c < 10; c++) {
            assertEquals(Math.floor(all[c] * 0.2 + 0.5), test[c], "class " + c);
        }
    }

    @Test
    void breastCancer() throws IOException {
        CsvDataset d = CsvDataset.read(file("breast_cancer.csv"), CsvOptions.target("diagnosis"));
        assertEquals(569, d.size());
        assertEquals(30, d.features());
        assertEquals(List.of("benign", "malignant"), d.classNames());
        assertArrayEquals(new int[] {357, 212}, d.classCounts());
        assertEquals("mean radius", d.featureNames().get(0));
        Splits.Result r = Splits.split(d, 0, 0.2, 9);
        assertArrayEquals(new int[] {71, 42}, r.test().classCounts()); // 71.4 and 42.4 round down
        // the scales differ by orders of magnitude: standardizing the training split evens them
        Scaling s = Scaling.standardize(r.train());
        double[] spread = s.spread();
        assertEquals(30, spread.length);
        assertTrue(spread[3] > 1000 * spread[9], "mean area vs mean fractal dimension");
    }

    @Test
    void splitErrorNamesTheClassValue(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pets.csv");
        Files.writeString(file, "x,kind\n1,cat\n2,cat\n3,cat\n4,dog\n");
        CsvDataset d = CsvDataset.read(file, CsvOptions.target("kind"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Splits.split(d, 0, 0.5, 1));
        assertEquals("pets.csv: class 'dog' has 1 example, and the split puts it in the test split, none in "
                + "training; collect more examples of it, lower the fractions, or drop it", e.getMessage());
    }
}
