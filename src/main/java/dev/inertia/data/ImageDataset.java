package dev.inertia.data;

import java.util.Objects;

/**
 * Labelled grey-scale images read from IDX files, held as their original bytes (one byte a
 * pixel, so the full Fashion-MNIST training set takes 47 MB of heap rather than 188 MB of
 * floats). Each example has the shape {@code [1, rows, cols]}; its features are the pixel values
 * 0..255 as floats, normalized only when a {@link Batcher} copies them into a batch (with
 * {@link Normalization#FASHION_MNIST}, say).
 */
public final class ImageDataset implements Dataset {
    private final String name;
    private final int size;
    private final int rows;
    private final int cols;
    private final int classes;
    private final byte[] pixels;
    private final byte[] labels;

    private ImageDataset(String name, int size, int rows, int cols, int classes, byte[] pixels, byte[] labels) {
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
    public static ImageDataset of(String name, IdxArray images, IdxArray labels, int classes) throws IdxFormatException {
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
        if (images.dim(1) < 1 || images.dim(2) < 1) {
            // zero-pixel images would let a header claim any number of them in no bytes at all
            throw new IdxFormatException(images.source(), "images of " + images.dim(1) + "x" + images.dim(2)
                    + " pixels hold nothing: rows and columns must be at least 1");
        }
        if ((long) images.dim(1) * images.dim(2) > Idx.MAX_ELEMENTS) {
            throw new IdxFormatException(images.source(), "images of " + images.dim(1) + "x" + images.dim(2)
                    + " pixels are too large (corrupt header?)");
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
        return new ImageDataset(name, images.dim(0), images.dim(1), images.dim(2), classes, images.data(), labelBytes);
    }

    /** A name for messages, like {@code "Fashion-MNIST train (bundled sample)"}. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** {@code [1, rows, cols]}: one channel. */
    @Override
    public int[] exampleShape() {
        return new int[] {1, rows, cols};
    }

    /** Pixels per image ({@code rows * cols}). */
    @Override
    public int features() {
        return rows * cols;
    }

    /** The number of classes; labels lie in {@code [0, classes)}. */
    @Override
    public int classes() {
        return classes;
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        Objects.checkIndex(index, size);
        int n = rows * cols;
        Objects.checkFromIndexSize(offset, n, dst.length);
        int base = index * n;
        for (int p = 0; p < n; p++) {
            dst[offset + p] = pixels[base + p] & 0xFF;
        }
    }

    /** The label of example {@code index}. */
    @Override
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
    @Override
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (byte label : labels) {
            counts[label & 0xFF]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return name + " (" + size + " images " + rows + "x" + cols + ", " + classes + " classes)";
    }
}
