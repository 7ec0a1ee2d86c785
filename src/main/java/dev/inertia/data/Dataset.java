package dev.inertia.data;

import java.util.Objects;

/**
 * Labelled grey-scale images held as their original bytes (one byte a pixel, so the full
 * Fashion-MNIST training set takes 47 MB of heap rather than 188 MB of floats). Pixels become
 * normalized floats only when a {@link Batcher} copies them into a batch.
 */
public final class Dataset {
    private final String name;
    private final int size;
    private final int rows;
    private final int cols;
    private final int classes;
    private final byte[] pixels;
    private final byte[] labels;

    private Dataset(String name, int size, int rows, int cols, int classes, byte[] pixels, byte[] labels) {
        this.name = name;
        this.size = size;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Pairs an image file ({@code count x rows x cols}) with a label file ({@code count}) whose
     * values must lie in {@code [0, classes)}. Mismatches are {@link IdxFormatException}s naming the
     * files.
     */
    public static Dataset of(String name, IdxArray images, IdxArray labels, int classes) throws IdxFormatException {
        Objects.requireNonNull(name, "name");
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("classes must be 1..256, not " + classes);
        }
        if (images.rank() != 3) {
            throw new IdxFormatException(images.source(), "images need 3 dimensions (count, rows, columns), not "
                    + IdxArray.describe(images.dims()));
        }
        if (labels.rank() != 1) {
            throw new IdxFormatException(labels.source(), "labels need 1 dimension, not "
                    + IdxArray.describe(labels.dims()));
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new IdxFormatException(labels.source(), "has " + labels.dim(0) + " labels but "
                    + images.source() + " has " + images.dim(0) + " images");
        }
        byte[] labelBytes = labels.data();
        for (int i = 0; i < labelBytes.length; i++) {
            int label = labelBytes[i] & 0xFF;
            if (label >= classes) {
                throw new IdxFormatException(labels.source(), "label " + i + " is " + label + ", outside 0.."
                        + (classes - 1));
            }
        }
        return new Dataset(name, images.dim(0), images.dim(1), images.dim(2), classes, images.data(), labelBytes);
    }

    /** A name for messages, like {@code "Fashion-MNIST train (bundled sample)"}. */
    public String name() {
        return name;
    }

    /** The number of examples. */
    public int size() {
        return size;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Pixels per image ({@code rows * cols}). */
    public int features() {
        return rows * cols;
    }

    /** The number of classes; labels lie in {@code [0, classes)}. */
    public int classes() {
        return classes;
    }

    /** The label of example {@code index}. */
    public int label(int index) {
        Objects.checkIndex(index, size);
        return labels[index] & 0xFF;
    }

    /** Pixel {@code p} (row-major) of example {@code index}, 0..255. */
    public int pixel(int index, int p) {
        Objects.checkIndex(index, size);
        Objects.checkIndex(p, features());
        return pixels[index * features() + p] & 0xFF;
    }

    /** How many examples carry each label. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (byte label : labels) {
            counts[label & 0xFF]++;
        }
        return counts;
    }

    /** The raw pixel bytes of all images, row-major; the batcher reads them without copying. */
    byte[] pixelBytes() {
        return pixels;
    }

    /** The raw label bytes. */
    byte[] labelBytes() {
        return labels;
    }

    @Override
    public String toString() {
        return name + " (" + size + " images " + rows + "x" + cols + ", " + classes + " classes)";
    }
}
