package dev.inertia.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** The {@code inertia} command: dispatches to a subcommand; one line and a non-zero exit on bad input. */
public final class Main {
    static final String USAGE = Help.OVERVIEW;

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /**
     * Runs one command and returns its exit status: 0 ok, 2 bad usage, 1 failure (a diverged
     * training run included), {@link TrainCommand#INTERRUPTED} when a training run was stopped by
     * an interrupt (under SIGTERM the JVM itself exits with 143).
     */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            (argv.length == 0 ? err : out).print(argv.length > 1 ? Help.of(argv[1]) : USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        if (argv[0].equals("--version") || argv[0].equals("version")) {
            out.println("inertia " + Help.version());
            return 0;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        try {
            int status = 0;
            switch (argv[0]) {
                case "info" -> InfoCommand.run(rest, out, err);
                case "cost" -> CostCommand.run(rest, out, err);
                case "train" -> status = TrainCommand.run(rest, out, err);
                case "predict" -> PredictCommand.run(rest, out, err);
                case "eval" -> EvalCommand.run(rest, out, err);
                case "bifurcation" -> BifurcationCommand.run(rest, out, err);
                case "relu0-sweep" -> Relu0SweepCommand.run(rest, out, err);
                case "pool-sweep" -> PoolSweepCommand.run(rest, out, err);
                case "clarke-enumerate" -> ClarkeEnumerateCommand.run(rest, out, err);
                case "optimizer-study" -> OptimizerStudyCommand.run(rest, out, err);
                case "alpha-beta-grid" -> AlphaBetaGridCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "profile" -> ProfileCommand.run(rest, out, err);
                case "warmup" -> WarmupCommand.run(rest, out, err);
                default -> throw new UsageException("unknown command '" + argv[0] + "'; try 'inertia --help'");
            }
            return status;
        } catch (Help.Requested h) {
            out.print(Help.of(h.command));
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
