package dev.inertia.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed (told apart by
 * their first two bytes, so the file name does not matter).
 *
 * <p>An IDX file is a 4-byte magic number {@code 00 00 TT NN} (TT the element type, NN the number
 * of dimensions), NN big-endian 32-bit dimensions, then the elements row-major. Only unsigned
 * bytes (type {@code 0x08}) are read, which is what image and label files hold. Every check that
 * fails is an {@link IdxFormatException} naming the file and the problem: never an index
 * exception and never a huge allocation driven by a corrupt header (the data is read as it
 * arrives, so memory follows the bytes present, not the dimensions claimed). Bytes after the
 * data are refused, in a raw file and after the last member of a gzip one alike. A file that
 * cannot be opened says why (missing, a directory, permission denied).
 */
public final class Idx {
    /** Element type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;
    /** Magic number of an unsigned-byte file of rank 1 (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic number of an unsigned-byte file of rank 3 (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Largest array this reader builds (a Java array's practical limit). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int MAX_RANK = 8;

    private Idx() {
    }

    /** Reads an unsigned-byte IDX file of the given rank (1 for labels, 3 for images). */
    public static IdxArray read(Path file, int expectedRank) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = DataFiles.open(file)) {
            return read(in, file.toString(), expectedRank);
        }
    }

    /**
     * Reads an unsigned-byte IDX stream of the given rank; {@code source} names it in messages.
     * The stream is read to its end (trailing bytes are an error) but not closed.
     */
    public static IdxArray read(InputStream stream, String source, int expectedRank) throws IOException {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(source, "source");
        if (expectedRank < 1 || expectedRank > MAX_RANK) {
            throw new IllegalArgumentException("expected rank must be 1.." + MAX_RANK + ", not " + expectedRank);
        }
        BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == GzipMembers.MAGIC_0 && b1 == GzipMembers.MAGIC_1;
        try {
            InputStream in = gzip ? new BufferedInputStream(new GzipMembers(buffered, 1 << 16), 1 << 16) : buffered;
            return parse(in, source, expectedRank, gzip);
        } catch (EOFException e) {
            // GZIPInputStream's way of saying the compressed stream stops early
            throw new IdxFormatException(source, (gzip ? "truncated gzip stream" : "truncated file")
                    + " (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new IdxFormatException(source, "corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static IdxArray parse(InputStream in, String source, int expectedRank, boolean gzip) throws IOException {
        String what = gzip ? "decompressed data" : "file";
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new IdxFormatException(source, "truncated: the " + what + " has " + magic.length
                    + " bytes, fewer than the 4 of an IDX magic number");
        }
        int magicNumber = (magic[0] & 0xFF) << 24 | (magic[1] & 0xFF) << 16 | (magic[2] & 0xFF) << 8 | (magic[3] & 0xFF);
        int expectedMagic = UNSIGNED_BYTE << 8 | expectedRank;
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(source, String.format(
                    "bad magic number 0x%08X: not an IDX file (expected 0x%08X = %d)", magicNumber, expectedMagic,
                    expectedMagic));
        }
        int type = magic[2] & 0xFF;
        int rank = magic[3] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(source, String.format(
                    "element type 0x%02X (%s) is not supported: expected unsigned bytes (0x08, magic %d)",
                    type, typeName(type), expectedMagic));
        }
        if (rank != expectedRank) {
            throw new IdxFormatException(source, "has " + rank + " dimension" + (rank == 1 ? "" : "s") + " (magic "
                    + magicNumber + ") but " + expectedRank + " " + (expectedRank == 1 ? "is" : "are")
                    + " expected (magic " + expectedMagic + ")"
                    + (expectedRank == 3 && rank == 1 ? ": is this a label file?" : "")
                    + (expectedRank == 1 && rank == 3 ? ": is this an image file?" : ""));
        }
        byte[] header = in.readNBytes(4 * rank);
        if (header.length < 4 * rank) {
            throw new IdxFormatException(source, "truncated: the header ends after " + (4 + header.length) + " of "
                    + (4 + 4 * rank) + " bytes");
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            int o = 4 * i;
            dims[i] = (header[o] & 0xFF) << 24 | (header[o + 1] & 0xFF) << 16 | (header[o + 2] & 0xFF) << 8
                    | (header[o + 3] & 0xFF);
            if (dims[i] < 0) {
                throw new IdxFormatException(source, "dimension " + i + " is " + Integer.toUnsignedString(dims[i])
                        + ", too large for this reader (corrupt header?)");
            }
            size *= dims[i];
            if (size > MAX_ELEMENTS) {
                throw new IdxFormatException(source, "dimensions " + IdxArray.describe(Arrays.copyOf(dims, i + 1))
                        + "... hold more than " + MAX_ELEMENTS + " elements (corrupt header?)");
            }
        }
        // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new IdxFormatException(source, "truncated: dimensions " + IdxArray.describe(dims) + " need " + size
                    + " data bytes but the " + what + " holds only " + data.length);
        }
        if (in.read() >= 0) {
            throw new IdxFormatException(source, "has bytes after the " + size + " data bytes that dimensions "
                    + IdxArray.describe(dims) + " declare (wrong header or two files concatenated?)");
        }
        return new IdxArray(source, dims, data);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> "unknown type";
        };
    }
}
