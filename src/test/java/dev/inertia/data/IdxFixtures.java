package dev.inertia.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files for tests (the data tests and the fuzz targets' seeds). */
public final class IdxFixtures {
    private IdxFixtures() {
    }

    /** Raw IDX bytes: magic {@code 00 00 type rank}, the dimensions, the data. */
    public static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    public static byte[] idx(int[] dims, byte[] data) {
        return idx(Idx.UNSIGNED_BYTE, dims, data);
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code count} images {@code rows x cols} whose pixel p of image i is {@code (i * 7 + p) & 0xFF}. */
    public static byte[] images(int count, int rows, int cols) {
        byte[] data = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                data[i * rows * cols + p] = (byte) (i * 7 + p);
            }
        }
        return data;
    }

    /** Labels {@code i % classes}. */
    public static byte[] labels(int count, int classes) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (i % classes);
        }
        return data;
    }

    /** Writes a Fashion-MNIST-like directory with small synthetic files (gzip or raw). */
    static Path writeDataDir(Path dir, int train, int test, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        write(dir, FashionMnist.TRAIN_IMAGES, idx(new int[] {train, 28, 28}, images(train, 28, 28)), gzip);
        write(dir, FashionMnist.TRAIN_LABELS, idx(new int[] {train}, labels(train, 10)), gzip);
        write(dir, FashionMnist.TEST_IMAGES, idx(new int[] {test, 28, 28}, images(test, 28, 28)), gzip);
        write(dir, FashionMnist.TEST_LABELS, idx(new int[] {test}, labels(test, 10)), gzip);
        return dir;
    }

    private static void write(Path dir, String name, byte[] raw, boolean gzip) throws IOException {
        Files.write(dir.resolve(gzip ? name + ".gz" : name), gzip ? gzip(raw) : raw);
    }

    /** A small data set of {@code count} 4x4 images with labels {@code i % classes}. */
    static ImageDataset dataset(int count, int classes) throws IdxFormatException {
        return Dataset.of("test set", new IdxArray("images", new int[] {count, 4, 4}, images(count, 4, 4)),
                new IdxArray("labels", new int[] {count}, labels(count, classes)), classes);
    }
}
