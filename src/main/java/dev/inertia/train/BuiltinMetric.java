package dev.inertia.train;

import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/** The metrics {@link Metric}'s factories return, and their accumulators. */
record BuiltinMetric(String name, boolean higherIsBetter, boolean usesLabels, Supplier<Metric.Accumulator> factory)
        implements Metric {
    @Override
    public Accumulator start() {
        return factory.get();
    }

    @Override
    public String toString() {
        return name;
    }


    /** Sums of residuals over all output values. */
    abstract static class Residuals implements Metric.Accumulator {
        double absSum, squareSum;
        long count;

        @Override
        public void add(Tensor output, Tensor targets, MemorySegment labels, int n) {
            long size = Math.min(output.size(), targets.size());
            for (long i = 0; i < size; i++) {
                double r = output.getDouble(i) - targets.getDouble(i);
                absSum += Math.abs(r);
                squareSum += r * r;
            }
            count += size;
        }
    }

    /** Per-column sums for R². */
    static final class R2 implements Metric.Accumulator {
        private double[] sum, squareSum, residualSum;
        private long rows;

        @Override
        public void add(Tensor output, Tensor targets, MemorySegment labels, int n) {
            int width = (int) (targets.size() / Math.max(n, 1));
            if (sum == null) {
                sum = new double[width];
                squareSum = new double[width];
                residualSum = new double[width];
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) {
                    long at = (long) i * width + j;
                    double y = targets.getDouble(at), r = output.getDouble(at) - y;
                    sum[j] += y;
                    squareSum[j] += y * y;
                    residualSum[j] += r * r;
                }
            }
            rows += n;
        }

        @Override
        public double result() {
            if (rows == 0) {
                return Double.NaN;
            }
            double total = 0;
            for (int j = 0; j < sum.length; j++) {
                double ssTot = squareSum[j] - sum[j] * sum[j] / rows;
                // a constant target: 1 for a perfect fit, 0 otherwise (scikit-learn's convention)
                total += ssTot > 0 ? 1 - residualSum[j] / ssTot : residualSum[j] == 0 ? 1 : 0;
            }
            return total / sum.length;
        }
    }
}
