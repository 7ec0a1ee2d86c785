package dev.inertia.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs seeded mutants of a corpus through one reader, each under a time limit, and counts the
 * outcomes. A hang past the limit, or any outcome the target does not accept (another exception
 * type, a message that does not name the file), stops the campaign with the seed, the mutant's
 * number and the input (base64, and saved under {@code target/fuzz-failures/}).
 */
final class Campaign {
    /** One reader under test: returns a label for the outcome ("accepted", or the refusal's type). */
    interface Target {
        String run(byte[] input) throws Exception;
    }

    /** What a campaign saw: outcome counts and the slowest input. */
    record Result(String name, long seed, int inputs, Map<String, Integer> outcomes, long maxNanos, int slowest) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s: %d inputs (seed %d), outcomes %s, max %.1f ms (input %d)",
                    name, inputs, seed, outcomes, maxNanos / 1e6, slowest);
        }
    }

    private Campaign() {
    }

    static Result run(String name, List<byte[]> corpus, int count, long seed, long limitMillis, Target target) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true); // a hung parse must not keep the JVM alive
            return t;
        });
        try {
            Mutator mutator = new Mutator(seed);
            Map<String, Integer> outcomes = new TreeMap<>();
            long max = 0;
            int slowest = -1;
            for (int i = 0; i < count; i++) {
                byte[] input = i < corpus.size() ? corpus.get(i) : mutator.mutate(corpus);
                long start = System.nanoTime();
                Future<String> outcome = worker.submit(() -> target.run(input));
                String label;
                try {
                    label = outcome.get(limitMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    outcome.cancel(true);
                    throw failure(name, seed, i, input, "still running after " + limitMillis + " ms", null);
                } catch (ExecutionException e) {
                    throw failure(name, seed, i, input, "unexpected " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                long took = System.nanoTime() - start;
                if (took > max) {
                    max = took;
                    slowest = i;
                }
                outcomes.merge(label, 1, Integer::sum);
            }
            return new Result(name, seed, count, outcomes, max, slowest);
        } finally {
            worker.shutdownNow();
        }
    }

    private static AssertionError failure(String name, long seed, int index, byte[] input, String what,
            Throwable cause) {
        String saved;
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            saved = Files.write(dir.resolve(name + "-seed" + seed + "-" + index), input).toString();
        } catch (IOException e) {
            saved = "(not saved: " + e.getMessage() + ")";
        }
        String bytes = input.length <= 512 ? Base64.getEncoder().encodeToString(input) : input.length + " bytes";
        return new AssertionError(name + " input " + index + " of seed " + seed + ": " + what + "; input " + bytes
                + ", saved as " + saved, cause);
    }
}
