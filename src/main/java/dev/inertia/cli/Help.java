package dev.inertia.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/** The text of {@code inertia --help}, {@code inertia <command> --help} and {@code inertia --version}. */
final class Help {
    static final String OVERVIEW = """
            usage: inertia <command> [flags]        (inertia <command> --help lists a command's flags)
              train        train the mlp or cnn on Fashion-MNIST, or an MLP on your CSV (--csv FILE --target COLUMN)
              predict      a saved model's predictions for the rows of a CSV
              eval         a saved model's test accuracy or RMSE on a labelled CSV
              info         the JVM, the SIMD path, the threads, the caches and the GEMM blocking
              cost         operation counts of forward, reverse and tangent passes
              bench        bench gemm | step | peak | predict: kernel speed, FMA peak, serving latency
              profile      where the mlp's or cnn's training step spends its time: per kernel, ms, GFLOP/s, share of peak
              bifurcation  share of initializations where ReLU'(0) (or the max-pool Jacobian) changes the gradient
              relu0-sweep  test accuracy of training with ReLU'(0) = s, per s
              pool-sweep   test accuracy of training the cnn with max-pool ties split by beta, per beta
              clarke-enumerate  distinct Clarke-subgradient candidates of a ReLU network with z units at 0
              optimizer-study  optimizers over seeds: per-epoch curves, mean ± std of accuracy and loss
              alpha-beta-grid  INNAprop's test accuracy over a grid of (alpha, beta), as a heatmap
              warmup       a few mlp and cnn steps and predictions on the bundled sample (the AOT cache's training run)
              --version    the version
            """;

    private static final String TRAIN = """
            usage: inertia train [flags]
            Trains a model and prints one line per epoch on stdout (JSON with --json), progress on stderr.

            Fashion-MNIST (the default):
              --model mlp|cnn              the built-in models of docs/DESIGN.md (default mlp)
              --data-dir DIR               Fashion-MNIST IDX files (else $INERTIA_DATA, Debian's package, the bundled sample)
              --precision fp64|fp32|bf16|fp16   computes in fp64/fp32 or emulates bf16/fp16 op by op (default fp32)
              --loss-scale static:N|dynamic     loss scaling, for fp16
              --relu0 S                    ReLU'(0) used by backpropagation (default 0)
              --pool-tie first|uniform|beta:B   cnn only: a max-pool tie gives beta/t to each of its t maxima
                                           and 1-beta more to the first (first: beta 0, the default; uniform:
                                           beta 1; any finite B, e.g. beta:1000)
              --checkpoint FILE            write a checkpoint after each epoch, at the end and on Ctrl-C/SIGTERM
                                           (then exit 130/143); checked before training; an existing FILE is
                                           only replaced by a run resuming from it, or with --overwrite
              --overwrite                  allow replacing an existing --checkpoint FILE in a fresh run
              --resume FILE                continue from a checkpoint, bit for bit (its learning rate, schedule
                                           and seed: not with --lr or --seed)

            Your CSV (numeric feature columns, one target column, a header row):
              --csv FILE                   the data (.csv or .csv.gz; separator , ; or tab, detected)
              --target COLUMN              the column to predict
              --task classification|regression   (default classification)
              --columns A,B,...            use only these feature columns   --exclude A,B,...  drop these
              --hidden 64,64               widths of the hidden layers (default 64,64; "" for none)
              --activation relu|leaky-relu|relu6|hardtanh   (default relu)
              --test-fraction F            held-out share for the test metrics (default 0.2, stratified)
              --validation-fraction F      share for early stopping (default 0: none)
              --patience N                 early stopping: epochs without a better validation loss (needs a validation share)
              --standardize on|off         scale each feature to mean 0, std 1 on the training split (default on)
              --scaling standardize|minmax|none   the same, with min-max scaling as a choice
              --class-order sorted|first   class indices in sorted order or order of first appearance (default sorted)
              --save-model FILE            write the trained model (weights, architecture, scaling, class names)

            Both:
              --epochs E                   (default 10 on Fashion-MNIST, 3 on its sample, 100 on a CSV)
              --batch B                    (default 128, 32 on a CSV)
              --optimizer innaprop|inna|adamw|sgd|rmsprop   (default innaprop)
              --lr X                       learning rate (default: the optimizer's)
              --schedule cosine|constant   cosine decay to 0 over the run (default) or a fixed rate
              --alpha A --beta B           INNA/INNAprop's dampings (innaprop default 0.1, 0.9); the learning
                                           rate must stay below beta
              --sigma S                    INNAprop's running-mean decay of g^2 (default 0.999)
              --eps E                      innaprop, adamw, rmsprop: the denominator's epsilon
              --weight-decay W             (default: the optimizer's; decoupled for innaprop, inna, adamw)
              --warmup-steps N --min-lr X  cosine schedule: linear warm-up over N steps, decay down to X
              --clip-grad-norm C           clip the gradients to global L2 norm C before each step (default off)
                                           A flag the optimizer or schedule has no use for is refused (exit 2);
                                           with --resume, the checkpoint's hyperparameters hold (these flags are
                                           refused), and warm-up, floor and clipping are not yet checkpointed
              --seed S                     initialization, shuffling and splits, a 64-bit integer (default 1)
              --threads T                  kernel threads (default: all processors)
              --max-steps N                stop after N optimizer steps
              --json                       one JSON object per epoch: epoch, train_loss, test_loss, test_acc or
                                           test_rmse/test_mae, samples_per_s, step_ms_p50, step_ms_p99, first_step_ms

            A loss or gradient that becomes NaN or infinite stops the run with the step it happened at (exit 1);
            no checkpoint is written from such weights.

            Kernel warm-up (opt-in: INERTIA_WARMUP=on or -Dinertia.warmup=true): a tiny model of the same layers
            trains on a thread of its own, started while the data loads, until the JIT has compiled the kernels;
            the first step waits for it (first_step_ms includes the wait). Results are the same with or without it.
            """;

