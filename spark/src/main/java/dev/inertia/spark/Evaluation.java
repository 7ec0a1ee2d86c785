package dev.inertia.spark;

import dev.inertia.data.Dataset;
import dev.inertia.nn.Module;
import dev.inertia.train.Predictor;

/** A trained model's accuracy or RMSE on a library {@link Dataset}, through the library's {@link Predictor}. */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Test accuracy for a classification data set, RMSE for a regression one; {@code exampleShape}
     * is the shape the model takes one example in ({@code 784} for the mlp on Fashion-MNIST).
     * Leaves the model in training mode.
     */
    public static double metric(Module model, Dataset data, int... exampleShape) {
        float[][] rows = new float[data.size()][data.features()];
        for (int i = 0; i < rows.length; i++) {
            data.copyFeatures(i, rows[i], 0);
        }
        try (Predictor p = Predictor.builder(model).exampleShape(exampleShape).build()) {
            if (data.isClassification()) {
                int[] predicted = p.predictClass(rows);
                long right = 0;
                for (int i = 0; i < rows.length; i++) {
                    right += predicted[i] == data.label(i) ? 1 : 0;
                }
                return rows.length == 0 ? Double.NaN : (double) right / rows.length;
            }
            float[][] out = p.predict(rows);
            float[] target = new float[data.targetWidth()];
            double sum = 0;
            long n = 0;
            for (int i = 0; i < rows.length; i++) {
                data.copyTarget(i, target, 0);
                for (int j = 0; j < target.length; j++, n++) {
                    double d = out[i][j] - target[j];
                    sum += d * d;
                }
            }
            return n == 0 ? Double.NaN : Math.sqrt(sum / n);
        } finally {
            model.train();
        }
    }
}
