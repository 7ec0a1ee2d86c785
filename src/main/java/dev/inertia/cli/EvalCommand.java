package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.train.LoadedModel;
import dev.inertia.train.Metric;
import dev.inertia.train.ModelFile;
import dev.inertia.train.ModelInfo;
import dev.inertia.train.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code inertia eval --model FILE --csv FILE --target COLUMN}: a saved model's loss and metrics
 * on a labelled CSV (accuracy for a classifier, RMSE, MAE and R² for a regressor), computed by
 * the same {@link Predictor} that {@code inertia predict} uses.
 */
final class EvalCommand {
    private EvalCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("eval", argv, Set.of("model", "csv", "target", "threads"), Set.of("json"));
        Path modelFile = ModelCommands.requiredFile(args, "model");
        Path csv = ModelCommands.requiredFile(args, "csv");
        if (!args.has("target")) {
            throw new UsageException("eval needs --target COLUMN, the column holding the true values");
        }
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            try (LoadedModel model = ModelFile.load(modelFile)) {
                ModelInfo info = model.info();
                boolean classifier = info.task() == ModelInfo.Task.CLASSIFICATION;
                CsvOptions options = CsvOptions.target(args.string("target", ""));
                options = classifier ? options.classification().classNames(info.classNames()) : options.regression();
                CsvDataset data = CsvDataset.read(csv, options, info.featureNames());
                Map<String, Double> m;
                try (Predictor predictor = ModelCommands.predictor(model)) {
                    m = evaluate(data, predictor, classifier);
                }
                Json line = new Json().put("rows", data.size()).put("test_loss", m.get("loss"));
                if (classifier) {
                    line.put("test_acc", m.get("accuracy"));
                } else {
                    line.put("test_rmse", m.get("rmse")).put("test_mae", m.get("mae")).put("test_r2", m.get("r2"));
                }
                line.put("model", modelFile.toString()).put("data", csv.getFileName().toString());
                if (args.has("json")) {
                    out.println(line);
                } else {
                    out.println(String.format(Locale.ROOT, "%s on %s (%d rows): %s", modelFile, csv.getFileName(),
                            data.size(), CsvTrainCommand.summary(m, !classifier)));
                }
            } catch (IOException e) { // a bad model file or CSV: one line naming it
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** The mean loss (cross-entropy or squared error) and the task's metrics over every row. */
    static Map<String, Double> evaluate(CsvDataset data, Predictor predictor, boolean classifier) {
        int n = data.size(), features = data.features(), width = predictor.outputs();
        float[] x = new float[n * features];
        for (int i = 0; i < n; i++) {
            data.copyFeatures(i, x, i * features);
        }
        float[] outputs = new float[n * width];
        predictor.predict(x, n, outputs);
        float[] targets = new float[n * data.targetWidth()];
        for (int i = 0; i < n; i++) {
            data.copyTarget(i, targets, i * data.targetWidth());
        }
        List<Metric> metrics = classifier ? List.of(Metric.accuracy())
                : List.of(Metric.rmse(), Metric.mae(), Metric.r2());
        Map<String, Double> out = new LinkedHashMap<>();
        try (Scope scope = Scope.open()) {
            Tensor y = Tensor.of(scope, outputs, n, width);
            Tensor t = Tensor.of(scope, targets, n, data.targetWidth());
            MemorySegment labels = null;
            double loss = 0;
            if (classifier) {
                labels = scope.allocate(4L * n);
                float[] p = new float[n * predictor.probabilityColumns()];
                predictor.predictProba(x, n, p);
                for (int i = 0; i < n; i++) {
                    int label = data.label(i);
                    labels.setAtIndex(ValueLayout.JAVA_INT, i, label);
                    loss -= Math.log(Math.max(p[i * predictor.probabilityColumns() + label], Float.MIN_VALUE));
                }
            } else {
                for (int i = 0; i < outputs.length; i++) {
                    double r = outputs[i] - targets[i];
                    loss += r * r;
                }
                loss /= width;
            }
            out.put("loss", n == 0 ? Double.NaN : loss / n);
            for (Metric metric : metrics) {
                Metric.Accumulator a = metric.start();
                a.add(y, t, labels, n);
                out.put(metric.name(), a.result());
            }
        }
        return out;
    }
}
