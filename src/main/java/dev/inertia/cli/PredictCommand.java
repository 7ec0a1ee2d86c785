package dev.inertia.cli;

import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.io.AtomicFile;
import dev.inertia.kernels.KernelPool;
import dev.inertia.train.LoadedModel;
import dev.inertia.train.ModelFile;
import dev.inertia.train.ModelInfo;
import dev.inertia.train.Predictor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code inertia predict --model FILE --csv FILE [--out FILE]}: a saved model's predictions for
 * each row of a CSV, written as the input's rows followed by a {@code prediction} column (the
 * class name or the value) and, for a classifier, one probability column per class. The output
 * file is written atomically (a temporary file moved into place), so a failed run leaves an
 * earlier one intact.
 */
final class PredictCommand {
    /** Rows predicted per call: the predictor's batch, so the step allocates nothing. */
    private static final int CHUNK = 256;

    private PredictCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("predict", argv, Set.of("model", "csv", "out", "threads"), Set.of());
        Path modelFile = ModelCommands.requiredFile(args, "model");
        Path csv = ModelCommands.requiredFile(args, "csv");
        Path target = args.has("out") ? Path.of(args.string("out", "")) : null;
        if (target != null && target.toAbsolutePath().getParent() != null
                && !Files.isDirectory(target.toAbsolutePath().getParent())) {
            throw new UsageException("--out " + target + ": directory " + target.toAbsolutePath().getParent()
                    + " does not exist");
        }
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            try (LoadedModel model = ModelFile.load(modelFile)) {
                ModelInfo info = model.info();
                CsvDataset rows = CsvDataset.features(csv, CsvOptions.noTarget(), info.featureNames());
                boolean classifier = info.task() == ModelInfo.Task.CLASSIFICATION;
                try (Predictor predictor = ModelCommands.predictor(model)) {
                    if (target == null) {
                        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                        write(w, rows, predictor, info, classifier);
                        w.flush();
                    } else {
                        AtomicFile.write(target, channel -> {
                            // flushed, not closed: AtomicFile forces and closes the channel itself
                            Writer w = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8));
                            write(w, rows, predictor, info, classifier);
                            w.flush();
                        });
                        err.println("inertia predict: " + rows.size() + " rows -> " + target);
                    }
                }
            } catch (IOException e) { // a bad model file or CSV: one line naming it
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    private static void write(Writer w, CsvDataset rows, Predictor predictor, ModelInfo info, boolean classifier)
            throws IOException {
        List<String> header = new ArrayList<>(rows.header());
        header.add("prediction");
        if (classifier) {
            for (String c : info.classNames()) {
                header.add("prob_" + c);
            }
        }
        writeRow(w, header);
        int features = rows.features();
        int width = classifier ? predictor.probabilityColumns() : predictor.outputs();
        float[] x = new float[CHUNK * features];
        float[] y = new float[CHUNK * width];
        for (int start = 0; start < rows.size(); start += CHUNK) {
            int n = Math.min(CHUNK, rows.size() - start);
            for (int i = 0; i < n; i++) {
                rows.copyFeatures(start + i, x, i * features);
            }
            if (classifier) {
                predictor.predictProba(x, n, y);
            } else {
                predictor.predict(x, n, y);
            }
            for (int i = 0; i < n; i++) {
                List<String> fields = new ArrayList<>(rows.rawRow(start + i));
                if (classifier) {
                    float[] p = new float[width];
                    System.arraycopy(y, i * width, p, 0, width);
                    fields.add(info.classNames().get(Predictor.argMax(p)));
                    for (float v : p) {
                        fields.add(Float.toString(v));
                    }
                } else if (width == 1) {
                    fields.add(Float.toString(y[i]));
                } else {
                    StringBuilder values = new StringBuilder();
                    for (int j = 0; j < width; j++) {
                        values.append(j == 0 ? "" : " ").append(y[i * width + j]);
                    }
                    fields.add(values.toString());
                }
                writeRow(w, fields);
            }
        }
    }

    /** One CSV line, quoting the fields that need it (RFC 4180). */
    static void writeRow(Writer w, List<String> fields) {
        try {
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    w.write(',');
                }
                String f = fields.get(i);
                if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0
                        || f.indexOf(';') >= 0 || f.indexOf('\t') >= 0) {
                    w.write('"');
                    w.write(f.replace("\"", "\"\""));
                    w.write('"');
                } else {
                    w.write(f);
                }
            }
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
