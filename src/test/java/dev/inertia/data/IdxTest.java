package dev.inertia.data;

import static dev.inertia.data.IdxFixtures.gzip;
import static dev.inertia.data.IdxFixtures.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Reading must fail with an IdxFormatException naming the file and containing {@code expected}. */
    private void assertRejected(Path file, int rank, String expected) {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(file, rank));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should mention '" + expected + "'");
        assertEquals(file.toString(), e.file());
    }

    @Test
    void readsRawAndGzipAlike() throws IOException {
        byte[] pixels = IdxFixtures.images(3, 28, 28);
        byte[] raw = idx(new int[] {3, 28, 28}, pixels);
        for (Path f : new Path[] {file("raw-images", raw), file("gz-images", gzip(raw))}) {
            IdxArray a = Idx.read(f, 3);
            assertArrayEquals(new int[] {3, 28, 28}, a.dims());
            assertArrayEquals(pixels, a.data());
            assertEquals(f.toString(), a.source());
        }
        IdxArray labels = Idx.read(file("labels.gz", gzip(idx(new int[] {5}, new byte[] {9, 0, 3, 3, 7}))), 1);
        assertArrayEquals(new byte[] {9, 0, 3, 3, 7}, labels.data());
        IdxArray empty = Idx.read(file("empty-set", idx(new int[] {0, 28, 28}, new byte[0])), 3);
        assertEquals(0, empty.data().length);
    }

    @Test
    void magicNumbersAreChecked() throws IOException {
        byte[] good = idx(new int[] {2}, new byte[] {1, 2});
        byte[] bad = good.clone();
        bad[0] = 0x12;
        assertRejected(file("bad-magic", bad), 1, "bad magic number 0x12000801");
        assertRejected(file("float", idx(0x0D, new int[] {1}, new byte[4])), 1, "element type 0x0D (32-bit float)");
        assertRejected(file("unknown-type", idx(0x42, new int[] {1}, new byte[1])), 1, "element type 0x42");
        Path labels = file("labels", good);
        assertRejected(labels, 3, "is this a label file?");
        Path images = file("images", idx(new int[] {1, 1, 1}, new byte[1]));
        assertRejected(images, 1, "is this an image file?");
    }

    @Test
    void truncationIsReportedNotThrownAsAnIndexError() throws IOException {
        byte[] raw = idx(new int[] {4, 28, 28}, IdxFixtures.images(4, 28, 28));
        assertRejected(file("empty", new byte[0]), 3, "truncated");
        assertRejected(file("short-magic", Arrays.copyOf(raw, 3)), 3, "fewer than the 4");
        assertRejected(file("short-header", Arrays.copyOf(raw, 10)), 3, "header ends after 10 of 16 bytes");
        assertRejected(file("short-data", Arrays.copyOf(raw, raw.length - 1)), 3,
                "dimensions 4x28x28 need 3136 data bytes but the file holds only 3135");
        byte[] gz = gzip(raw);
        assertRejected(file("short.gz", Arrays.copyOf(gz, gz.length / 2)), 3, "truncated gzip stream");
        assertRejected(file("no-trailer.gz", Arrays.copyOf(gz, gz.length - 4)), 3, "truncated gzip stream");
        byte[] gzShort = gzip(Arrays.copyOf(raw, raw.length - 100));
        assertRejected(file("short-data.gz", gzShort), 3, "the decompressed data holds only 3036");
    }

    @Test
    void corruptGzipAndLyingHeadersAreReported() throws IOException {
        byte[] raw = idx(new int[] {4, 28, 28}, IdxFixtures.images(4, 28, 28));
        byte[] gz = gzip(raw);
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
        assertRejected(file("bad-crc.gz", badCrc), 3, "corrupt gzip stream");
        byte[] huge = idx(new int[] {0x7FFFFFFF, 0x7FFFFFFF, 28}, new byte[8]);
        assertRejected(file("huge", huge), 3, "hold more than");
        byte[] negative = idx(new int[] {-1, 28, 28}, new byte[8]);
        assertRejected(file("negative", negative), 3, "dimension 0 is 4294967295");
        byte[] tooFew = idx(new int[] {100000, 28, 28}, new byte[50]); // a header that promises 78 MB
        assertRejected(file("lying", tooFew), 3, "need 78400000 data bytes but the file holds only 50");
        byte[] extra = Arrays.copyOf(raw, raw.length + 3);
        assertRejected(file("extra", extra), 3, "has bytes after the 3136 data bytes");
    }

    /** Every prefix and many random corruptions of a valid file: a clear exception or a valid result, nothing else. */
    @Test
    void anyDamageGivesAClearMessage() throws IOException {
        long seed = 20261126L;
        byte[] raw = idx(new int[] {3, 5, 5}, IdxFixtures.images(3, 5, 5));
        byte[][] variants = {raw, gzip(raw)};
        SplittableRandom random = new SplittableRandom(seed);
        for (byte[] good : variants) {
            for (int cut = 0; cut < good.length; cut++) {
                expectCleanOutcome(Arrays.copyOf(good, cut), "prefix of " + cut + " bytes, seed " + seed);
            }
            for (int trial = 0; trial < 300; trial++) {
                byte[] bad = good.clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
                }
                expectCleanOutcome(bad, "trial " + trial + ", seed " + seed);
            }
        }
    }

    private static void expectCleanOutcome(byte[] bytes, String what) {
        try {
            IdxArray a = Idx.read(new ByteArrayInputStream(bytes), "fuzzed", 3);
            assertEquals(a.data().length, a.dim(0) * a.dim(1) * a.dim(2), what);
        } catch (IdxFormatException e) {
            assertTrue(e.getMessage().startsWith("fuzzed: "), what + ": " + e.getMessage());
        } catch (Exception e) {
            fail(what + ": unexpected " + e, e);
        }
    }
}
