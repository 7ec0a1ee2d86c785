package dev.inertia.cli;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.FashionMnist;
import dev.inertia.io.AtomicFile;
import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.numerics.LinePlot;
import dev.inertia.numerics.Relu0Sweep;
import dev.inertia.train.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code inertia relu0-sweep}: trains the sweep's MLP ({@link Relu0Sweep}) on Fashion-MNIST
 * with ReLU'(0) = s for each s and reports the test accuracy per s: a table on stdout (one JSON
 * line per run with {@code --json}) and, with {@code --svg FILE}, accuracy against s as an SVG
 * plot, one line per configuration, written atomically.
 */
final class Relu0SweepCommand {
    static final String USAGE = "relu0-sweep [--values 0,0.1,0.2,0.3,0.5,1] [--precision fp64|fp32|bf16|fp16]"
            + " [--batch-norm on|off|both] [--optimizer sgd|innaprop|both] [--hidden L] [--width W] [--epochs E]"
            + " [--batch B] [--lr X] [--seed S] [--max-steps N] [--loss-scale static:N|dynamic] [--data-dir DIR]"
            + " [--threads T] [--svg FILE] [--json]";
    /** Epochs per run by default. */
    static final int DEFAULT_EPOCHS = 3;

    private Relu0SweepCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("relu0-sweep", argv, Set.of("values", "precision", "batch-norm", "optimizer", "hidden",
                "width", "epochs", "batch", "lr", "seed", "max-steps", "loss-scale", "data-dir", "threads", "svg"),
                Set.of("json"));
        List<Double> values = args.has("values") ? values(args.string("values", "")) : Relu0Sweep.DEFAULT_VALUES;
        Precision precision = Precision.parse(args.choice("precision", "fp32", "fp64", "fp32", "bf16", "fp16"));
        List<Boolean> batchNorm = switch (args.choice("batch-norm", "both", "on", "off", "both")) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            default -> List.of(false, true);
        };
        String opt = args.choice("optimizer", "both", "sgd", "innaprop", "both");
        List<String> optimizers = opt.equals("both") ? Relu0Sweep.OPTIMIZERS : List.of(opt);
        int hidden = args.positiveInteger("hidden", 3);
        int width = args.positiveInteger("width", 256);
        int epochs = args.positiveInteger("epochs", DEFAULT_EPOCHS);
        int batch = args.positiveInteger("batch", 128);
        double lr = args.has("lr") ? args.number("lr", 0) : Double.NaN;
        if (lr < 0) {
            throw new UsageException("--lr must be >= 0, got " + lr);
        }
        long seed = args.longInteger("seed", 1);
        long maxSteps = args.has("max-steps") ? args.positiveInteger("max-steps", 1) : 0;
        String lossScale = args.has("loss-scale") ? args.string("loss-scale", null) : null;
        Relu0Sweep.Config config;
        try {
            config = new Relu0Sweep.Config(values, precision, batchNorm, optimizers, hidden, width, epochs, batch, lr,
                    seed, maxSteps, lossScale);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path svg = args.has("svg") ? Path.of(args.string("svg", "")) : null;
        if (svg != null && svg.toAbsolutePath().getParent() != null
                && !Files.isDirectory(svg.toAbsolutePath().getParent())) {
            throw new UsageException("--svg " + svg + ": directory " + svg.toAbsolutePath().getParent()
                    + " does not exist");
        }
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            boolean json = args.has("json");
            FashionMnist.Splits data;
            try {
                data = FashionMnist.load(args.has("data-dir") ? Path.of(args.string("data-dir", "")) : null);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            String source = data.source().isSample() ? "sample" : "full";
            err.println("inertia relu0-sweep: " + config.runs() + " runs of " + epochs + " epoch" + (epochs == 1 ? "" : "s")
                    + ", MLP " + hidden + "x" + width + ", " + precision + ", " + Parallel.threads() + " thread"
                    + (Parallel.threads() == 1 ? "" : "s") + "; data: " + data.source().description());
            Progress progress = err == System.err ? Progress.onStderr() : null;
            List<Relu0Sweep.Run> runs = Relu0Sweep.run(data.train(), data.test(), config, r -> {
                if (json) {
                    out.println(new Json()
                            .put("s", r.s())
                            .put("precision", r.precision().toString())
                            .put("optimizer", r.optimizer())
                            .put("batch_norm", r.batchNorm())
                            .put("test_acc", r.testAcc())
                            .put("test_loss", r.testLoss())
                            .put("train_loss", r.trainLoss())
                            .put("epochs", r.epochs())
                            .put("steps", r.steps())
                            .put("hidden", r.hidden())
                            .put("width", r.width())
                            .put("batch", r.batch())
                            .put("lr", r.lr())
                            .put("loss_scale", lossScale == null ? "none" : lossScale)
                            .put("skipped_steps", r.skippedSteps())
                            .put("kink_hits", r.kinkHits())
                            .put("live_kinks", r.liveKinks())
                            .put("live_steps", r.liveSteps())
                            .put("seed", r.seed())
                            .put("data", source)
                            .put("seconds", Math.round(r.seconds() * 1000) / 1000.0));
                    out.flush();
                } else {
                    err.printf(Locale.ROOT, "%s, s = %s: test accuracy %.2f%%, train loss %.4f, %d live kinks (%.0f s)%n",
                            r.configuration(), num(r.s()), 100 * r.testAcc(), r.trainLoss(), r.liveKinks(), r.seconds());
                }
            }, progress);
            if (!json) {
                printTable(runs, config, out);
            }
            if (svg != null) {
                writeAtomically(svg, plot(runs, config, source));
                err.println("inertia relu0-sweep: plot written to " + svg);
            }
        }
    }

    /** Parses a comma-separated list of finite numbers. */
    static List<Double> values(String list) {
        List<Double> values = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            try {
                double v = Double.parseDouble(part.trim());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                values.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--values expects comma-separated finite numbers, got '" + list + "'");
            }
        }
        return values;
    }

    /** The runs by configuration, in the order they ran. */
    private static Map<String, List<Relu0Sweep.Run>> byConfiguration(List<Relu0Sweep.Run> runs) {
        Map<String, List<Relu0Sweep.Run>> m = new LinkedHashMap<>();
        for (Relu0Sweep.Run r : runs) {
            m.computeIfAbsent(r.configuration(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /** Rows: s; columns: configurations; cells: test accuracy in percent. */
    private static void printTable(List<Relu0Sweep.Run> runs, Relu0Sweep.Config config, PrintStream out) {
        Map<String, List<Relu0Sweep.Run>> m = byConfiguration(runs);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-8s", "s"));
        for (String c : m.keySet()) {
            header.append(String.format(Locale.ROOT, "  %-28s", c));
        }
        out.println("test accuracy (%) after " + config.epochs() + " epoch" + (config.epochs() == 1 ? "" : "s")
                + " by ReLU'(0) = s");
        out.println(header.toString().stripTrailing());
        for (int i = 0; i < config.values().size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s", num(config.values().get(i))));
            for (List<Relu0Sweep.Run> col : m.values()) {
                row.append(String.format(Locale.ROOT, "  %-28s", String.format(Locale.ROOT, "%.2f",
                        100 * col.get(i).testAcc())));
            }
            out.println(row.toString().stripTrailing());
        }
        out.flush();
    }

    /** Accuracy (%) against s, one line per configuration. */
    static String plot(List<Relu0Sweep.Run> runs, Relu0Sweep.Config config, String data) {
        List<LinePlot.Series> series = new ArrayList<>();
        double low = 100, high = 0;
        for (Map.Entry<String, List<Relu0Sweep.Run>> e : byConfiguration(runs).entrySet()) {
            List<Relu0Sweep.Run> col = e.getValue();
            double[] x = new double[col.size()], y = new double[col.size()];
            for (int i = 0; i < col.size(); i++) {
                x[i] = col.get(i).s();
                y[i] = 100 * col.get(i).testAcc();
                low = Math.min(low, y[i]);
                high = Math.max(high, y[i]);
            }
            series.add(new LinePlot.Series(e.getKey(), x, y));
        }
        String title = String.format(Locale.ROOT, "Fashion-MNIST (%s), MLP %dx%d, %d epoch%s, seed %d", data,
                config.hidden(), config.width(), config.epochs(), config.epochs() == 1 ? "" : "s", config.seed());
        // whole multiples of 5 percentage points around the points, at least 10 wide: differences
        // of a tenth of a point look as small as they are
        double yLow = Math.max(0, Math.floor(low / 5) * 5 - 5), yHigh = Math.min(100, Math.ceil(high / 5) * 5 + 5);
        if (!(yLow < yHigh)) {
            yLow = 0;
            yHigh = 100;
        }
        return LinePlot.svg(title, "ReLU'(0) = s", "test accuracy (%)", series, yLow, yHigh);
    }

    /** Writes {@code text} to {@code file} atomically ({@link AtomicFile}). */
    static void writeAtomically(Path file, String text) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try {
            AtomicFile.write(file, channel -> {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
