package dev.inertia.train;

import dev.inertia.data.Dataset;
import java.util.SplittableRandom;

/**
 * A data set written the way a user would implement {@link Dataset} for their own data: points
 * in {@code [n, d]} with a class or a real target, generated from a seed.
 */
record Points(String name, float[][] x, int[] labels, float[][] targets, int classes) implements Dataset {
    /** Two classes: the sign of a fixed linear function of 4 features (plus a margin), seeded. */
    static Points classes(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double s;
            do {
                for (int j = 0; j < 4; j++) {
                    x[i][j] = (float) (r.nextGaussian() * 3 + 10); // off-centre and wide: scaling matters
                }
                s = (x[i][0] - 10) - 0.5 * (x[i][1] - 10) + 0.25 * (x[i][2] - 10);
            } while (Math.abs(s) < 0.3);
            y[i] = s > 0 ? 1 : 0;
        }
        return new Points(name, x, y, null, 2);
    }

    /** Regression: {@code y = 2 x0 - x1 + 0.5 x2 + 1} plus small noise, seeded. */
    static Points linear(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][3];
        float[][] t = new float[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = (float) r.nextGaussian();
            }
            t[i][0] = (float) (2 * x[i][0] - x[i][1] + 0.5 * x[i][2] + 1 + 0.01 * r.nextGaussian());
        }
        return new Points(name, x, null, t, 0);
    }

    /** The same points with every label flipped (a validation set that training makes worse). */
    Points flipped() {
        int[] f = new int[labels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = 1 - labels[i];
        }
        return new Points(name + " flipped", x, f, null, classes);
    }

    @Override
    public int size() {
        return x.length;
    }

    @Override
    public int[] exampleShape() {
        return new int[] {x[0].length};
    }

    @Override
    public int targetWidth() {
        return targets == null ? 1 : targets[0].length;
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        System.arraycopy(x[index], 0, dst, offset, x[index].length);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void copyTarget(int index, float[] dst, int offset) {
        if (targets == null) {
            dst[offset] = labels[index];
        } else {
            System.arraycopy(targets[index], 0, dst, offset, targets[index].length);
        }
    }
}
