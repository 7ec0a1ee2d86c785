package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.numerics.BandPlot;
import dev.inertia.numerics.SeedSummary;
import dev.inertia.optim.OptimizerRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code inertia optimizer-study}: trains the same model with several optimizer configurations
 * ({@code innaprop:ALPHA:BETA}, {@code inna:ALPHA:BETA}, or a name of {@link OptimizerRegistry}
 * in its default configuration) from several seeds, prints one line per run (JSON with {@code
 * --json}: per-epoch train loss and test accuracy, the final figures, the seconds) and then, per
 * configuration, the mean ± sample standard deviation over seeds of the final test accuracy and
 * train loss ({@link SeedSummary}). {@code --svg FILE} draws both curves per epoch, each
 * configuration's mean inside a ±1 std band, as two panels of one SVG ({@link BandPlot}). Every
 * configuration is checked before the first run (INNA and INNAprop need the learning rate below
 * beta).
 */
final class OptimizerStudyCommand {
    static final String DEFAULT_OPTIMIZERS = "innaprop:0.1:0.9,innaprop:1:1,innaprop:2:2,adamw";

    private OptimizerStudyCommand() {}

    /** One configuration: its label as given, the optimizer's name, alpha and beta when given. */
    record Config(String label, String optimizer, Map<String, Double> overrides) {
        /** Parses {@code name} or {@code name:alpha:beta} (the latter for inna and innaprop). */
        static Config parse(String text) {
            String[] parts = text.trim().split(":");
            String name = parts[0].toLowerCase(Locale.ROOT);
            if (!OptimizerRegistry.NAMES.contains(name)) {
                throw new UsageException("--optimizers: unknown optimizer '" + parts[0] + "' in '" + text
                        + "'; expected one of " + String.join(", ", OptimizerRegistry.NAMES));
            }
            if (parts.length == 1) {
                return new Config(name, name, Map.of());
            }
            if (parts.length != 3 || !(name.equals("innaprop") || name.equals("inna"))) {
                throw new UsageException("--optimizers: '" + text + "' is not NAME or innaprop:ALPHA:BETA"
                        + " (inna:ALPHA:BETA)");
            }
            double alpha = StudyRunner.numbers("optimizers", parts[1])[0];
            double beta = StudyRunner.numbers("optimizers", parts[2])[0];
            Map<String, Double> overrides = new LinkedHashMap<>();
            overrides.put("alpha", alpha);
            overrides.put("beta", beta);
            return new Config(text.trim(), name, overrides);
        }
    }

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Set<String> valued = new HashSet<>(StudyRunner.FLAGS);
        valued.add("optimizers");
        Args args = Args.parse("optimizer-study", argv, valued, Set.of("json"));
        List<Config> configs = new ArrayList<>();
        for (String entry : args.string("optimizers", DEFAULT_OPTIMIZERS).split(",")) {
            if (!entry.isBlank()) {
                Config c = Config.parse(entry);
                if (configs.contains(c)) {
                    throw new UsageException("--optimizers lists " + c.label() + " twice");
                }
                configs.add(c);
            }
        }
        if (configs.isEmpty()) {
            throw new UsageException("--optimizers needs at least one configuration, like " + DEFAULT_OPTIMIZERS);
        }
        boolean json = args.has("json");
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            StudyRunner study = new StudyRunner(args, 3);
            for (Config c : configs) { // every configuration refused now, not after hours of the others
                study.optimizer(c.optimizer(), c.overrides());
            }
            Path svg = study.svgTarget();
            err.println("inertia optimizer-study: " + configs.size() + " configuration" + (configs.size() == 1 ? ""
                    : "s") + " x " + study.seeds.length + " seed" + (study.seeds.length == 1 ? "" : "s") + "; "
                    + study.describe() + ", " + Parallel.threads() + " thread" + (Parallel.threads() == 1 ? "" : "s"));
            Map<Config, List<StudyRunner.Run>> runs = new LinkedHashMap<>();
            for (Config c : configs) {
                List<StudyRunner.Run> mine = new ArrayList<>();
                for (long seed : study.seeds) {
                    StudyRunner.Run r = study.train(c.label(), c.optimizer(), c.overrides(), seed);
                    mine.add(r);
                    print(r, study, json, out);
                }
                runs.put(c, mine);
            }
            summary(runs, json, out, json ? err : out);
            if (svg != null) {
                StudyRunner.write(svg, plot(runs, study));
                err.println("plot written to " + svg);
            }
        }
    }

    private static void print(StudyRunner.Run r, StudyRunner study, boolean json, PrintStream out) {
        if (json) {
            out.println(new Json()
                    .put("optimizer", r.optimizer())
                    .put("config", r.label())
                    .put("alpha", r.alpha())
                    .put("beta", r.beta())
                    .put("seed", r.seed())
                    .put("model", study.model())
                    .put("epochs", study.epochs)
                    .put("train_loss", r.trainLoss())
                    .put("test_acc", r.testAcc())
                    .put("final_test_acc", r.finalTestAcc())
                    .put("final_train_loss", r.finalTrainLoss())
                    .put("diverged", r.diverged())
                    .put("seconds", r.seconds()));
        } else {
            out.printf(Locale.ROOT, "%-18s seed %-3d test_acc %6.2f%%  train_loss %.4f  %.1f s%s%n", r.label(),
                    r.seed(), 100 * r.finalTestAcc(), r.finalTrainLoss(), r.seconds(),
                    r.diverged() ? "  (diverged)" : "");
        }
        out.flush();
    }

    /** Per configuration, mean ± std over seeds: JSON lines with {@code --json} (the table then on {@code table}). */
    private static void summary(Map<Config, List<StudyRunner.Run>> runs, boolean json, PrintStream out,
            PrintStream table) {
        table.printf(Locale.ROOT, "%-18s %5s  %-18s  %-18s%n", "optimizer", "seeds", "test acc (%)", "train loss");
        for (var e : runs.entrySet()) {
            SeedSummary acc = SeedSummary.of(e.getValue().stream().mapToDouble(StudyRunner.Run::finalTestAcc)
                    .toArray());
            SeedSummary loss = SeedSummary.of(e.getValue().stream().mapToDouble(StudyRunner.Run::finalTrainLoss)
                    .toArray());
            table.printf(Locale.ROOT, "%-18s %5d  %-18s  %-18s%n", e.getKey().label(), acc.n(),
                    StudyRunner.percent(acc).format(2),
                    loss.format(4));
            if (json) {
                out.println(new Json()
                        .put("summary", true)
                        .put("optimizer", e.getKey().optimizer())
                        .put("config", e.getKey().label())
                        .put("seeds", acc.n())
                        .put("final_test_acc_mean", acc.mean())
                        .put("final_test_acc_std", acc.std())
                        .put("final_train_loss_mean", loss.mean())
                        .put("final_train_loss_std", loss.std()));
            }
        }
        out.flush();
        table.flush();
    }

    /** Train loss and test accuracy (%) per epoch, each configuration's mean over seeds with a ±1 std band. */
    static String plot(Map<Config, List<StudyRunner.Run>> runs, StudyRunner study) {
        double[] epochs = new double[study.epochs];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        List<BandPlot.Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        for (var e : runs.entrySet()) {
            List<StudyRunner.Run> rs = e.getValue();
            loss.add(BandPlot.Series.over(e.getKey().label(), epochs,
                    rs.stream().map(StudyRunner.Run::trainLoss).toArray(double[][]::new)));
            acc.add(BandPlot.Series.over(e.getKey().label(), epochs, rs.stream().map(r -> percent(r.testAcc()))
                    .toArray(double[][]::new)));
        }
        String over = " (" + study.model() + ", mean ± 1 std over " + study.seeds.length + " seed"
                + (study.seeds.length == 1 ? "" : "s") + ")";
        return BandPlot.svg(List.of(new BandPlot.Panel("Train loss" + over, "epoch", "train loss", loss),
                new BandPlot.Panel("Test accuracy" + over, "epoch", "test accuracy (%)", acc)));
    }

    private static double[] percent(double[] fractions) {
        double[] p = fractions.clone();
        for (int i = 0; i < p.length; i++) {
            p[i] *= 100;
        }
        return p;
    }
}
