package dev.inertia.data;

import dev.inertia.train.Allocations;
import static dev.inertia.data.IdxFixtures.gzip;
import static dev.inertia.data.IdxFixtures.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data files as an attacker or an unlucky user makes them: unreadable, with junk, the wrong size, huge claims. */
class HostileDataFilesTest {
    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void anUnreadableDataFileSaysWhy() throws IOException {
        Path missing = dir.resolve("train-images-idx3-ubyte");
        NoSuchFileException gone = assertThrows(NoSuchFileException.class, () -> Idx.read(missing, 3));
        assertEquals(missing + ": no such file", gone.getMessage());
        Path folder = Files.createDirectory(dir.resolve("data.csv"));
        FileSystemException isDir = assertThrows(FileSystemException.class,
                () -> CsvDataset.read(folder, CsvOptions.target("y")));
        assertEquals(folder + ": is a directory, not a data file", isDir.getMessage());
        assertEquals(folder + ": is a directory, not a data file",
                assertThrows(FileSystemException.class, () -> Idx.read(folder, 1)).getMessage());
        // the JDK says only the path; the reason is added whatever the file
        FileSystemException denied = DataFiles.explained(missing, new AccessDeniedException(missing.toString()));
        assertInstanceOf(AccessDeniedException.class, denied);
        assertEquals(missing + ": permission denied (this user may not read it)", denied.getMessage());
    }

    /** The real permission check; root reads anything, so there it cannot be made to fail and is skipped. */
    @Test
    void aFileWithoutReadPermissionSaysPermissionDenied() throws IOException {
        Path locked = Files.write(dir.resolve("locked.csv"), "a,y\n1,x\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(Files.isReadable(locked), "running as a user who reads any file (root)");
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> CsvDataset.read(locked, CsvOptions.target("y")));
        assertEquals(locked + ": permission denied (this user may not read it)", e.getMessage());
    }

