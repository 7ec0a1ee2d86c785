package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.numerics.Heatmap;
import dev.inertia.numerics.SeedSummary;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code inertia alpha-beta-grid}: INNAprop's test accuracy over a grid of (alpha, beta), as the
 * INNAprop paper's CIFAR-10 figure: one training run per cell and seed (defaults as the paper's
 * grid: lr 1e-3, weight decay 0.01, cosine schedule), one line per cell (JSON with {@code
 * --json}: the final test accuracy and train loss, mean ± std over seeds), and with {@code --svg
 * FILE} a heatmap of the mean test accuracy, alpha down, beta across, the value in each cell.
 * A cell whose beta is not above the learning rate cannot run (INNAprop needs lr &lt; beta): it
 * is reported as skipped, in the lines and the heatmap, never silently dropped.
 */
final class AlphaBetaGridCommand {
    static final String DEFAULT_VALUES = "0.1,0.5,0.9,1,1.5,2";
    /** The paper's grid settings, the defaults here. */
    static final double LR = 1e-3, WEIGHT_DECAY = 0.01;

    private AlphaBetaGridCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Set<String> valued = new HashSet<>(StudyRunner.FLAGS);
        valued.addAll(Set.of("alphas", "betas"));
        List<String> withDefaults = new ArrayList<>(argv);
        if (!argv.contains("--lr") && argv.stream().noneMatch(a -> a.startsWith("--lr="))) {
            withDefaults.addAll(List.of("--lr", Double.toString(LR)));
        }
        if (!argv.contains("--weight-decay") && argv.stream().noneMatch(a -> a.startsWith("--weight-decay="))) {
            withDefaults.addAll(List.of("--weight-decay", Double.toString(WEIGHT_DECAY)));
        }
        Args args = Args.parse("alpha-beta-grid", withDefaults, valued, Set.of("json"));
        double[] alphas = StudyRunner.numbers("alphas", args.string("alphas", DEFAULT_VALUES));
        double[] betas = StudyRunner.numbers("betas", args.string("betas", DEFAULT_VALUES));
        for (double b : betas) {
            if (!(b > 0)) {
                throw new UsageException("--betas must be > 0, got " + b);
            }
        }
        boolean json = args.has("json");
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            StudyRunner study = new StudyRunner(args, 1);
            double lr = study.lr;
            for (double a : alphas) { // every runnable cell's hyperparameters checked before the first run
                for (double b : betas) {
                    if (lr < b) {
                        study.optimizer("innaprop", Map.of("alpha", a, "beta", b));
                    }
                }
            }
            Path svg = study.svgTarget();
            err.println("inertia alpha-beta-grid: innaprop, " + alphas.length + " alphas x " + betas.length
                    + " betas, lr " + lr + "; " + study.describe() + ", " + Parallel.threads() + " thread"
                    + (Parallel.threads() == 1 ? "" : "s"));
            double[][] accuracy = new double[alphas.length][betas.length];
            String[][] text = new String[alphas.length][betas.length];
            for (int i = 0; i < alphas.length; i++) {
                for (int j = 0; j < betas.length; j++) {
                    double a = alphas[i], b = betas[j];
                    if (!(lr < b)) {
                        accuracy[i][j] = Double.NaN;
                        text[i][j] = "skipped";
                        String reason = "INNAprop needs the learning rate below beta: lr " + lr + " >= beta " + b;
                        if (json) {
                            out.println(new Json().put("alpha", a).put("beta", b).put("skipped", true)
                                    .put("reason", reason));
                        } else {
                            out.printf(Locale.ROOT, "alpha %-5s beta %-6s skipped: %s%n", label(a), label(b),
                                    reason);
                        }
                        out.flush();
                        continue;
                    }
                    List<StudyRunner.Run> runs = new ArrayList<>();
                    for (long seed : study.seeds) {
                        runs.add(study.train("innaprop:" + a + ":" + b, "innaprop", Map.of("alpha", a, "beta", b),
                                seed));
                    }
                    SeedSummary acc = SeedSummary.of(runs.stream().mapToDouble(StudyRunner.Run::finalTestAcc)
                            .toArray());
                    SeedSummary loss = SeedSummary.of(runs.stream().mapToDouble(StudyRunner.Run::finalTrainLoss)
                            .toArray());
                    double seconds = runs.stream().mapToDouble(StudyRunner.Run::seconds).sum();
                    boolean diverged = runs.stream().anyMatch(StudyRunner.Run::diverged);
                    accuracy[i][j] = 100 * acc.mean();
                    text[i][j] = !Double.isFinite(acc.mean()) ? "diverged"
                            : acc.n() > 1 ? StudyRunner.percent(acc).format(1)
                            : String.format(Locale.ROOT, "%.2f", 100 * acc.mean());
                    if (json) {
                        out.println(new Json()
                                .put("alpha", a)
                                .put("beta", b)
                                .put("skipped", false)
                                .put("seeds", acc.n())
                                .put("test_acc_mean", acc.mean())
                                .put("test_acc_std", acc.std())
                                .put("train_loss_mean", loss.mean())
                                .put("train_loss_std", loss.std())
                                .put("diverged", diverged)
                                .put("lr", lr)
                                .put("model", study.model())
                                .put("epochs", study.epochs)
                                .put("seconds", seconds));
                    } else {
                        out.printf(Locale.ROOT, "alpha %-5s beta %-6s test_acc %s%%  train_loss %s  %.1f s%n",
                                label(a), label(b), StudyRunner.percent(acc).format(2), loss.format(4), seconds);
                    }
                    out.flush();
                }
            }
            if (svg != null) {
                String[] rows = new String[alphas.length], cols = new String[betas.length];
                for (int i = 0; i < alphas.length; i++) {
                    rows[i] = label(alphas[i]);
                }
                for (int j = 0; j < betas.length; j++) {
                    cols[j] = label(betas[j]);
                }
                String title = "INNAprop test accuracy (%), " + study.model() + ", lr " + lr + ", " + study.epochs
                        + " epoch" + (study.epochs == 1 ? "" : "s") + ", " + study.seeds.length + " seed"
                        + (study.seeds.length == 1 ? "" : "s");
                StudyRunner.write(svg, Heatmap.svg(title, "alpha", "beta", rows, cols, accuracy, text));
                err.println("heatmap written to " + svg);
            }
        }
    }

    /** {@code v} as typed: 1 rather than 1.0, 0.1 rather than 0.1000. */
    private static String label(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
