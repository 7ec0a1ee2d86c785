package dev.inertia.cli;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.FashionMnist;
import dev.inertia.io.AtomicFile;
import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.numerics.LinePlot;
import dev.inertia.numerics.Relu0Sweep;
import dev.inertia.numerics.SeedSummary;
import dev.inertia.train.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * plot, one line per configuration, written atomically. {@code --seeds N} runs the whole sweep for
 * seeds S..S+N-1; the table then shows mean ± std over the seeds ({@link SeedSummary}), the JSON
 * output adds one summary line per configuration and s, and the plot shows the means.
 */
final class Relu0SweepCommand {
    static final String USAGE = "relu0-sweep [--values 0,0.1,0.2,0.3,0.5,1] [--precision fp64|fp32|bf16|fp16]"
            + " [--batch-norm on|off|both] [--optimizer sgd|innaprop|both] [--hidden L] [--width W] [--epochs E]"
            + " [--batch B] [--lr X] [--seed S] [--seeds N] [--max-steps N] [--loss-scale static:N|dynamic] [--data-dir DIR]"
            + " [--threads T] [--svg FILE] [--json]";
    /** Epochs per run by default. */
    static final int DEFAULT_EPOCHS = 3;

    private Relu0SweepCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("relu0-sweep", argv, Set.of("values", "precision", "batch-norm", "optimizer", "hidden",
                "width", "epochs", "batch", "lr", "seed", "seeds", "max-steps", "loss-scale", "data-dir", "threads",
                "svg"),
                Set.of("json"));
        List<Double> values = args.numbers("values", Relu0Sweep.DEFAULT_VALUES);
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
        int seeds = args.positiveInteger("seeds", 1);
        long maxSteps = args.has("max-steps") ? args.positiveInteger("max-steps", 1) : 0;
        String lossScale = args.has("loss-scale") ? args.string("loss-scale", null) : null;
        Relu0Sweep.Config config;
        try {
            config = new Relu0Sweep.Config(values, precision, batchNorm, optimizers, hidden, width, epochs, batch, lr,
                    seed, maxSteps, lossScale);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path svg = args.outputFile("svg");
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            boolean json = args.has("json");
            FashionMnist.Splits data = Relu0SweepCommand.fashionMnist(args);
            String source = data.source().isSample() ? "sample" : "full";
            err.println("inertia relu0-sweep: " + config.runs() * seeds + " runs of " + epochs + " epoch"
                    + (epochs == 1 ? "" : "s") + ", MLP " + hidden + "x" + width + ", " + precision + ", "
                    + Parallel.threads() + " thread" + (Parallel.threads() == 1 ? "" : "s")
                    + (seeds == 1 ? "" : ", seeds " + seed + ".." + (seed + seeds - 1)) + "; data: "
                    + data.source().description());
            Progress progress = err == System.err ? Progress.onStderr() : null;
            List<List<Relu0Sweep.Run>> bySeed = new ArrayList<>();
            for (int i = 0; i < seeds; i++) {
                Relu0Sweep.Config seeded = new Relu0Sweep.Config(values, precision, batchNorm, optimizers, hidden,
                        width, epochs, batch, lr, seed + i, maxSteps, lossScale);
                bySeed.add(Relu0Sweep.run(data.train(), data.test(), seeded, r -> {
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
                        err.printf(Locale.ROOT, "%s, s = %s%s: test accuracy %.2f%%, train loss %.4f, %d live kinks"
                                + " (%.0f s)%n", r.configuration(), num(r.s()), seeds == 1 ? "" : ", seed " + r.seed(),
                                100 * r.testAcc(), r.trainLoss(), r.liveKinks(), r.seconds());
                    }
                }, progress));
            }
            if (json && seeds > 1) {
                printSummaries(bySeed, config, lossScale, source, out);
            }
            if (!json) {
                printTable(bySeed, config, out);
            }
            if (svg != null) {
                writeAtomically(svg, plot(bySeed, config, source));
                err.println("inertia relu0-sweep: plot written to " + svg);
            }
        }
    }

    /**
     * The runs by configuration, in the order they ran; each configuration's list holds, per value
     * of s (in the config's order), that run of every seed.
     */
    private static Map<String, List<List<Relu0Sweep.Run>>> byConfiguration(List<List<Relu0Sweep.Run>> bySeed) {
        Map<String, List<List<Relu0Sweep.Run>>> m = new LinkedHashMap<>();
        for (List<Relu0Sweep.Run> runs : bySeed) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (Relu0Sweep.Run r : runs) {
                List<List<Relu0Sweep.Run>> col = m.computeIfAbsent(r.configuration(), k -> new ArrayList<>());
                int index = seen.merge(r.configuration(), 1, Integer::sum) - 1;
                if (col.size() == index) {
                    col.add(new ArrayList<>());
                }
                col.get(index).add(r);
            }
        }
        return m;
    }

    /** Mean ± std over the seeds of the test accuracy in percent. */
    private static SeedSummary accuracy(List<Relu0Sweep.Run> seeds) {
        double[] acc = new double[seeds.size()];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = 100 * seeds.get(i).testAcc();
        }
        return SeedSummary.of(acc);
    }

    /** With several seeds, one JSON line per configuration and s: mean and std of the losses and accuracy. */
    private static void printSummaries(List<List<Relu0Sweep.Run>> bySeed, Relu0Sweep.Config config, String lossScale,
            String source, PrintStream out) {
        for (List<List<Relu0Sweep.Run>> col : byConfiguration(bySeed).values()) {
            for (List<Relu0Sweep.Run> seeds : col) {
                Relu0Sweep.Run first = seeds.getFirst();
                SeedSummary acc = SeedSummary.of(seeds.stream().mapToDouble(Relu0Sweep.Run::testAcc).toArray());
                SeedSummary test = SeedSummary.of(seeds.stream().mapToDouble(Relu0Sweep.Run::testLoss).toArray());
                SeedSummary train = SeedSummary.of(seeds.stream().mapToDouble(Relu0Sweep.Run::trainLoss).toArray());
                out.println(new Json()
                        .put("summary", true)
                        .put("s", first.s())
                        .put("precision", first.precision().toString())
                        .put("optimizer", first.optimizer())
                        .put("batch_norm", first.batchNorm())
                        .put("seeds", seeds.size())
                        .put("seed_first", first.seed())
                        .put("seed_last", seeds.getLast().seed())
                        .put("test_acc_mean", acc.mean())
                        .put("test_acc_std", acc.std())
                        .put("test_loss_mean", test.mean())
                        .put("test_loss_std", test.std())
                        .put("train_loss_mean", train.mean())
                        .put("train_loss_std", train.std())
                        .put("epochs", config.epochs())
                        .put("loss_scale", lossScale == null ? "none" : lossScale)
                        .put("data", source));
            }
        }
        out.flush();
    }

    /** Rows: s; columns: configurations; cells: test accuracy in percent (mean ± std with several seeds). */
    private static void printTable(List<List<Relu0Sweep.Run>> bySeed, Relu0Sweep.Config config, PrintStream out) {
        Map<String, List<List<Relu0Sweep.Run>>> m = byConfiguration(bySeed);
        int seeds = bySeed.size();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-8s", "s"));
        for (String c : m.keySet()) {
            header.append(String.format(Locale.ROOT, "  %-28s", c));
        }
        out.println("test accuracy (%) after " + config.epochs() + " epoch" + (config.epochs() == 1 ? "" : "s")
                + " by ReLU'(0) = s" + (seeds == 1 ? "" : ", mean ± std over seeds " + config.seed() + ".."
                + (config.seed() + seeds - 1)));
        out.println(header.toString().stripTrailing());
        for (int i = 0; i < config.values().size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s", num(config.values().get(i))));
            for (List<List<Relu0Sweep.Run>> col : m.values()) {
                SeedSummary acc = accuracy(col.get(i));
                row.append(String.format(Locale.ROOT, "  %-28s", seeds == 1
                        ? String.format(Locale.ROOT, "%.2f", acc.mean()) : acc.format(2)));
            }
            out.println(row.toString().stripTrailing());
        }
        out.flush();
    }

    /** Fashion-MNIST from {@code --data-dir} (else the library's search); an unreadable file is one line. */
    static FashionMnist.Splits fashionMnist(Args args) {
        try {
            return FashionMnist.load(args.has("data-dir") ? Path.of(args.string("data-dir", "")) : null);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Accuracy (%, the mean over the seeds) against s, one line per configuration. */
    static String plot(List<List<Relu0Sweep.Run>> bySeed, Relu0Sweep.Config config, String data) {
        List<LinePlot.Series> series = new ArrayList<>();
        double low = 100, high = 0;
        for (Map.Entry<String, List<List<Relu0Sweep.Run>>> e : byConfiguration(bySeed).entrySet()) {
            List<List<Relu0Sweep.Run>> col = e.getValue();
            double[] x = new double[col.size()], y = new double[col.size()];
            for (int i = 0; i < col.size(); i++) {
                x[i] = col.get(i).getFirst().s();
                y[i] = accuracy(col.get(i)).mean();
                low = Math.min(low, y[i]);
                high = Math.max(high, y[i]);
            }
            series.add(new LinePlot.Series(e.getKey(), x, y));
        }
        int seeds = bySeed.size();
        String title = String.format(Locale.ROOT, "Fashion-MNIST (%s), MLP %dx%d, %d epoch%s, %s", data,
                config.hidden(), config.width(), config.epochs(), config.epochs() == 1 ? "" : "s", seeds == 1
                        ? "seed " + config.seed()
                        : "mean of seeds " + config.seed() + ".." + (config.seed() + seeds - 1));
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