    @Test
    void gzipMembersFollowedByJunkAreRefusedLikeRawFilesWithJunk() throws IOException {
        byte[] raw = idx(new int[] {2, 3, 3}, IdxFixtures.images(2, 3, 3));
        byte[] gz = gzip(raw);
        for (byte[] junk : new byte[][] {"junk".getBytes(StandardCharsets.US_ASCII), new byte[29],
                {0x1f, (byte) 0x8b, 1, 2, 3}}) {
            Path f = Files.write(dir.resolve("junk.gz"), concat(gz, junk));
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(f, 3));
            assertTrue(e.getMessage().startsWith(f + ": corrupt gzip stream ("), e.getMessage());
        }
        Path tail = Files.write(dir.resolve("tail.gz"), concat(gz, "junk".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(tail + ": corrupt gzip stream (bytes after gzip member 1 (from byte " + gz.length
                + ") are not another gzip member: junk after the compressed data)",
                assertThrows(IdxFormatException.class, () -> Idx.read(tail, 3)).getMessage());
        // several members are one stream, as gzip itself writes them (cat a.gz b.gz)
        byte[] first = Arrays.copyOf(raw, 10), rest = Arrays.copyOfRange(raw, 10, raw.length);
        Path two = Files.write(dir.resolve("two.gz"), concat(gzip(first), gzip(rest)));
        assertArrayEquals(IdxFixtures.images(2, 3, 3), Idx.read(two, 3).data());

        Path csv = Files.write(dir.resolve("junk.csv.gz"), concat(gzip("a,y\n1,x\n".getBytes(StandardCharsets.UTF_8)),
                new byte[] {0, 0, 0}));
        CsvFormatException c = assertThrows(CsvFormatException.class, () -> CsvDataset.read(csv,
                CsvOptions.target("y")));
        assertTrue(c.getMessage().startsWith(csv + ": corrupt gzip stream ("), c.getMessage());
    }

    @Test
    void gzipChecksumsAndHeadersAreChecked() throws IOException {
        byte[] gz = gzip("some data".getBytes(StandardCharsets.US_ASCII));
        byte[] badLength = gz.clone();
        badLength[gz.length - 1] ^= 1;
        assertGzipError(badLength, "stores a length of");
        byte[] badMethod = gz.clone();
        badMethod[2] = 7;
        assertGzipError(badMethod, "uses compression method 7, not deflate (8)");
        byte[] reserved = gz.clone();
        reserved[3] = (byte) 0x80;
        assertGzipError(reserved, "reserved flag bits");
        IOException cut = assertThrows(IOException.class, () -> readAll(Arrays.copyOf(gz, 5)));
        assertTrue(cut.getMessage().contains("stops inside the header of gzip member 1"), cut.getMessage());
        // a name and a comment in the header (gzip -N writes the name) are skipped
        byte[] named = concat(Arrays.copyOf(gz, 3), new byte[] {8 | 16}, Arrays.copyOfRange(gz, 4, 10),
                "name.txt\0a comment\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(gz, 10, gz.length));
        assertEquals("some data", new String(readAll(named), StandardCharsets.US_ASCII));
    }

    private static void assertGzipError(byte[] bytes, String expected) {
        IOException e = assertThrows(java.util.zip.ZipException.class, () -> readAll(bytes));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] readAll(byte[] gz) throws IOException {
        try (InputStream in = new GzipMembers(new ByteArrayInputStream(gz), 64)) {
            return in.readAllBytes();
        }
    }

    @Test
    void imagesOfTheWrongSizeAreRefusedOnLoadingNamingTheFile() throws IOException {
        Path data = IdxFixtures.writeDataDir(dir.resolve("small"), 6, 4, true);
        Path images = data.resolve(FashionMnist.TRAIN_IMAGES + ".gz");
        Files.write(images, gzip(idx(new int[] {6, 14, 14}, IdxFixtures.images(6, 14, 14))));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(data));
        assertEquals(images + ": images are 14x14 but Fashion-MNIST images are 28x28 (the models take 784 pixels)",
                e.getMessage());
    }

    @Test
    void csvLimitsStopReadingAsSoonAsTheyArePassed() throws IOException {
        // an unclosed quote before a long tail: refused at the limit, naming where the quote opened
        StringBuilder text = new StringBuilder("a,y\n1,x\n\"");
        text.append("9".repeat(CsvReader.MAX_FIELD_CHARS + 10)).append("\n2,z\n");
        Path longField = Files.writeString(dir.resolve("long.csv"), text);
        assertEquals(longField + ": line 3, column 1 'a': field longer than " + CsvReader.MAX_FIELD_CHARS
                + " characters (an unclosed quote?)", assertThrows(CsvFormatException.class,
                        () -> CsvDataset.read(longField, CsvOptions.target("y"))).getMessage());
        // a row with far more fields than the header: refused at the first extra one
        Path wide = Files.writeString(dir.resolve("wide.csv"), "a,y\n1,x,7" + ",0".repeat(1000) + "\n");
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.read(wide, CsvOptions.target("y")));
        assertEquals(wide + ": line 2, column 3: extra field '7': the row has more than 2 fields but the header has 2"
                + " columns", e.getMessage());
        assertEquals(3, e.column());
    }

