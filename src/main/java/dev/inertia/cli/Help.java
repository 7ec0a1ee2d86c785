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
              info         the JVM, the SIMD path and the threads
              cost         operation counts of forward, reverse and tangent passes
              bench        bench gemm | bench step | bench peak: kernel speed, the machine's FMA peak
              bifurcation  share of initializations where ReLU'(0) (or the max-pool Jacobian) changes the gradient
              relu0-sweep  test accuracy of training with ReLU'(0) = s, per s
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
              --seed S                     initialization, shuffling and splits, a 64-bit integer (default 1)
              --threads T                  kernel threads (default: all processors)
              --max-steps N                stop after N optimizer steps
              --json                       one JSON object per epoch: epoch, train_loss, test_loss, test_acc or
                                           test_rmse/test_mae, samples_per_s, step_ms_p50, step_ms_p99, first_step_ms

            A loss or gradient that becomes NaN or infinite stops the run with the step it happened at (exit 1);
            no checkpoint is written from such weights.
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
            The JVM, whether SIMD kernels run (and their vector species) and the threads.
            """;

    private static final String COST = """
            usage: inertia cost --model mlp|cnn [--batch B] [--json]
            Operation counts of the forward, reverse and forward-mode (JVP) passes of a built-in model (docs/DESIGN.md).
            """;

    private static final String BENCH = """
            usage: inertia bench gemm --m M --n N --k K [--trans NN|TN|NT|TT] [--dtype f32|f64] [--threads T] [--json]
                   inertia bench step --optimizer NAME --params N [--threads T] [--dtype f32|f64] [--json]
                   inertia bench peak [--threads T] [--warmup-ms W] [--measure-ms M] [--json]
            GEMM speed (median GFLOP/s and ms after warm-up); one fused optimizer step (ms, GB/s, bytes/param);
            the FP32 FMA peak on 1 and T threads (GFLOP/s; independent FMA chains, nothing else).
            """;

    private static final String BIFURCATION = """
            usage: inertia bifurcation [--precision fp16|bf16|fp32|fp64] [--hidden L] [--width W] [--inits N]
                                       [--batch B] [--lr X] [--max-batches M] [--data-dir DIR] [--seed S]
                                       [--kink-report] [--json]
                   inertia bifurcation --pool [--channels C] [--precision P] [--inits N] [--kink-report] [--json]
            Share of initializations where ReLU'(0) changes the gradient (or of mini-batches where the max-pool
            Jacobian matters), by precision; see docs/RELIABILITY.md.
            """;

    private static final String RELU0_SWEEP = """
            usage: inertia relu0-sweep [--values 0,0.1,0.2,0.3,0.5,1] [--precision P] [--batch-norm on|off|both]
                                       [--optimizer sgd|innaprop|both] [--hidden L] [--width W] [--epochs E]
                                       [--batch B] [--lr X] [--seed S] [--max-steps N]
                                       [--loss-scale static:N|dynamic] [--data-dir DIR] [--threads T]
                                       [--svg FILE] [--json]
            Test accuracy of training an MLP with ReLU'(0) = s, for each s; see docs/RELIABILITY.md.
            """;

    private static final String WARMUP = """
            usage: inertia warmup [--mlp-steps N] [--cnn-steps N] [--threads T] [--json]
            A few training steps of the mlp (default 2) and the cnn (default 1) with their evaluation, a model file
            saved and loaded, and predictions, on the bundled Fashion-MNIST sample; one line per part with its wall
            time. The ./inertia launcher records its ahead-of-time cache (target/inertia.aot) from this run.
            """;

    private static final Map<String, String> COMMANDS = Map.of("train", TRAIN, "predict", PREDICT, "eval", EVAL,
            "info", INFO, "cost", COST, "bench", BENCH, "bifurcation", BIFURCATION, "relu0-sweep", RELU0_SWEEP, "warmup", WARMUP);

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