    private static final String PREDICT = """
            usage: inertia predict --model FILE --csv FILE [--out FILE] [--threads T]
            Writes a CSV: the input's rows, a `prediction` column (the class name, or the value) and, for a
            classifier, one probability column per class (`prob_<class>`). The CSV needs the model's feature
            columns (by name; others, like the target, are copied through). Without --out, writes to stdout.
            """;

    private static final String EVAL = """
            usage: inertia eval --model FILE --csv FILE --target COLUMN [--threads T] [--json]
            The saved model's metrics on the rows of a labelled CSV: test_acc (classification) or test_rmse,
            test_mae and test_r2 (regression), and test_loss.
            """;

    private static final String INFO = """
            usage: inertia info [--threads T] [--json]
            The JVM, whether SIMD kernels run (and their vector species), the threads, the core's caches
            and the GEMM blocking derived from them (-Dinertia.cache.l1d=48K -Dinertia.cache.l2=2M override the caches).
            """;

    private static final String COST = """
            usage: inertia cost --model mlp|cnn [--batch B] [--directions K [--repeats R]] [--json]
            Operation counts of the forward, reverse and forward-mode (JVP) passes of a built-in model (docs/DESIGN.md).
              --directions K   with respect to the input batch: K separate JVPs, one K-direction sweep and one
                               reverse sweep, as counts and wall times (median of R rounds, default 5, after
                               3 warm-up rounds; docs/derivatives.md)
            """;

    private static final String BENCH = """
            usage: inertia bench gemm --m M --n N --k K [--trans NN|TN|NT|TT] [--dtype f32|f64] [--threads T] [--json]
                   inertia bench step --optimizer NAME --params N [--threads T] [--dtype f32|f64] [--json]
                   inertia bench peak [--threads T] [--warmup-ms W] [--measure-ms M] [--json]
                   inertia bench predict --model mlp|cnn | --model-file FILE [--batch B] [--threads T]
                                         [--iterations N] [--warmup N] [--warmup-ms M] [--seed S] [--json]
            GEMM speed (median GFLOP/s and ms after warm-up, with the GEMM blocking); one fused optimizer step (ms, GB/s, bytes/param);
            the FP32 FMA peak on 1 and T threads (GFLOP/s; independent FMA chains, nothing else);
            serving latency: Predictor.predict on one batch of B random inputs (default 1) of the model's shape,
            fresh weights from --seed or a saved model; untimed calls for at least --warmup calls (default 20)
            and --warmup-ms ms (default 10000, so that the JIT has compiled the kernels), then --iterations timed
            ones (default 100): latency_ms_p50, latency_ms_p99, samples_per_s.
            """;

