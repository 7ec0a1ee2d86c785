package dev.inertia.spark;

import dev.inertia.data.ArrayDataset;
import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.Dataset;
import dev.inertia.data.FeatureTransform;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/** Shared pieces of the Spark tests: sessions, data, a small model, weight comparison. */
final class SparkTests {
    private SparkTests() {
    }

    /** An in-process session; {@code local[N,F]} lets a task fail F-1 times before the job does. */
    static SparkSession session(String master) {
        return SparkSession.builder().master(master).appName("inertia-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** A 16-32-4 relu mlp, the same initial weights every time (a static method: serializable as a factory). */
    static Module smallMlp(Scope scope) {
        return Models.mlp(scope, DType.F32, 16, new int[] {32}, 4, "relu", 11);
    }

    /** {@code n} examples of a learnable 4-class problem over 16 features, from {@code seed}. */
    static List<Example> synthetic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[16];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            int label = (x[0] + x[1] > 0 ? 1 : 0) + (x[2] - x[3] > 0 ? 2 : 0);
            out.add(Example.classification(x, label));
        }
        return out;
    }

    /** The same examples as a library data set, in the same order. */
    static ArrayDataset asDataset(List<Example> examples, int classes) {
        float[][] x = new float[examples.size()][];
        int[] y = new int[examples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = examples.get(i).features();
            y[i] = examples.get(i).label();
        }
        return ArrayDataset.classification(x, y, classes);
    }

    /** A data set's examples with {@code transform} applied, as Spark examples. */
    static List<Example> examples(Dataset data, FeatureTransform transform) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            float[] x = new float[data.features()];
            data.copyFeatures(i, x, 0);
            transform.apply(x, 0, x.length);
            out.add(Example.classification(x, data.label(i)));
        }
        return out;
    }

    /** digits.csv of the shared data (8x8 images, 10 classes), looked up from the working directory up. */
    static CsvDataset digits() throws IOException {
        return CsvDataset.read(sharedData("tabular/digits.csv"), CsvOptions.target("digit"));
    }

    static Path sharedData(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/data/" + relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Every state tensor's elements, by name. */
    static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /** The largest relative L2 distance ||a - b|| / ||b|| over the tensors. */
    static double maxRelativeDistance(Map<String, float[]> a, Map<String, float[]> b) {
        double worst = 0;
        for (Map.Entry<String, float[]> e : b.entrySet()) {
            float[] x = a.get(e.getKey()), y = e.getValue();
            double diff = 0, norm = 0;
            for (int i = 0; i < y.length; i++) {
                diff += (double) (x[i] - y[i]) * (x[i] - y[i]);
                norm += (double) y[i] * y[i];
            }
            worst = Math.max(worst, Math.sqrt(diff) / Math.sqrt(norm));
        }
        return worst;
    }
}
