package dev.inertia.examples;

import dev.inertia.autodiff.KernelProfile;
import dev.inertia.autodiff.Var;
import dev.inertia.data.ArrayDataset;
import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.Dataset;
import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Scaling;
import dev.inertia.data.Splits;
import dev.inertia.kernels.Simd;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.AdamW;
import dev.inertia.optim.INNAprop;
import dev.inertia.train.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a custom network on the 8x8 digits of digits.csv, checks it on a held-out test split,
 * saves it, loads the weights into a fresh instance and predicts; then does the same round trip
 * for a Sequential MLP on in-memory arrays. Usage: {@code DigitsExample [digits.csv] [output dir]}.
 */
public final class DigitsExample {

    /** A model of one's own: named children make named parameters (fc1.weight, ...), so it saves and loads. */
    static final class DigitsNet extends Module {
        private final Linear fc1, fc2;

        DigitsNet(Scope scope, long seed) {
            var random = new SplittableRandom(seed);
            fc1 = registerChild("fc1", new Linear(scope, DType.F32, 64, 64, random));
            fc2 = registerChild("fc2", new Linear(scope, DType.F32, 64, 10, random));
        }

        @Override
        public Var forward(Var x) {
            Var hidden = x.add(fc1.forward(x).relu()); // skip connection: the block learns a correction of x
            return fc2.forward(hidden);
        }
    }

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args.length > 0 ? args[0] : "../../shared/data/tabular/digits.csv");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "target"));
        System.out.printf("Java %s, SIMD %s%n", Runtime.version(), Simd.enabled() ? Simd.bits() + "-bit" : "off");

        CsvDataset data = CsvDataset.read(csv, CsvOptions.target("digit"));
        Splits.Result splits = Splits.split(data, 0.1, 0.2, 42); // validation for early stopping, test held out
        Scaling scaling = Scaling.standardize(splits.train());     // fitted on training rows only
        Path file = out.resolve("digits-net.safetensors");

        try (Scope scope = Scope.open()) {
            DigitsNet model = new DigitsNet(scope, 7);
            try (Trainer trainer = Trainer.builder(model)
                    .loss(Loss.crossEntropy())
                    .optimizer(AdamW.builder().lr(3e-3).weightDecay(1e-4).build())
                    .schedule(Schedule.cosine(20, 0.05))
                    .metrics(Metric.accuracy())
                    .epochs(30).batchSize(32)
                    .transform(scaling)
                    .earlyStopping(EarlyStopping.on("loss", 5)) // restores the best epoch's weights
                    .listener(r -> System.out.printf("epoch %2d  train loss %.4f  val loss %.4f  val acc %.3f%n",
                            r.epoch(), r.trainLoss(), r.metric("loss"), r.metric("accuracy")))
                    .build()) {
                History history = trainer.fit(splits.train(), splits.validation());
                double accuracy = trainer.evaluate(splits.test()).get("accuracy");
                System.out.printf("%s after %d epochs, best epoch %d restored; test accuracy %.4f on %d digits%n",
                        history.stoppedEarly() ? "stopped early" : "done", history.epochs().size(),
                        history.bestEpoch(), accuracy, splits.test().size());
                check(accuracy >= 0.95, "test accuracy " + accuracy + " is below 0.95");
            }

            // A custom Module has no architecture spec: the file holds its weights and what prediction needs.
            ModelFile.save(file, model, ModelInfo.of(data, scaling));
            DigitsNet fresh = new DigitsNet(scope, 99); // other initial weights, overwritten by the file's
            ModelInfo info = ModelFile.loadWeights(file, fresh);

            float[][] rows = {splits.test().features(0), splits.test().features(1), splits.test().features(2)};
            try (Predictor trained = Predictor.builder(model).exampleShape(64).transform(scaling).build();
                 Predictor loaded = Predictor.builder(fresh).info(info).build()) {
                float[][] probabilities = loaded.predictProba(rows);
                check(Arrays.deepEquals(probabilities, trained.predictProba(rows)), "loaded weights predict otherwise");
                for (int i = 0; i < rows.length; i++) {
                    int c = Predictor.argMax(probabilities[i]);
                    System.out.printf("test row %d: digit %s (p = %.3f), labelled %s%n", i, info.classNames().get(c),
                            probabilities[i][c], info.classNames().get(splits.test().label(i)));
                }
            }
        }
        inMemoryRoundTrip(out.resolve("circle-mlp.safetensors"));
    }

    /** Points inside or outside the unit circle, from plain arrays; a Sequential MLP saves its architecture too. */
    static void inMemoryRoundTrip(Path file) throws Exception {
        var random = new SplittableRandom(3);
        float[][] points = new float[1000][];
        int[] inside = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            points[i] = new float[] {(float) random.nextDouble(-1.5, 1.5), (float) random.nextDouble(-1.5, 1.5)};
            inside[i] = points[i][0] * points[i][0] + points[i][1] * points[i][1] < 1 ? 1 : 0;
        }
        Dataset data = ArrayDataset.classification(points, inside, 2, List.of("outside", "inside"));
        Splits.Result splits = Splits.split(data, 0.2, 0, 1);

        try (Scope scope = Scope.open()) {
            Sequential mlp = Models.mlp(scope, DType.F32, 2, new int[] {32, 32}, 2, "relu", 5);
            KernelProfile profile = new KernelProfile(); // where the kernels' time goes, on this thread
            try (Trainer trainer = Trainer.builder(mlp).optimizer(INNAprop.builder().lr(1e-2).build())
                    .epochs(5).batchSize(32)
                    .warmup(true) // the JIT compiles the kernels on a tiny model first: same bits, less CPU
                    .build();
                 KernelProfile.Binding profiling = profile.bind()) {
                History history = trainer.fit(splits.train(), splits.validation());
                System.out.printf("circle mlp: %d epochs, validation accuracy %.3f%n", history.epochs().size(),
                        history.last().metric("accuracy"));
            }
            KernelProfile.Entry top = profile.entries().stream()
                    .max(Comparator.comparingLong(KernelProfile.Entry::nanos))
                    .orElseThrow(() -> new IllegalStateException("the profile saw no kernel call"));
            System.out.printf("most kernel time: %s %s in %s, %d calls, %.1f ms%n", top.kernel(), top.shape(),
                    top.section().isEmpty() ? "the run" : top.section(), top.calls(), top.nanos() / 1e6);
            ModelFile.save(file, mlp, ModelInfo.of(data, FeatureTransform.IDENTITY));
            float[][] probe = {{0, 0}, {0.9f, 0.9f}, {1.4f, -0.2f}};
            try (LoadedModel loaded = ModelFile.load(file); // rebuilt from the saved architecture
                 Predictor original = Predictor.builder(mlp).exampleShape(2).build();
                 Predictor reloaded = Predictor.builder(loaded.module()).info(loaded.info()).build()) {
                int[] classes = reloaded.predictClass(probe);
                check(Arrays.deepEquals(reloaded.predict(probe), original.predict(probe)), "loaded MLP differs");
                System.out.printf("%s loaded and rebuilt: %s -> %s%n", file.getFileName(), Arrays.deepToString(probe),
                        Arrays.stream(classes).mapToObj(loaded.info().classNames()::get).toList());
            }
        }
    }

    static void check(boolean ok, String failure) {
        if (!ok) {
            throw new IllegalStateException(failure);
        }
    }
}
