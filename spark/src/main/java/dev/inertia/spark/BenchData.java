package dev.inertia.spark;

import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.Dataset;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Normalization;
import dev.inertia.data.Scaling;
import dev.inertia.data.Splits;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The benchmark's data, which every executor reads from the same path (a shared file system, or
 * one machine): Fashion-MNIST's IDX files or a CSV split 80/20 with a fixed seed. The training
 * split is cut into contiguous slices, one per partition; the features are scaled as the
 * single-process run scales them (Fashion-MNIST's normalization, or standardization fitted on the
 * training split).
 *
 * @param fashionDir the Fashion-MNIST directory (absolute), or null
 * @param csv        the CSV file (absolute), or null
 * @param target     the CSV's target column
 */
record BenchData(String fashionDir, String csv, String target) implements Serializable {
    private static final long SPLIT_SEED = 1;

    /** The training and test sets and the scaling, as loaded on this JVM. */
    record Loaded(Dataset train, Dataset test, FeatureTransform transform, int[] exampleShape, int classes) {
    }

    Loaded load() throws IOException {
        if (fashionDir != null) {
            FashionMnist.Splits s = FashionMnist.load(Path.of(fashionDir));
            return new Loaded(s.train(), s.test(), Normalization.FASHION_MNIST, new int[] {s.train().features()},
                    s.train().classes());
        }
        CsvDataset data = CsvDataset.read(Path.of(csv), CsvOptions.target(target));
        if (!data.isClassification()) {
            throw new IllegalArgumentException(csv + ": column '" + target + "' is not a class label");
        }
        Splits.Result r = Splits.split(data, 0, 0.2, SPLIT_SEED);
        return new Loaded(r.train(), r.test(), Scaling.standardize(r.train()), new int[] {data.features()},
                data.classes());
    }

    String describe() {
        return fashionDir != null ? "fashion-mnist" : Path.of(csv).getFileName().toString();
    }

    /** The training split as {@code partitions} slices, each read on the executor that computes it. */
    JavaRDD<Example> trainingRdd(JavaSparkContext sc, int partitions) {
        BenchData self = this;
        return sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
                .mapPartitions(it -> self.slice(it.next(), partitions).iterator());
    }

    private List<Example> slice(int index, int partitions) {
        Loaded d;
        try {
            d = load();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = d.train().size();
        int from = (int) ((long) n * index / partitions), to = (int) ((long) n * (index + 1) / partitions);
        List<Example> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            float[] x = new float[d.train().features()];
            d.train().copyFeatures(i, x, 0);
            d.transform().apply(x, 0, x.length);
            out.add(Example.classification(x, d.train().label(i)));
        }
        return out;
    }
}