    private static final String PROFILE = """
            usage: inertia profile [--model mlp|cnn] [--optimizer NAME] [--batch B] [--threads T] [--steps N]
                                   [--warmup-steps W] [--peak-ms M] [--seed S] [--json]
            Where a training step's time goes: the built-in model's step (forward, reverse sweep, optimizer pass;
            default mlp, sgd, batch 128) on one batch of random inputs, each kernel call of the tape's ops timed
            by section (forward, backward, optimizer), kernel and shape: calls and ms per step, share of the
            profiled step, GFLOP/s and share of the FP32 peak (bench peak's loop on the same threads, probed
            between every 10 steps for --peak-ms ms in all, default 2000; the median divides; 0 skips it), GB/s of
            the memory-bound passes, and "(tape and other)": a section's time beyond its kernels. After --warmup-steps
            untimed steps (default 150 mlp, 30 cnn), --steps plain and --steps profiled steps alternate (default
            100 mlp, 20 cnn); step_ms_p50 is the plain steps' median.
              --json   one line per row, then a summary line (step_ms_p50, step_gflops, step_peak_fraction,
                       peak_gflops with _min and _max, load_average)
            """;

    private static final String BIFURCATION = """
            usage: inertia bifurcation [--precision fp16|bf16|fp32|fp64] [--hidden L] [--width W] [--inits N]
                                       [--batch B] [--lr X] [--max-batches M] [--data-dir DIR] [--seed S]
                                       [--seeds N] [--tau X] [--histogram FILE.svg] [--kink-report] [--json]
                   inertia bifurcation --pool [--channels C] [--precision P] [--inits N] [--seeds N] [--tau X]
                                       [--histogram FILE.svg] [--kink-report] [--json]
            Share of initializations where ReLU'(0) changes the gradient (or of mini-batches where the max-pool
            Jacobian matters), by precision; see docs/RELIABILITY.md. Each mini-batch is classified by the
            largest gradient difference d: no difference (d = 0), compensation (0 < d <= tau, rounding only) or
            bifurcation (d > tau).
              --tau X              the compensation/bifurcation threshold (default 1e-3 at fp16 and bf16,
                                   1e-7 at fp32, 1e-15 at fp64)
              --seeds N            run seeds S..S+N-1 and add mean ± std over them (default 1)
              --histogram FILE     write an SVG histogram of log10 d over all mini-batches, tau marked
            """;

    private static final String RELU0_SWEEP = """
            usage: inertia relu0-sweep [--values 0,0.1,0.2,0.3,0.5,1] [--precision P] [--batch-norm on|off|both]
                                       [--optimizer sgd|innaprop|both] [--hidden L] [--width W] [--epochs E]
                                       [--batch B] [--lr X] [--seed S] [--seeds N] [--max-steps N]
                                       [--loss-scale static:N|dynamic] [--data-dir DIR] [--threads T]
                                       [--svg FILE] [--json]
            Test accuracy of training an MLP with ReLU'(0) = s, for each s; see docs/RELIABILITY.md.
            --seeds N runs seeds S..S+N-1 and reports mean ± std per configuration and s.
            """;

    private static final String POOL_SWEEP = """
            usage: inertia pool-sweep [--betas 0,1,10,100,1000,10000] [--precision fp16|bf16|fp32|fp64]
                                      [--batch-norm on|off] [--optimizer sgd|innaprop|adamw|...] [--seeds N]
                                      [--seed S] [--epochs E] [--lr X] [--batch B] [--train-size N]
                                      [--max-steps N] [--loss-scale static:N|dynamic] [--threads T]
                                      [--data-dir DIR] [--svg FILE] [--json]
            Trains the cnn on Fashion-MNIST once per beta and seed, max-pool ties split as beta·uniform +
            (1 - beta)·first (any finite beta; the TMLR 2024 MaxPool study's values by default), and reports
            per run the test accuracy, the final train loss and the live max-pool ties, then per beta the
            mean ± std over the seeds S, S+1, ... (default: 1 seed, 3 epochs, sgd, batch norm off, fp32,
            constant learning rate). --train-size N trains on the first N images. A run that diverges (large
            beta in fp16) is reported as diverged, with NaN accuracy. See docs/RELIABILITY.md.
            """;

    private static final String CLARKE_ENUMERATE = """
            usage: inertia clarke-enumerate [--zeros A..B] [--width W] [--inputs D] [--seed S] [--json]
            For z = A..B (default 1..16, at most 20) zero units of a random one-hidden-layer ReLU network (width W,
            default 32; D inputs, default B), the 2^z activation patterns, the distinct gradients among them and the
            enumeration's time in ms; see docs/derivatives.md.
            """;

