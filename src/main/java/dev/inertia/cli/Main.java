package dev.inertia.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** The {@code inertia} command: dispatches to a subcommand; one line and a non-zero exit on bad input. */
public final class Main {
    static final String USAGE = """
            usage: inertia <command> [flags]
              info [--json]                      the JVM, the SIMD path and the threads
              cost --model mlp|cnn [--batch B] [--json]
                                                 operation counts of forward, reverse and tangent passes
              train [--model mlp|cnn] [--data-dir DIR] [--epochs E] [--batch B] [--optimizer NAME] [--lr X]
                    [--schedule cosine|constant] [--relu0 S] [--seed S] [--threads T] [--max-steps N]
                    [--precision fp64|fp32|bf16|fp16] [--loss-scale static:N|dynamic] [--checkpoint FILE]
                    [--resume FILE] [--json]
                                                 train on Fashion-MNIST; one line (JSON) per epoch
              bench step --optimizer NAME --params N [--threads T] [--dtype f32|f64] [--json]
                                                 one fused optimizer step: ms, GB/s, bytes/param
              bench gemm --m M --n N --k K [--trans NN|TN|NT|TT] [--dtype f32|f64] [--threads T] [--json]
                                                 GEMM speed: median GFLOP/s and ms after warm-up
              bifurcation [--precision fp16|bf16|fp32|fp64] [--hidden L] [--width W] [--inits N]
                          [--batch B] [--lr X] [--max-batches M] [--data-dir DIR] [--seed S] [--kink-report] [--json]
                                                 share of initializations where ReLU'(0) changes the gradient
              bifurcation --pool [--channels C] [--precision P] [--inits N] [--kink-report] [--json]
                                                 share of mini-batches where the max-pool Jacobian matters
              relu0-sweep [--values 0,0.1,0.2,0.3,0.5,1] [--precision P] [--batch-norm on|off|both]
                          [--optimizer sgd|innaprop|both] [--hidden L] [--width W] [--epochs E] [--batch B]
                          [--lr X] [--seed S] [--max-steps N] [--loss-scale static:N|dynamic] [--data-dir DIR]
                          [--threads T] [--svg FILE] [--json]
                                                 test accuracy of training with ReLU'(0) = s, per s
            """;

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command and returns its exit status: 0 ok, 2 bad usage, 1 failure. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            (argv.length == 0 ? err : out).print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        try {
            switch (argv[0]) {
                case "info" -> InfoCommand.run(rest, out, err);
                case "cost" -> CostCommand.run(rest, out, err);
                case "train" -> TrainCommand.run(rest, out, err);
                case "bifurcation" -> BifurcationCommand.run(rest, out, err);
                case "relu0-sweep" -> Relu0SweepCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                default -> throw new UsageException("unknown command '" + argv[0] + "'; try 'inertia --help'");
            }
            return 0;
        } catch (UsageException e) {
            err.println("inertia: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("inertia: " + e.getMessage());
            return 1;
        }
    }
}
