package dev.inertia.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code inertia bench <what>}: dispatches to one benchmark. */
final class BenchCommand {
    static final String USAGE = "usage: inertia bench gemm --m M --n N --k K [--trans NN|TN|NT|TT] [--dtype f32|f64]"
            + " [--threads T] [--json] | inertia " + BenchStepCommand.USAGE + " | inertia " + BenchPeakCommand.USAGE
            + " | inertia " + BenchPredictCommand.USAGE;

    private BenchCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        if (!argv.isEmpty() && (argv.get(0).equals("--help") || argv.get(0).equals("-h"))) {
            throw new Help.Requested("bench");
        }
        if (argv.isEmpty()) {
            throw new UsageException("bench needs a benchmark name; " + USAGE);
        }
        List<String> rest = argv.subList(1, argv.size());
        switch (argv.get(0)) {
            case "gemm" -> BenchGemmCommand.run(rest, out, err);
            case "step" -> BenchStepCommand.run(rest, out, err);
            case "peak" -> BenchPeakCommand.run(rest, out, err);
            case "predict" -> BenchPredictCommand.run(rest, out, err);
            default -> throw new UsageException("unknown benchmark '" + argv.get(0) + "'; " + USAGE);
        }
    }
}
