package dev.inertia.data;

/**
 * How pixel values 0..255 become network inputs: {@code x = (pixel / 255 - mean) / std},
 * computed in double and rounded once to float (a table of the 256 byte values serves whole
 * pixel values; other values are computed the same way).
 *
 * @param mean subtracted from the [0, 1] pixel value
 * @param std  the divisor, positive and finite
 */
public record Normalization(double mean, double std) implements FeatureTransform {
    /**
     * Fashion-MNIST's training-set statistics (mean 0.2860, std 0.3530 of the pixels scaled to
     * [0, 1], computed over all 60,000 training images).
     */
    public static final Normalization FASHION_MNIST = new Normalization(0.2860, 0.3530);
    /** Pixels scaled to [0, 1] and nothing else. */
    public static final Normalization UNIT = new Normalization(0, 1);
    private static final float[] FASHION_MNIST_TABLE = FASHION_MNIST.lookupTable();
    private static final float[] UNIT_TABLE = UNIT.lookupTable();

    public Normalization {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("normalization mean must be finite, not " + mean);
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("normalization std must be positive and finite, not " + std);
        }
    }

    /** The value of each of the 256 byte values, computed in double and rounded once to float. */
    public float[] lookupTable() {
        float[] table = new float[256];
        for (int b = 0; b < 256; b++) {
            table[b] = (float) ((b / 255.0 - mean) / std);
        }
        return table;
    }

    @Override
    public void apply(float[] row, int offset, int length) {
        float[] table = this == FASHION_MNIST ? FASHION_MNIST_TABLE : this == UNIT ? UNIT_TABLE : null;
        for (int i = offset, end = offset + length; i < end; i++) {
            float x = row[i];
            int b = (int) x;
            row[i] = table != null && b == x && b >= 0 && b < 256 ? table[b] : (float) ((x / 255.0 - mean) / std);
        }
    }
}
