package dev.inertia.train;

import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A quantity a {@link Trainer} reports on an evaluation set after each epoch (and that
 * {@link EarlyStopping} can watch): accuracy, top-k accuracy, MAE, RMSE, R². Each evaluation
 * starts a fresh {@link Accumulator}, feeds it every batch and reads its result.
 *
 * <p>Outputs are read as {@code [n, width]} rows. Accuracy takes the arg-max of a row as the
 * predicted class (the first index on ties), or, for a single output column (a logit trained
 * with {@link Loss#bceWithLogits()}), class 1 when the logit is positive.
 */
public interface Metric {
    /** The metric's name in reports, like {@code accuracy} or {@code rmse}. */
    String name();

    /** Whether a larger value is better (accuracy, R²) or a smaller one (errors). */
    boolean higherIsBetter();

    /** Whether it compares class indices (true) or float targets (false). */
    boolean usesLabels();

    /** A fresh accumulator for one evaluation. */
    Accumulator start();

    /** Sums one evaluation's batches. */
    interface Accumulator {
        /**
         * Adds a batch of {@code n} examples: the model's {@code output} ({@code [n, ...]}),
         * the float {@code targets} ({@code [n, width]}) and the {@code labels} (n ints, or null
         * for regression data).
         */
        void add(Tensor output, Tensor targets, MemorySegment labels, int n);

        /** The metric over everything added (NaN when nothing was). */
        double result();
    }

    /** The share of examples whose predicted class is the label. */
    static Metric accuracy() {
        return topK(1);
    }

    /** The share of examples whose label is among the {@code k} highest outputs ({@code accuracy} for k = 1). */
    static Metric topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k accuracy needs k >= 1, got " + k);
        }
        String name = k == 1 ? "accuracy" : "top" + k + "_accuracy";
        return new BuiltinMetric(name, true, true, () -> new Accumulator() {
            long correct, seen;

            @Override
            public void add(Tensor output, Tensor targets, MemorySegment labels, int n) {
                int width = (int) (output.size() / Math.max(n, 1));
                for (int i = 0; i < n; i++) {
                    int label = labels.getAtIndex(ValueLayout.JAVA_INT, i);
                    long row = (long) i * width;
                    if (width == 1) {
                        correct += (output.getDouble(row) > 0 ? 1 : 0) == label ? 1 : 0;
                        continue;
                    }
                    double mine = output.getDouble(row + label);
                    int above = 0;
                    for (int c = 0; c < width; c++) {
                        double x = output.getDouble(row + c);
                        // a class ranks above the label when larger, or equal with a smaller index
                        if (x > mine || x == mine && c < label) {
                            above++;
                        }
                    }
                    if (above < k) {
                        correct++;
                    }
                }
                seen += n;
            }

            @Override
            public double result() {
                return seen == 0 ? Double.NaN : (double) correct / seen;
            }
        });
    }

    /** Mean absolute error over every output value. */
    static Metric mae() {
        return new BuiltinMetric("mae", false, false, () -> new BuiltinMetric.Residuals() {
            @Override
            public double result() {
                return count == 0 ? Double.NaN : absSum / count;
            }
        });
    }

    /** Root mean squared error over every output value. */
    static Metric rmse() {
        return new BuiltinMetric("rmse", false, false, () -> new BuiltinMetric.Residuals() {
            @Override
            public double result() {
                return count == 0 ? Double.NaN : Math.sqrt(squareSum / count);
            }
        });
    }

    /**
     * The coefficient of determination {@code 1 - SS_res / SS_tot}, averaged over the output
     * columns (scikit-learn's {@code r2_score} with uniform averaging).
     */
    static Metric r2() {
        return new BuiltinMetric("r2", true, false, BuiltinMetric.R2::new);
    }
}
