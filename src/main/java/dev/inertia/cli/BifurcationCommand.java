package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.data.FashionMnist;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.numerics.Bifurcation;
import dev.inertia.numerics.DifferenceHistogram;
import dev.inertia.numerics.GradientZone;
import dev.inertia.numerics.KinkMonitor;
import dev.inertia.numerics.PoolBifurcation;
import dev.inertia.autodiff.Precision;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code inertia bifurcation [--precision fp16|bf16|fp32|fp64] [--hidden L] [--width W]
 * [--inits N] [--batch B] [--lr X] [--max-batches M] [--data-dir DIR] [--seed S] [--seeds N] [--tau X]
 * [--histogram FILE.svg] [--threads T] [--json]}: the ReLU'(0) bifurcation experiment ({@link Bifurcation}) on Fashion-MNIST's
 * training set. Defaults: fp32, 1 hidden layer of 256 units, batch 128, SGD step 0.01, 1000
 * initializations (20 at fp64, where no hit is expected and each one costs a whole epoch).
 * {@code --kink-report} adds, per ReLU, the kink hits of the ReLU'(0) = 0 sweeps and the share
 * of provably smooth mini-batches (one JSON line per ReLU before the result line with --json).
 *
 * <p>{@code --pool [--channels C]} runs the max-pool variant ({@link PoolBifurcation}) instead: a
 * CNN with C and 2C channels (default 8), the first-index against the uniform max-pool Jacobian,
 * every initialization through its whole epoch (default 3 initializations).
 *
 * <p>Every mini-batch lands in one zone by ||Δgrad||_∞ against τ ({@link GradientZone}; {@code --tau}
 * overrides the precision's default); {@code --seeds N} repeats the experiment for seeds S..S+N-1
 * and adds a mean ± std summary ({@link SeedTable}); {@code --histogram} writes the differences of
 * every mini-batch of every seed as an SVG histogram ({@link DifferenceHistogram}).
 */
final class BifurcationCommand {
    private BifurcationCommand() {}

    /** The default number of initializations: 1000, but 20 at fp64 (no hit there, so every one runs a full epoch). */
    static int defaultInits(Precision p) {
        return p == Precision.FP64 ? 20 : 1000;
    }

    /** The default number of initializations of the max-pool variant, each of which runs a whole epoch. */
    static final int DEFAULT_POOL_INITS = 3;

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("bifurcation", argv, Set.of("precision", "hidden", "width", "inits", "batch", "lr",
                "max-batches", "data-dir", "seed", "threads", "channels", "tau", "seeds", "histogram"),
                Set.of("json", "kink-report", "pool"));
        boolean pool = args.has("pool");
        if (pool && (args.has("hidden") || args.has("width"))) {
            throw new UsageException("--hidden and --width are for the MLP; the --pool CNN takes --channels");
        }
        if (!pool && args.has("channels")) {
            throw new UsageException("--channels is for the --pool CNN; the MLP takes --hidden and --width");
        }
        Precision precision;
        try {
            precision = Precision.parse(args.string("precision", "fp32"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--precision: " + e.getMessage());
        }
        int hidden = args.positiveInteger("hidden", 1);
        int width = args.positiveInteger("width", 256);
        int inits = args.positiveInteger("inits", pool ? DEFAULT_POOL_INITS : defaultInits(precision));
        int batch = args.positiveInteger("batch", 128);
        double lr = args.number("lr", 0.01);
        int maxBatches = args.integer("max-batches", 0);
        if (maxBatches < 0) {
            throw new UsageException("--max-batches must be >= 0 (0 = the whole epoch), got " + maxBatches);
        }
        long seed = args.longInteger("seed", 1);
        double tau = tau(args, precision);
        int seeds = args.positiveInteger("seeds", 1);
        Path histogram = args.has("histogram") ? Path.of(args.string("histogram", "")) : null;
        if (histogram != null && histogram.toAbsolutePath().getParent() != null
                && !Files.isDirectory(histogram.toAbsolutePath().getParent())) {
            throw new UsageException("--histogram " + histogram + ": directory "
                    + histogram.toAbsolutePath().getParent() + " does not exist");
        }
        checkSize(pool, hidden, width, batch, args.positiveInteger("channels", 8), precision);
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            Path dataDir = args.has("data-dir") ? Path.of(args.string("data-dir", null)) : null;
            FashionMnist.Splits data;
            try {
                data = FashionMnist.load(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load Fashion-MNIST: " + e.getMessage(), e);
            }
            if (!args.has("json")) {
                err.println("data: " + data.source());
            }
            DifferenceHistogram differences = new DifferenceHistogram();
            SeedTable table = new SeedTable();
            String title;
            if (pool) {
                int channels = args.positiveInteger("channels", 8);
                for (int i = 0; i < seeds; i++) {
                    PoolBifurcation.Result r = PoolBifurcation.run(data.train(), new PoolBifurcation.Config(precision,
                            channels, inits, batch, lr, seed + i, maxBatches, tau));
                    differences.add(r.differences());
                    table.add(seed + i, poolFigures(r));
                    if (seeds == 1 || args.has("json")) {
                        printPool(r, args, data, out);
                    }
                }
                title = String.format(Locale.ROOT, "max-pool Jacobians, %s, CNN %d/%d channels, %d inits x %d seed%s",
                        precision, channels, 2 * channels, inits, seeds, seeds == 1 ? "" : "s");
            } else {
                for (int i = 0; i < seeds; i++) {
                    Bifurcation.Result r = Bifurcation.run(data.train(),
                            new Bifurcation.Config(precision, hidden, width, inits, batch, lr, seed + i, maxBatches,
                                    tau));
                    differences.add(r.differences());
                    table.add(seed + i, mlpFigures(r));
                    if (seeds == 1 || args.has("json")) {
                        printMlp(r, args, data, out);
                    }
                }
                title = String.format(Locale.ROOT, "ReLU'(0), %s, MLP %dx%d, %d inits x %d seed%s", precision, hidden,
                        width, inits, seeds, seeds == 1 ? "" : "s");
            }
            if (seeds > 1) {
                if (args.has("json")) {
                    out.println(table.summaryJson(pool ? "pool" : "mlp", precision, tau));
                } else {
                    out.print(table.text(precision, tau));
                }
            }
            if (histogram != null) {
                try {
                    differences.write(histogram, title, tau);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the histogram " + histogram + ": " + e.getMessage(),
                            e);
                }
                if (!args.has("json")) {
                    err.println("histogram of " + differences.total() + " mini-batches written to " + histogram);
                }
            }
        }
    }

    /** {@code --tau}, a finite number >= 0, or the precision's default ({@link GradientZone#defaultTau}). */
    static double tau(Args args, Precision precision) {
        if (!args.has("tau")) {
            return GradientZone.defaultTau(precision);
        }
        double tau = args.number("tau", 0); // refuses NaN and infinities with one line
        if (tau < 0) {
            throw new UsageException("--tau must be >= 0, got " + args.string("tau", ""));
        }
        return tau;
    }

    /** The figures one seed contributes to the mean ± std table of the MLP experiment. */
    private static Map<String, Double> mlpFigures(Bifurcation.Result r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hit_share", r.hitShare());
        m.put("compensation_share", r.compensationShare());
        m.put("bifurcation_share", r.bifurcationShare());
        m.put("zero_rate", r.zeroRate());
        m.put("batches_checked", (double) r.batchesChecked());
        m.put("compensation_batches", (double) r.compensationBatches());
        m.put("bifurcation_batches", (double) r.bifurcationBatches());
        m.put("seconds", r.seconds());
        return m;
    }

    /** The figures one seed contributes to the mean ± std table of the max-pool experiment. */
    private static Map<String, Double> poolFigures(PoolBifurcation.Result r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hit_share", r.hitShare());
        m.put("compensation_share", r.compensationShare());
        m.put("bifurcation_share", r.batchHitShare());
        m.put("batches_checked", (double) r.batchesChecked());
        m.put("compensation_batches", (double) r.compensationBatches());
        m.put("bifurcation_batches", (double) r.hitBatches());
        m.put("seconds", r.seconds());
        return m;
    }

    private static void printMlp(Bifurcation.Result r, Args args, FashionMnist.Splits data, PrintStream out) {
        Bifurcation.Config c = r.config();
        if (args.has("json")) {
            if (args.has("kink-report")) {
                printKinks(r.kinks(), out);
            }
            out.println(new Json()
                    .put("precision", c.precision().toString())
                    .put("hidden", c.hidden())
                    .put("width", c.width())
                    .put("inits", c.inits())
                    .put("hits", r.hits())
                    .put("hit_share", r.hitShare())
                    .put("zero_rate", r.zeroRate())
                    .put("batches_checked", r.batchesChecked())
                    .put("live_batches", r.liveBatches())
                    .put("no_difference_batches", r.noDifferenceBatches())
                    .put("compensation_batches", r.compensationBatches())
                    .put("bifurcation_batches", r.bifurcationBatches())
                    .put("compensation_share", r.compensationShare())
                    .put("bifurcation_share", r.bifurcationShare())
                    .put("tau", c.tau())
                    .put("largest_difference", r.largest())
                    .put("smooth_share", r.kinks().smoothShare())
                    .put("batch", c.batch())
                    .put("lr", c.lr())
                    .put("seed", c.seed())
                    .put("data", data.source().isSample() ? "sample" : "full")
                    .put("seconds", Math.round(r.seconds() * 1000) / 1000.0));
        } else {
            out.printf("%s, %d hidden layer(s) of %d: %d of %d initializations hit the bifurcation zone (%.1f%%)%n",
                    c.precision(), c.hidden(), c.width(), r.hits(), c.inits(), 100 * r.hitShare());
            out.printf("  %,d mini-batches checked, %,d with a live kink; exactly-zero pre-activations %.3g%n",
                    r.batchesChecked(), r.liveBatches(), r.zeroRate());
            out.printf(Locale.ROOT, "  zones at tau %.0e: %,d no difference, %,d compensation (%.2f%%), %,d bifurcation"
                    + " (%.2f%%); largest difference %.3g%n", c.tau(), r.noDifferenceBatches(),
                    r.compensationBatches(), 100 * r.compensationShare(), r.bifurcationBatches(),
                    100 * r.bifurcationShare(), r.largest());
            out.printf("  %.1f s%n", r.seconds());
            if (args.has("kink-report")) {
                out.print(r.kinks().summary());
            }
        }
    }

    /**
     * Refuses sizes that cannot fit before loading anything: the MLP's weights (value and
     * gradient) and its hidden activations, or the CNN's first convolution output, at the
     * precision's storage width.
     */
    private static void checkSize(boolean pool, int hidden, int width, int batch, int channels, Precision precision) {
        int bytes = precision.storage().byteSize();
        if (pool) {
            double conv1 = (double) batch * channels * 28 * 28;
            Footprint.check("bifurcation --pool --channels " + channels + " --batch " + batch,
                    "the first convolution's output", conv1, 2 * conv1 * bytes);
            return;
        }
        double first = 784.0 * width, inner = (double) width * width;
        double params = first + (hidden - 1) * inner + 10.0 * width;
        double activations = (double) batch * width;
        Footprint.check("bifurcation --hidden " + hidden + " --width " + width + " --batch " + batch,
                "a weight matrix or activation", Math.max(Math.max(first, hidden > 1 ? inner : 0), activations),
                (2 * params + 2 * activations * hidden) * bytes);
    }

    private static void printPool(PoolBifurcation.Result r, Args args, FashionMnist.Splits data, PrintStream out) {
        PoolBifurcation.Config c = r.config();
        double threshold = c.tau();
        if (args.has("json")) {
            if (args.has("kink-report")) {
                printKinks(r.kinks(), out);
            }
            out.println(new Json()
                    .put("mode", "pool")
                    .put("precision", c.precision().toString())
                    .put("channels", c.channels())
                    .put("inits", c.inits())
                    .put("hit_share", r.hitShare())
                    .put("batch_hit_share", r.batchHitShare())
                    .put("hit_batches", r.hitBatches())
                    .put("batches_checked", r.batchesChecked())
                    .put("live_batches", r.liveBatches())
                    .put("threshold", threshold)
                    .put("tau", threshold)
                    .put("no_difference_batches", r.noDifferenceBatches())
                    .put("compensation_batches", r.compensationBatches())
                    .put("compensation_share", r.compensationShare())
                    .put("largest_difference", r.largest())
                    .put("smooth_share", r.kinks().smoothShare())
                    .put("batch", c.batch())
                    .put("lr", c.lr())
                    .put("seed", c.seed())
                    .put("data", data.source().isSample() ? "sample" : "full")
                    .put("seconds", Math.round(r.seconds() * 1000) / 1000.0));
        } else {
            out.printf("%s, CNN with %d/%d channels: %,d of %,d mini-batches (%.1f%%) over %.0e with first-index vs"
                    + " uniform max-pool Jacobians%n", c.precision(), c.channels(), 2 * c.channels(), r.hitBatches(),
                    r.batchesChecked(), 100 * r.batchHitShare(), threshold);
            out.printf("  %d of %d initializations hit; %,d mini-batches with a live tie; largest difference %.3g%n",
                    r.hitInits(), c.inits(), r.liveBatches(), r.largest());
            out.printf(Locale.ROOT, "  zones: %,d no difference, %,d compensation (%.2f%%), %,d bifurcation%n",
                    r.noDifferenceBatches(), r.compensationBatches(), 100 * r.compensationShare(), r.hitBatches());
            out.printf("  %.1f s%n", r.seconds());
            if (args.has("kink-report")) {
                out.print(r.kinks().summary());
            }
        }
    }

    private static void printKinks(KinkMonitor monitor, PrintStream out) {
        for (KinkMonitor.OpTotals o : monitor.ops()) {
            out.println(new Json().put("kink_op", o.index()).put("op", o.op()).put("hits", o.hits())
                    .put("live", o.live()).put("live_steps", o.liveSteps()));
        }
    }
}