    /** Found by fuzzing: 16 bytes claiming 503,316,480 images of 0 x 2147483639 pixels. */
    @Test
    void imagesOfNoPixelsAreRefused() throws IOException {
        Path f = Files.write(dir.resolve("empty-images"), java.util.Base64.getDecoder().decode("AAAIAx4AAAAAAAAAf///9w=="));
        IdxArray images = Idx.read(f, 3); // a valid IDX file: its product of dimensions is 0
        assertEquals(503316480, images.dim(0));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Dataset.of("d", images,
                new IdxArray("labels", new int[] {0}, new byte[0]), 10));
        assertEquals(f + ": images of 0x2147483639 pixels hold nothing: rows and columns must be at least 1",
                e.getMessage());
        IdxArray wide = new IdxArray("wide", new int[] {0, 65536, 65536}, new byte[0]);
        assertTrue(assertThrows(IdxFormatException.class, () -> Dataset.of("d", wide,
                new IdxArray("labels", new int[] {0}, new byte[0]), 10)).getMessage().contains("too large"));
    }

    /** Found by the acceptance run: a quoted field's line break made a two-line message. */
    @Test
    void csvMessagesStayOneLineAndShort() throws IOException {
        Path f = Files.writeString(dir.resolve("multi.csv"), "a,y\n1,x,\"multi\nline\"\n");
        assertEquals(f + ": line 2, column 3: extra field 'multi\\nline': the row has more than 2 fields but the"
                + " header has 2 columns", assertThrows(CsvFormatException.class,
                        () -> CsvDataset.read(f, CsvOptions.target("y"))).getMessage());
        Path g = Files.writeString(dir.resolve("long.csv"), "a,y\n" + "7".repeat(100) + "x,p\n");
        assertEquals(g + ": line 2, column 1 'a': '" + "7".repeat(40) + "' (101 characters, cut) is not a number",
                assertThrows(CsvFormatException.class, () -> CsvDataset.read(g, CsvOptions.target("y"))).getMessage());
    }

    /**
     * Refused files cost no more than their size, counted in heap bytes (not time): a lying IDX
     * header, a gzip bomb behind a small header, an unclosed CSV quote and an over-wide row all
     * stop before memory follows what the file claims or how long it goes on.
     */
    @Test
    void refusedFilesCostNoMoreThanTheirSize() throws IOException {
        Path lying = Files.write(dir.resolve("lying"), idx(new int[] {100000, 28, 28}, new byte[50])); // claims 78 MB
        long lyingCost = allocatedWhileRefused(() -> Idx.read(lying, 3));
        assertTrue(lyingCost < 1 << 20, "a 78 MB claim in 66 bytes allocated " + lyingCost + " bytes");

        byte[] bomb = gzip(concat(idx(new int[] {1, 2, 5}, new byte[10]), new byte[16 << 20])); // 16 MB of zeros
        Path bombFile = Files.write(dir.resolve("bomb.gz"), bomb);
        long bombCost = allocatedWhileRefused(() -> Idx.read(bombFile, 3));
        assertTrue(bombCost < 2 << 20, "a " + bomb.length + "-byte gzip bomb allocated " + bombCost + " bytes");

        // an unclosed quote: the cost stops growing at the field limit, whatever the file's length
        long[] quoteCost = new long[2];
        for (int k = 0; k < 2; k++) {
            int length = (k == 0 ? 2 : 8) << 20;
            Path quote = Files.writeString(dir.resolve("quote" + k + ".csv"), "a,y\n\"" + "7".repeat(length));
            quoteCost[k] = allocatedWhileRefused(() -> CsvDataset.read(quote, CsvOptions.target("y")));
        }
        assertTrue(quoteCost[1] < 16 << 20 && Math.abs(quoteCost[1] - quoteCost[0]) < 1 << 20,
                "an unclosed quote of 2 and 8 MB allocated " + quoteCost[0] + " and " + quoteCost[1] + " bytes");

        Path wide = Files.writeString(dir.resolve("wide-row.csv"), "a,y\n1,x" + ",1".repeat(2 << 20) + "\n");
        long wideCost = allocatedWhileRefused(() -> CsvDataset.read(wide, CsvOptions.target("y")));
        assertTrue(wideCost < 2 << 20, "a 4 MB row of 2 million fields allocated " + wideCost + " bytes");
    }

    private interface Load {
        void run() throws IOException;
    }

    private static long allocatedWhileRefused(Load load) {
        long before = Allocations.currentThread();
        assertThrows(IOException.class, load::run);
        return Allocations.currentThread() - before;
    }
}
