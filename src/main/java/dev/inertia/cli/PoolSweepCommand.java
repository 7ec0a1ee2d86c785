package dev.inertia.cli;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.Subset;
import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.numerics.LinePlot;
import dev.inertia.numerics.PoolSweep;
import dev.inertia.numerics.SeedSummary;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.train.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code inertia pool-sweep}: trains docs/DESIGN.md's cnn ({@link PoolSweep}) on Fashion-MNIST
 * with max-pool ties split by beta, for each beta and each seed, and reports per run the test
 * accuracy, the final train loss and the live max-pool ties (one JSON line per run with
 * {@code --json}, else a line on stderr), then per beta the mean ± std over seeds (a table on
 * stdout, or one JSON line per beta) and, with {@code --svg FILE}, accuracy against beta.
 */
final class PoolSweepCommand {
    static final String USAGE = "pool-sweep [--betas 0,1,10,100,1000,10000] [--precision fp64|fp32|bf16|fp16]"
            + " [--batch-norm on|off] [--optimizer " + String.join("|", OptimizerRegistry.NAMES) + "] [--seeds N]"
            + " [--seed S] [--epochs E] [--lr X] [--batch B] [--train-size N] [--max-steps N]"
            + " [--loss-scale static:N|dynamic] [--threads T] [--data-dir DIR] [--svg FILE] [--json]";
    /** Epochs per run by default. */
    static final int DEFAULT_EPOCHS = 3;