    private static final String STUDY_DATA = """
              --model mlp|cnn|csv          the built-in models on Fashion-MNIST, or train --csv's MLP (default mlp)
              --data-dir DIR               Fashion-MNIST's IDX files (as train)
              --csv FILE --target COLUMN   with --model csv: a classification CSV, split 80/20 (split seed 1),
                                           standardized; --hidden 64,64 its hidden widths
              --train-size N               train on the first N training rows only
              --epochs E --batch B         (defaults 10 and 128; 100 and 32 with --model csv)
              --schedule cosine|constant   (default cosine)   --threads T
              --seeds N --seed-base S      seeds S..S+N-1: initialization and shuffling
            """;

    private static final String OPTIMIZER_STUDY = """
            usage: inertia optimizer-study [--optimizers innaprop:0.1:0.9,innaprop:1:1,innaprop:2:2,adamw]
                                           [--lr X] [--weight-decay W] [--svg FILE] [--json] [data flags]
            Trains each optimizer configuration (NAME, or innaprop:ALPHA:BETA / inna:ALPHA:BETA) from each seed
            (default 3 seeds from 1); one line per run (JSON: per-epoch train_loss and test_acc, final_test_acc,
            final_train_loss, seconds), then per configuration the mean ± std over seeds of the final test
            accuracy and train loss. --svg FILE: train loss and test accuracy per epoch, mean with a ±1 std band,
            two panels of one SVG. --lr and --weight-decay apply to every configuration (default: each
            optimizer's own). Data flags:
            """ + STUDY_DATA;

    private static final String ALPHA_BETA_GRID = """
            usage: inertia alpha-beta-grid [--alphas 0.1,0.5,0.9,1,1.5,2] [--betas 0.1,0.5,0.9,1,1.5,2]
                                           [--lr 1e-3] [--weight-decay 0.01] [--svg FILE] [--json] [data flags]
            INNAprop for each (alpha, beta) cell from each seed (default 1 seed, from 1): one line per cell
            (JSON: test_acc_mean, test_acc_std, train_loss_mean, train_loss_std, seconds); a cell with
            lr >= beta is reported as skipped. --svg FILE: a heatmap of the mean test accuracy (alpha down,
            beta across, the value in each cell, a colour legend). Data flags:
            """ + STUDY_DATA;

    private static final String WARMUP = """
            usage: inertia warmup [--mlp-steps N] [--cnn-steps N] [--threads T] [--json]
            A few training steps of the mlp (default 2) and the cnn (default 1) with their evaluation, a model file
            saved and loaded, and predictions, on the bundled Fashion-MNIST sample; one line per part with its wall
            time. The ./inertia launcher records its ahead-of-time cache (target/inertia.aot) from this run.
            """;

    private static final Map<String, String> COMMANDS = Map.ofEntries(
            Map.entry("train", TRAIN),
            Map.entry("predict", PREDICT),
            Map.entry("eval", EVAL),
            Map.entry("info", INFO),
            Map.entry("cost", COST),
            Map.entry("bench", BENCH),
            Map.entry("profile", PROFILE),
            Map.entry("bifurcation", BIFURCATION),
            Map.entry("relu0-sweep", RELU0_SWEEP),
            Map.entry("pool-sweep", POOL_SWEEP),
            Map.entry("clarke-enumerate", CLARKE_ENUMERATE),
            Map.entry("optimizer-study", OPTIMIZER_STUDY),
            Map.entry("alpha-beta-grid", ALPHA_BETA_GRID),
            Map.entry("warmup", WARMUP));

    private Help() {}

    /** The help of {@code command} (its first word), or the overview for an unknown one. */
    static String of(String command) {
        String first = command.split(" ", 2)[0];
        return COMMANDS.getOrDefault(first, OVERVIEW);
    }

    /** The version the build wrote into {@code version.properties}. */
    static String version() {
        try (InputStream in = Help.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown (built without its resources)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Thrown by {@link Args#parse} on {@code --help} or {@code -h}: {@link Main} prints the command's help. */
    static final class Requested extends RuntimeException {
        final String command;

        Requested(String command) {
            super(null, null, false, false);
            this.command = command;
        }
    }
}
