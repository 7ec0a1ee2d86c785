package dev.inertia.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip stream of one or more members (RFC 1952) and nothing else: bytes after the
 * last member that are not another member are an error, where {@link java.util.zip.GZIPInputStream}
 * silently ignores them (a raw file with junk after its data is refused, so a compressed one must
 * be too). Every member's CRC-32 and length are checked.
 *
 * <p>Problems are {@link ZipException}s (corrupt data, junk, a bad checksum) or
 * {@link EOFException}s (the stream stops inside a member), with the byte offset in the
 * compressed stream; the readers wrap them in their own exception naming the file.
 */
final class GzipMembers extends InputStream {
    static final int MAGIC_0 = 0x1f, MAGIC_1 = 0x8b;
    private static final int DEFLATE = 8;
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, RESERVED = 0xE0;

    private final PushbackInputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buffer;
    private final byte[] one = new byte[1];
    /** Offset in the compressed stream of the current member's deflate data. */
    private long dataStart;
    /** Offset in the compressed stream of the next byte read by a header or trailer read. */
    private long offset;
    private long memberLength;
    /** How many bytes of {@link #buffer} the inflater was last given. */
    private int lastInput;
    private int members;
    private boolean end;

    /** Reads a stream that starts with a gzip member (the caller has seen the magic bytes). */
    GzipMembers(InputStream compressed, int bufferSize) throws IOException {
        this.buffer = new byte[bufferSize];
        this.in = new PushbackInputStream(compressed, bufferSize);
        header();
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (!end) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException("invalid deflate data in gzip member " + (members + 1) + " (" + e.getMessage()
                        + ")");
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberLength += n;
                return n;
            }
            if (inflater.finished()) {
                trailer();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("gzip member " + (members + 1) + " asks for a preset dictionary");
            } else if (inflater.needsInput()) {
                int got = in.read(buffer, 0, buffer.length);
                if (got < 0) {
                    throw new EOFException("the data stops inside gzip member " + (members + 1) + " after "
                            + (dataStart + inflater.getBytesRead()) + " bytes");
                }
                inflater.setInput(buffer, 0, got);
                lastInput = got;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    /** Checks the finished member's trailer, then starts the next member or ends the stream. */
    private void trailer() throws IOException {
        int unused = inflater.getRemaining();
        if (unused > 0) {
            // the inflater consumed only part of the last input: the rest is the trailer and beyond
            in.unread(buffer, lastInput - unused, unused);
        }
        offset = dataStart + inflater.getBytesRead();
        long expectedCrc = littleEndian(4, "the CRC-32 of gzip member " + (members + 1));
        long expectedLength = littleEndian(4, "the length of gzip member " + (members + 1));
        if (expectedCrc != crc.getValue()) {
            throw new ZipException(String.format("gzip member %d fails its CRC-32 check (stored %08x, data %08x)",
                    members + 1, expectedCrc, crc.getValue()));
        }
        if (expectedLength != (memberLength & 0xFFFFFFFFL)) {
            throw new ZipException("gzip member " + (members + 1) + " stores a length of " + expectedLength
                    + " bytes (mod 2^32) but decompresses to " + memberLength);
        }
        members++;
        int next = in.read();
        if (next < 0) {
            end = true;
            return;
        }
        in.unread(next);
        inflater.reset();
        crc.reset();
        memberLength = 0;
        header();
    }

    /** Reads a member header (RFC 1952 section 2.3) at {@link #offset}. */
    private void header() throws IOException {
        long start = offset;
        int id1 = in.read(), id2 = in.read();
        if (id1 != MAGIC_0 || id2 != MAGIC_1) {
            throw new ZipException(members == 0 ? "not gzip data"
                    : "bytes after gzip member " + members + " (from byte " + start
                            + ") are not another gzip member: junk after the compressed data");
        }
        offset += 2;
        int method = u8("the compression method");
        if (method != DEFLATE) {
            throw new ZipException("gzip member " + (members + 1) + " at byte " + start + " uses compression method "
                    + method + ", not deflate (8)");
        }
        int flags = u8("the flags");
        if ((flags & RESERVED) != 0) {
            throw new ZipException(String.format("gzip member %d at byte %d has reserved flag bits set (0x%02x)",
                    members + 1, start, flags));
        }
        skip(6, "the header"); // modification time, extra flags, operating system
        if ((flags & FEXTRA) != 0) {
            skip(littleEndian(2, "the extra field length"), "the extra field");
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated("the file name");
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated("the comment");
        }
        if ((flags & FHCRC) != 0) {
            skip(2, "the header CRC");
        }
        dataStart = offset;
    }

    private int u8(String what) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the data stops inside the header of gzip member " + (members + 1) + " (at "
                    + what + ", byte " + offset + ")");
        }
        offset++;
        return b;
    }

    private long littleEndian(int bytes, String what) throws IOException {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) u8(what) << (8 * i);
        }
        return v;
    }

    private void skip(long n, String what) throws IOException {
        for (long i = 0; i < n; i++) {
            u8(what);
        }
    }

    private void skipZeroTerminated(String what) throws IOException {
        while (u8(what) != 0) {
            // a name or comment of any length: linear in the bytes present
        }
    }
}
