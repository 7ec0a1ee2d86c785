package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    /** The full data set of this workspace, when the tests run inside it. */
    private static final Path SHARED = Path.of("..", "shared", "data", "fashion-mnist");

    @TempDir
    Path tmp;

    private static Function<String, String> env(String value) {
        return value == null ? Map.<String, String>of()::get : Map.of(FashionMnist.ENV, value)::get;
    }

    @Test
    void lookupOrderFlagThenEnvironmentThenSystemThenSample() throws IOException {
        Path flag = IdxFixtures.writeDataDir(tmp.resolve("flag"), 20, 10, true);
        Path fromEnv = IdxFixtures.writeDataDir(tmp.resolve("env"), 20, 10, true);
        Path system = IdxFixtures.writeDataDir(tmp.resolve("system"), 20, 10, false);

        DataSource s = FashionMnist.locate(flag, env(fromEnv.toString()), system);
        assertEquals(DataSource.Kind.DATA_DIR, s.kind());
        assertEquals(flag, s.directory());
        assertTrue(s.description().contains("--data-dir " + flag), s.description());

        s = FashionMnist.locate(null, env(fromEnv.toString()), system);
        assertEquals(DataSource.Kind.ENVIRONMENT, s.kind());
        assertEquals(fromEnv, s.directory());
        assertTrue(s.description().contains("INERTIA_DATA=" + fromEnv), s.description());

        s = FashionMnist.locate(null, env(null), system);
        assertEquals(DataSource.Kind.SYSTEM, s.kind());
        assertEquals(system, s.directory());
        s = FashionMnist.locate(null, env("  "), system);
        assertEquals(DataSource.Kind.SYSTEM, s.kind(), "a blank variable counts as unset");

        s = FashionMnist.locate(null, env(null), tmp.resolve("no-such-system-dir"));
        assertEquals(DataSource.Kind.BUNDLED_SAMPLE, s.kind());
        assertTrue(s.isSample());
        assertTrue(s.description().contains("bundled"), s.description());

        Path incompleteSystem = Files.createDirectories(tmp.resolve("incomplete"));
        Files.write(incompleteSystem.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), new byte[1]);
        assertEquals(DataSource.Kind.BUNDLED_SAMPLE, FashionMnist.locate(null, env(null), incompleteSystem).kind(),
                "an incomplete system directory is skipped");
    }

    @Test
    void explicitDirectoriesMustHoldTheData() throws IOException {
        Path missing = tmp.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.locate(missing, env(null), null));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> FashionMnist.locate(null, env(missing.toString()), null));
        assertTrue(e.getMessage().contains("INERTIA_DATA=" + missing), e.getMessage());

        Path partial = IdxFixtures.writeDataDir(tmp.resolve("partial"), 20, 10, true);
        Files.delete(partial.resolve(FashionMnist.TEST_LABELS + ".gz"));
        e = assertThrows(NoSuchFileException.class, () -> FashionMnist.locate(partial, env(null), null));
        assertTrue(e.getMessage().contains("lacks Fashion-MNIST file t10k-labels-idx1-ubyte[.gz]"), e.getMessage());
    }

    @Test
    void loadsRawOrGzipDirectories() throws IOException {
        for (boolean gzip : new boolean[] {true, false}) {
            Path dir = IdxFixtures.writeDataDir(tmp.resolve("d" + gzip), 30, 12, gzip);
            FashionMnist.Splits splits = FashionMnist.load(FashionMnist.locate(dir, env(null), null));
            assertEquals(30, splits.train().size());
            assertEquals(12, splits.test().size());
            assertEquals(28, splits.train().rows());
            assertEquals(7, splits.train().label(17));
            assertEquals((5 * 7 + 100) & 0xFF, splits.train().pixel(5, 100));
        }
    }

    @Test
    void corruptFileInADirectoryIsNamed() throws IOException {
        Path dir = IdxFixtures.writeDataDir(tmp.resolve("bad"), 20, 10, true);
        Path labels = dir.resolve(FashionMnist.TRAIN_LABELS + ".gz");
        byte[] gz = Files.readAllBytes(labels);
        Files.write(labels, Arrays.copyOf(gz, gz.length - 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().startsWith(labels.toString()), e.getMessage());
    }

    @Test
    void bundledSampleIsBalancedAndUsable() throws IOException {
        DataSource sample = FashionMnist.locate(null, env(null), null);
        FashionMnist.Splits splits = FashionMnist.load(sample);
        assertEquals(5000, splits.train().size());
        assertEquals(1000, splits.test().size());
        int[] fiveHundred = new int[10];
        Arrays.fill(fiveHundred, 500);
        assertArrayEquals(fiveHundred, splits.train().classCounts());
        int[] hundred = new int[10];
        Arrays.fill(hundred, 100);
        assertArrayEquals(hundred, splits.test().classCounts());
        assertTrue(splits.train().name().contains("sample"), splits.train().name());
    }

    @Test
    void sampleIsTheStratifiedPrefixOfTheFullSet() throws IOException {
        assumeTrue(Files.isRegularFile(SHARED.resolve(FashionMnist.TRAIN_IMAGES + ".gz")),
                "the full Fashion-MNIST is not at " + SHARED.toAbsolutePath());
        FashionMnist.Splits full = FashionMnist.load(SHARED);
        assertEquals(60000, full.train().size());
        assertEquals(10000, full.test().size());
        FashionMnist.Splits sample = FashionMnist.load(FashionMnist.locate(null, env(null), null));
        // scripts/make-sample.py keeps, in file order, the first 500 images of each class
        int[] taken = new int[10];
        int k = 0;
        for (int i = 0; i < full.train().size() && k < sample.train().size(); i++) {
            int label = full.train().label(i);
            if (taken[label]++ < 500) {
                assertEquals(label, sample.train().label(k), "label of sample image " + k);
                for (int p = k % 7; p < 784; p += 7) {
                    assertEquals(full.train().pixel(i, p), sample.train().pixel(k, p), "image " + k + " pixel " + p);
                }
                k++;
            }
        }
        assertEquals(5000, k);
        // the normalization constants are this set's statistics
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < full.train().size(); i++) {
            for (int p = 0; p < 784; p++) {
                double x = full.train().pixel(i, p) / 255.0;
                sum += x;
                sumSq += x * x;
            }
        }
        double n = 60000.0 * 784;
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(Normalization.FASHION_MNIST.mean(), mean, 5e-5);
        assertEquals(Normalization.FASHION_MNIST.std(), std, 5e-5);
    }
}
