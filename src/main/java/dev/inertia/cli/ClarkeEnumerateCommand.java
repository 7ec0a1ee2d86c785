package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.numerics.ClarkeEnumerator;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code inertia clarke-enumerate [--zeros A..B] [--width W] [--inputs D] [--seed S] [--json]}:
 * for z = A .. B, a random one-hidden-layer ReLU network (the same weights for every z) at a
 * point where z of its units are exactly at 0, the 2^z activation patterns of those units, the
 * number of distinct gradients among them and the time the enumeration took: the exponential
 * growth behind the NP-hardness of describing a Clarke subdifferential (docs/derivatives.md).
 */
final class ClarkeEnumerateCommand {
    private ClarkeEnumerateCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("clarke-enumerate", argv, Set.of("zeros", "width", "inputs", "seed"), Set.of("json"));
        int[] range = range(args.string("zeros", "1..16"));
        int width = args.positiveInteger("width", 32);
        // as many inputs as zero units: their weight rows are then independent and every pattern is a piece's gradient
        int inputs = args.positiveInteger("inputs", Math.max(1, range[1]));
        long seed = args.longInteger("seed", 1);
        if (range[1] > width) {
            throw new UsageException("--zeros up to " + range[1] + " needs --width of at least " + range[1]
                    + ", got " + width);
        }
        if (!args.has("json")) {
            out.printf("one hidden layer of %d ReLU units, %d inputs, seed %d%n", width, inputs, seed);
            out.printf("%6s %10s %10s %12s%n", "zeros", "patterns", "distinct", "ms");
        }
        for (int z = range[0]; z <= range[1]; z++) {
            ClarkeEnumerator.Case c = ClarkeEnumerator.randomAtZeros(inputs, width, z, seed);
            long start = System.nanoTime();
            ClarkeEnumerator.Count count = ClarkeEnumerator.count(c);
            double ms = (System.nanoTime() - start) / 1e6;
            if (args.has("json")) {
                out.println(new Json().put("zeros", count.zeros()).put("patterns", count.patterns())
                        .put("distinct", count.distinct()).put("ms", Math.round(ms * 1000) / 1000.0)
                        .put("width", width).put("inputs", inputs).put("seed", seed));
            } else {
                out.printf("%6d %10d %10d %12.3f%n", count.zeros(), count.patterns(), count.distinct(), ms);
            }
        }
    }

    /** "A..B" or "N" (A = B = N), with 0 <= A <= B <= the enumerator's limit. */
    private static int[] range(String spec) {
        String[] parts = spec.trim().split("\\.\\.", -1);
        try {
            int lo = Integer.parseInt(parts[0].trim());
            int hi = parts.length == 1 ? lo : Integer.parseInt(parts[1].trim());
            if (parts.length > 2 || lo < 0 || hi < lo || hi > ClarkeEnumerator.MAX_ZEROS) {
                throw new NumberFormatException();
            }
            return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new UsageException("--zeros expects N or A..B with 0 <= A <= B <= " + ClarkeEnumerator.MAX_ZEROS
                    + ", got '" + spec + "'");
        }
    }
}