    private PoolSweepCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("pool-sweep", argv, Set.of("betas", "precision", "batch-norm", "optimizer", "seeds",
                "seed", "epochs", "lr", "batch", "train-size", "max-steps", "loss-scale", "threads", "data-dir", "svg"),
                Set.of("json"));
        List<Double> betas = args.numbers("betas", PoolSweep.DEFAULT_BETAS);
        Precision precision = Precision.parse(args.choice("precision", "fp32", "fp64", "fp32", "bf16", "fp16"));
        boolean batchNorm = args.choice("batch-norm", "off", "on", "off").equals("on");
        String optimizer = args.choice("optimizer", "sgd", OptimizerRegistry.NAMES.toArray(String[]::new));
        int seeds = args.positiveInteger("seeds", 1);
        long seed = args.longInteger("seed", 1);
        int epochs = args.positiveInteger("epochs", DEFAULT_EPOCHS);
        int batch = args.positiveInteger("batch", 128);
        double lr = args.has("lr") ? args.number("lr", 0) : Double.NaN;
        if (lr < 0) {
            throw new UsageException("--lr must be >= 0, got " + lr);
        }
        int trainSize = args.has("train-size") ? args.positiveInteger("train-size", 1) : 0;
        long maxSteps = args.has("max-steps") ? args.positiveInteger("max-steps", 1) : 0;
        String lossScale = args.has("loss-scale") ? args.string("loss-scale", null) : null;
        PoolSweep.Config config;
        try {
            config = new PoolSweep.Config(betas, precision, batchNorm, optimizer, seeds, seed, epochs, batch, lr,
                    maxSteps, lossScale);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path svg = args.outputFile("svg");
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            boolean json = args.has("json");
            FashionMnist.Splits data = Relu0SweepCommand.fashionMnist(args);
            Dataset train = data.train();
            if (trainSize > 0 && trainSize < train.size()) {
                // the first N in file order: Fashion-MNIST's files are already shuffled across classes
                train = Subset.of(train, IntStream.range(0, trainSize).toArray(), "first " + trainSize);
            }
            String source = data.source().isSample() ? "sample" : "full";
            // the plot's title says when the sweep trained on part of the set
            String trained = train.size() < data.train().size() ? source + ", first " + train.size() + " training images"
                    : source;
            err.println("inertia pool-sweep: " + config.runs() + (config.runs() == 1 ? " run of " : " runs of ")
                    + epochs + " epoch" + (epochs == 1 ? "" : "s") + ", cnn, " + config.configuration() + ", "
                    + train.size() + " training images, " + Parallel.threads() + " thread" + (Parallel.threads() == 1 ? "" : "s")
                    + "; data: " + data.source().description());
            Progress progress = err == System.err ? Progress.onStderr() : null;
            int images = train.size();
            List<PoolSweep.Run> runs = PoolSweep.run(train, data.test(), config, r -> {
                if (json) {
                    out.println(new Json()
                            .put("record", "run")
                            .put("beta", r.beta())
                            .put("seed", r.seed())
                            .put("precision", precision.toString())
                            .put("optimizer", config.optimizer())
                            .put("batch_norm", batchNorm)
                            .put("test_acc", r.testAcc())
                            .put("test_loss", r.testLoss())
                            .put("train_loss", r.trainLoss())
                            .put("diverged", r.diverged())
                            .put("pool_ties", r.poolTies())
                            .put("live_pool_ties", r.livePoolTies())
                            .put("live_steps", r.liveSteps())
                            .put("skipped_steps", r.skippedSteps())
                            .put("steps", r.steps())
                            .put("epochs", epochs)
                            .put("batch", batch)
                            .put("lr", r.lr())
                            .put("loss_scale", lossScale == null ? "none" : lossScale)
                            .put("train_size", images)
                            .put("data", source)
                            .put("seconds", Math.round(r.seconds() * 1000) / 1000.0));
                    out.flush();
                } else {
                    err.printf(Locale.ROOT, "beta = %s, seed %d: %s, train loss %.4f, %,d live max-pool ties of %,d"
                            + " (%.0f s)%n", num(r.beta()), r.seed(), r.diverged() ? "diverged at step " + r.steps()
                            : String.format(Locale.ROOT, "test accuracy %.2f%%", 100 * r.testAcc()), r.trainLoss(),
                            r.livePoolTies(), r.poolTies(), r.seconds());
                }
            }, progress);
            List<PoolSweep.BetaSummary> summaries = PoolSweep.summarize(runs, config);
            if (json) {
                for (PoolSweep.BetaSummary b : summaries) {
                    out.println(new Json()
                            .put("record", "summary")
                            .put("beta", b.beta())
                            .put("seeds", b.testAcc().n())
                            .put("test_acc_mean", b.testAcc().mean())
                            .put("test_acc_std", b.testAcc().std())
                            .put("train_loss_mean", b.trainLoss().mean())
                            .put("train_loss_std", b.trainLoss().std())
                            .put("live_pool_ties_mean", b.livePoolTies().mean())
                            .put("live_pool_ties_std", b.livePoolTies().std())
                            .put("diverged", b.diverged())
                            .put("precision", precision.toString())
                            .put("optimizer", config.optimizer())
                            .put("batch_norm", batchNorm));
                }
                out.flush();
            } else {
                printTable(summaries, config, out);
            }
            if (svg != null) {
                Relu0SweepCommand.writeAtomically(svg, plot(runs, summaries, config, trained));
                err.println("inertia pool-sweep: plot written to " + svg);
            }
        }
    }

    /** One row per beta: mean ± std over seeds of the accuracy, the train loss, the live ties; divergences. */
    private static void printTable(List<PoolSweep.BetaSummary> summaries, PoolSweep.Config config, PrintStream out) {
        out.println("cnn, " + config.configuration() + ", " + config.epochs() + " epoch"
                + (config.epochs() == 1 ? "" : "s") + ", " + config.seeds() + " seed" + (config.seeds() == 1 ? "" : "s")
                + ": mean ± std over seeds");
        out.println(String.format(Locale.ROOT, "%-8s  %-18s  %-18s  %-24s  %s", "beta", "test acc (%)",
                "train loss", "live max-pool ties", "diverged").stripTrailing());
        for (PoolSweep.BetaSummary b : summaries) {
            SeedSummary acc = new SeedSummary(b.testAcc().n(), 100 * b.testAcc().mean(), 100 * b.testAcc().std());
            out.println(String.format(Locale.ROOT, "%-8s  %-18s  %-18s  %-24s  %d/%d", num(b.beta()), acc.format(2),
                    b.trainLoss().format(4), b.livePoolTies().format(0), b.diverged(), b.testAcc().n()));
        }
        out.flush();
    }

    /**
     * Accuracy (%) against beta on a symmetric log axis (sign(beta)·log10(1 + |beta|), so 0, 1 and
     * 10000 all fit): the mean over seeds, and each seed when there are several.
     */
    static String plot(List<PoolSweep.Run> runs, List<PoolSweep.BetaSummary> summaries, PoolSweep.Config config,
            String data) {
        List<LinePlot.Series> series = new ArrayList<>();
        double[] x = summaries.stream().mapToDouble(b -> symlog(b.beta())).toArray();
        series.add(new LinePlot.Series("mean of " + config.seeds() + " seed" + (config.seeds() == 1 ? "" : "s"), x,
                summaries.stream().mapToDouble(b -> 100 * b.testAcc().mean()).toArray()));
        if (config.seeds() > 1 && config.seeds() < 10) {
            for (int s = 0; s < config.seeds(); s++) {
                long seed = config.seed() + s;
                List<PoolSweep.Run> mine = runs.stream().filter(r -> r.seed() == seed).toList();
                series.add(new LinePlot.Series("seed " + seed, mine.stream().mapToDouble(r -> symlog(r.beta()))
                        .toArray(), mine.stream().mapToDouble(r -> 100 * r.testAcc()).toArray()));
            }
        }
        String title = String.format(Locale.ROOT, "Fashion-MNIST (%s), cnn, %s, %d epoch%s", data,
                config.configuration(), config.epochs(), config.epochs() == 1 ? "" : "s");
        return LinePlot.svg(title, "sign(beta)·log10(1 + |beta|)", "test accuracy (%)", series);
    }

    private static double symlog(double beta) {
        return Math.signum(beta) * Math.log10(1 + Math.abs(beta));
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
