package dev.inertia.cli;

import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.io.Json;
import dev.inertia.data.FashionMnist;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Sequential;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Precision;
import dev.inertia.numerics.LossScaler;
import dev.inertia.train.EpochReport;
import dev.inertia.train.KernelWarmup;
import dev.inertia.train.Progress;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.TrainListener;
import dev.inertia.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code inertia train}: trains the mlp or the cnn of docs/DESIGN.md on Fashion-MNIST (with {@code --csv},
 * an MLP on the user's CSV: {@link CsvTrainCommand}) (found by the
 * lookup of {@link FashionMnist}), prints one line per epoch (JSON with {@code --json}) on stdout
 * and progress, messages and a summary on stderr.
 *
 * <p>The learning rate follows a cosine from {@code --lr} (or the optimizer's default) down to 0
 * over the planned steps (epochs × batches per epoch; {@code --max-steps} stops the run early
 * without shortening the schedule), as most recipes for these models do; {@code --schedule
 * constant} keeps it fixed. The optimizer's own hyperparameters, a warm-up, a floor and gradient
 * clipping come from the flags of {@link OptimizerFlags}.
 *
 * <p>Precisions: fp32 (the default) and fp64 compute in that dtype. bf16 and fp16 are emulated
 * on F32 tensors op by op by the tapes ({@code Tape#setPrecision}: every value and gradient
 * rounded, parameters after each step too); the optimizer state and the accumulations inside
 * kernels stay F32. {@code --loss-scale static:N|dynamic} scales the loss for the reverse sweep
 * ({@link LossScaler}), for fp16.
 *
 * <p>Faults: a run whose loss or gradient becomes NaN or infinite stops with the step it happened
 * at and exits 1, writing no checkpoint from that state; {@code --checkpoint FILE} is checked
 * before training (its directory must exist and be writable), and an existing FILE is replaced
 * only by a run that resumes from it or is given {@code --overwrite}. A resumed run continues
 * with the checkpoint's learning rate, schedule and shuffling seed, so {@code --lr} and
 * {@code --seed} are refused together with {@code --resume}. Ctrl-C or SIGTERM stops after the
 * current step, writes the checkpoint and exits with the signal's status (130, 143).
 */
final class TrainCommand {
    static final String USAGE = "train --model mlp|cnn [--data-dir DIR] [--epochs E] [--batch B] [--optimizer "
            + String.join("|", OptimizerRegistry.NAMES) + "] [--lr X] [--schedule cosine|constant] [--alpha A] [--beta B]"
            + " [--sigma S] [--eps E] [--weight-decay W] [--warmup-steps N] [--min-lr X] [--clip-grad-norm C]"
            + " [--relu0 S] [--pool-tie first|uniform|beta:B] [--seed S]"
            + " [--threads T] [--max-steps N] [--precision fp64|fp32|bf16|fp16] [--loss-scale static:N|dynamic]"
            + " [--checkpoint FILE [--overwrite]] [--resume FILE] [--json]";
    /** Epochs by default on the full data and on the bundled sample. */
    static final int FULL_EPOCHS = 10, SAMPLE_EPOCHS = 3;

    private TrainCommand() {}

    /** The exit status of a run stopped by an interrupt after writing its checkpoint: 128 + SIGINT, as a shell reports Ctrl-C. */
    static final int INTERRUPTED = 130;

    /** Runs the command; returns its exit status: 0, or {@link #INTERRUPTED}. */
    static int run(List<String> argv, PrintStream out, PrintStream err) {
        for (String a : argv) {
            if (a.equals("--csv") || a.startsWith("--csv=")) {
                CsvTrainCommand.run(argv, out, err);
                return 0;
            }
        }
        Set<String> valued = new HashSet<>(Set.of("model", "data-dir", "epochs", "batch", "optimizer", "lr", "schedule",
                "relu0", "pool-tie", "seed", "threads", "max-steps", "precision", "checkpoint", "resume", "loss-scale"));
        valued.addAll(OptimizerFlags.FLAGS);
        Args args = Args.parse("train", argv, valued, Set.of("json", "overwrite"));
        for (String flag : List.of("lr", "seed")) {
            if (args.has(flag) && args.has("resume")) {
                throw new UsageException("--" + flag + " cannot be combined with --resume: a resumed run continues with"
                        + " the checkpoint's learning rate, schedule and shuffling seed; drop --" + flag);
            }
        }
        for (String flag : List.of("alpha", "beta", "sigma", "eps", "weight-decay")) {
            if (args.has(flag) && args.has("resume")) {
                throw new UsageException("--" + flag + " cannot be combined with --resume: a resumed run continues with"
                        + " the checkpoint's optimizer hyperparameters; drop --" + flag);
            }
        }
        for (String flag : List.of("warmup-steps", "min-lr", "clip-grad-norm")) {
            if (args.has(flag) && (args.has("checkpoint") || args.has("resume"))) {
                throw new UsageException("--" + flag + " cannot be combined with --checkpoint or --resume: checkpoints"
                        + " do not record it, so a resumed run would silently differ");
            }
        }
        if (args.has("overwrite") && !args.has("checkpoint")) {
            throw new UsageException("--overwrite allows replacing an existing --checkpoint FILE; give --checkpoint");
        }
        Models.Kind kind = Models.Kind.parse(args.choice("model", "mlp", "mlp", "cnn"));
        String optimizer = args.choice("optimizer", "innaprop", OptimizerRegistry.NAMES.toArray(String[]::new));
        int batch = args.positiveInteger("batch", 128);
        double lr = args.has("lr") ? args.number("lr", 0) : Double.NaN;
        if (lr < 0) {
            throw new UsageException("--lr must be >= 0, got " + lr);
        }
        String schedule = args.choice("schedule", TrainConfig.SCHEDULES.getFirst(),
                TrainConfig.SCHEDULES.toArray(String[]::new));
        OptimizerFlags flags = OptimizerFlags.parse(args, optimizer, lr, schedule);
        double relu0 = args.number("relu0", 0);
        Kinks.Ties poolTies = poolTies(args, kind);
        long seed = args.longInteger("seed", 1);
        long maxSteps = args.has("max-steps") ? args.positiveInteger("max-steps", 1) : 0;
        Precision precision = Precision.parse(args.choice("precision", "fp32", "fp64", "fp32", "bf16", "fp16"));
        LossScaler scaler;
        try {
            scaler = args.has("loss-scale") ? LossScaler.parse(args.string("loss-scale", "")) : null;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--loss-scale: " + e.getMessage());
        }
        if (KernelWarmup.enabled()) { // compiles the kernels while the data loads; the first step waits for it
            KernelWarmup.start(precision.storage(), kind == Models.Kind.CNN, optimizer);
        }
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            Path checkpoint = args.has("checkpoint") ? Path.of(args.string("checkpoint", "")) : null;
            Path resume = args.has("resume") ? Path.of(args.string("resume", "")) : null;
            if (resume != null && !Files.isRegularFile(resume)) {
                throw new IllegalArgumentException("--resume " + resume + ": no such checkpoint file");
            }
            boolean json = args.has("json");
            try {
                FashionMnist.Splits data = FashionMnist.load(args.has("data-dir") ? Path.of(args.string("data-dir", ""))
                        : null);
                int epochs = args.has("epochs") ? args.positiveInteger("epochs", 1)
                        : data.source().isSample() ? SAMPLE_EPOCHS : FULL_EPOCHS;
                TrainConfig config = new TrainConfig(kind.toString(), kind.imageInput(), epochs, batch, optimizer, lr, relu0,
                        seed, maxSteps, precision.storage(), precision.toString(), null, checkpoint, resume, precision,
                        scaler, schedule, poolTies);
                err.println("inertia train: " + kind + ", " + optimizer + " (" + schedule + " schedule), batch " + batch
                        + ", " + precision + ", " + Parallel.threads() + " thread" + (Parallel.threads() == 1 ? "" : "s")
                        + "; data: " + data.source().description());
                try (Scope scope = Scope.open()) {
                    Sequential model = Models.create(kind, scope, precision.storage(), seed);
                    try (Trainer trainer = new Trainer(config, model, data.train(), data.test(),
                            data.source().description(), flags::apply).overwriteCheckpoint(args.has("overwrite"))) {
                        String source = data.source().isSample() ? "bundled-sample" : data.source().directory().toString();
                        trainer.listener(new Printer(kind, optimizer, schedule, batch, precision, source, json, out, err));
                        if (err == System.err) {
                            trainer.progress(Progress.onStderr());
                        }
                        trainer.resume();
                        if (checkpoint != null) {
                            trainer.checkpointOnInterrupt();
                        }
                        EpochReport last = trainer.run();
                        if (scaler != null) {
                            err.printf(Locale.ROOT, "loss scaling: final scale %s, %d step%s skipped (a gradient"
                                    + " overflowed)%n", scaler.scale(), scaler.skippedSteps(),
                                    scaler.skippedSteps() == 1 ? "" : "s");
                        }
                        if (trainer.interrupted()) {
                            err.println("stopped at step " + trainer.globalStep() + (checkpoint != null
                                    ? "; continue with --resume " + checkpoint : ""));
                            return INTERRUPTED;
                        } else if (last != null) {
                            err.printf(Locale.ROOT, "done: %d steps; step time p50 %.2f ms, p99 %.2f ms, max %.2f ms (last"
                                    + " epoch); test accuracy %.2f%%%n", last.globalStep(), last.stepMsP50(),
                                    last.stepMsP99(), last.stepMsMax(), 100 * last.testAcc());
                        } else {
                            err.println("done: nothing left to train (" + trainer.globalStep() + " steps already)");
                        }
                    }
                }
            } catch (IOException e) { // missing data, a corrupt IDX file or checkpoint: already one line naming the file
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return 0;
    }

    /**
     * {@code --pool-tie}: how the cnn's max-pool windows split their gradient at a tie
     * ({@link Kinks.Ties#parse}); refused for a model without max pooling, where it would do nothing.
     */
    static Kinks.Ties poolTies(Args args, Models.Kind kind) {
        if (!args.has("pool-tie")) {
            return Kinks.Ties.FIRST;
        }
        if (kind != Models.Kind.CNN) {
            throw new UsageException("--pool-tie sets the max-pool tie policy; the " + kind + " has no max pooling"
                    + " (use --model cnn)");
        }
        try {
            return Kinks.Ties.parse(args.string("pool-tie", ""));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--pool-tie: " + e.getMessage());
        }
    }

    /** Prints each epoch on stdout (a JSON object or a text line) and messages on stderr. */
    private record Printer(Models.Kind model, String optimizer, String schedule, int batch, Precision precision,
            String data, boolean json, PrintStream out, PrintStream err) implements TrainListener {
        @Override
        public void epoch(EpochReport r) {
            if (json) {
                out.println(new Json()
                        .put("epoch", r.epoch())
                        .put("epochs", r.epochs())
                        .put("partial", r.partial())
                        .put("steps", r.steps())
                        .put("step", r.globalStep())
                        .put("train_loss", r.trainLoss())
                        .put("test_loss", r.testLoss())
                        .put("test_acc", r.testAcc())
                        .put("samples_per_s", r.samplesPerS())
                        .put("step_ms_p50", r.stepMsP50())
                        .put("step_ms_p99", r.stepMsP99())
                        .put("step_ms_max", r.stepMsMax())
                        .put("first_step_ms", r.firstStepMs())
                        .put("model", model.toString())
                        .put("optimizer", optimizer)
                        .put("schedule", schedule)
                        .put("batch", batch)
                        .put("precision", precision.toString())
                        .put("threads", Parallel.threads())
                        .put("data", data));
            } else {
                out.printf(Locale.ROOT, "epoch %d/%d%s  train_loss %.4f  test_loss %.4f  test_acc %.2f%%  %,.0f samples/s"
                        + "  step ms p50 %.2f p99 %.2f max %.2f%n", r.epoch(), r.epochs(),
                        r.partial() ? " (partial, " + r.steps() + " steps)" : "", r.trainLoss(), r.testLoss(),
                        100 * r.testAcc(), r.samplesPerS(), r.stepMsP50(), r.stepMsP99(), r.stepMsMax());
            }
            out.flush();
        }

        @Override
        public void message(String line) {
            err.println("inertia train: " + line);
        }
    }
}
