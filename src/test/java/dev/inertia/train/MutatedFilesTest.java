package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.data.FeatureTransform;
import dev.inertia.io.SafeTensorsException;
import dev.inertia.memory.Scope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's load harness: seeded mutations of a valid checkpoint and a valid model file (byte
 * flips, truncations, insertions, edits of the header's numbers and text) pushed through the
 * loads that {@code inertia train --resume} ({@link Checkpoint#load}) and {@code inertia predict}
 * ({@link ModelFile#load}, and {@link ModelFile#loadWeights}) run. Every input either loads or
 * is refused with a documented exception (an {@link IOException}, {@link SafeTensorsException}
 * among them, naming the file in one line); a refused load leaves the fingerprint of model and
 * optimizer unchanged. The time of each input is measured and printed, not asserted.
 *
 * <p>The build runs {@value #DEFAULT_INPUTS} inputs; the acceptance run is
 * {@code ./mvnw -q test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=MutatedFilesTest
 * -Dinertia.mutations=10000} (seed: {@code -Dinertia.mutations.seed=S}), which also counts an
 * input taking over {@code inertia.mutations.hangSeconds} (default 5) as a hang.
 */
class MutatedFilesTest {
    static final int DEFAULT_INPUTS = 1000;

    @TempDir
    Path dir;

    /** What happened to each input, counted. */
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private long maxNanos;
    private String slowest = "";

    @Test
    void mutatedCheckpointsAndModelFilesLoadWholeOrNotAtAll() throws IOException {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "runs once, in the default execution");
        int inputs = Integer.getInteger("inertia.mutations", DEFAULT_INPUTS);
        long seed = Long.getLong("inertia.mutations.seed", 20261203L);
        long hangNanos = Long.getLong("inertia.mutations.hangSeconds", 5) * 1_000_000_000L;
        boolean acceptance = System.getProperty("inertia.mutations") != null;
        try (Scope scope = Scope.open()) {
            LoadFixtures.Run source = LoadFixtures.run(scope, 11, 3);
            Path checkpoint = dir.resolve("good.st");
            Checkpoint.save(checkpoint, source.model(), source.optimizer(), new Checkpoint.Position(1, 2, 3, 0.5, 42),
                    Map.of("model", "tiny"));
            Path modelFile = dir.resolve("good.model");
            ModelFile.save(modelFile, source.model(), ModelInfo.classification(List.of("a", "b", "c"), new int[] {6},
                    FeatureTransform.IDENTITY));
            byte[] goodCheckpoint = Files.readAllBytes(checkpoint);
            byte[] goodModel = Files.readAllBytes(modelFile);

            LoadFixtures.Run target = LoadFixtures.run(scope, 99, 2);
            Path bad = dir.resolve("mutant.st");
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < inputs; i++) {
                boolean isCheckpoint = i % 2 == 0;
                Mutant m = mutate(isCheckpoint ? goodCheckpoint : goodModel, random);
                Files.write(bad, m.bytes());
                String what = "input " + i + " (seed " + seed + ", " + m.how() + ")";
                String before = LoadFixtures.fingerprint(target);
                long t0 = System.nanoTime();
                String outcome;
                if (isCheckpoint) {
                    outcome = attempt(what, bad, () -> Checkpoint.load(bad, target.model(), target.optimizer(),
                            Map.of("model", "tiny")));
                } else if (i % 4 == 1) {
                    outcome = attempt(what, bad, () -> ModelFile.load(bad).close());
                } else {
                    outcome = attempt(what, bad, () -> ModelFile.loadWeights(bad, target.model()));
                }
                long nanos = System.nanoTime() - t0;
                if (nanos > maxNanos) {
                    maxNanos = nanos;
                    slowest = what;
                }
                if (acceptance && nanos > hangNanos) {
                    problems.add(what + ": took " + nanos / 1e9 + " s (a hang)");
                }
                outcomes.merge((isCheckpoint ? "checkpoint " : "model file ") + outcome, 1, Integer::sum);
                if (!outcome.equals("loaded") && !before.equals(LoadFixtures.fingerprint(target))) {
                    problems.add(what + ": refused (" + outcome + ") but the model or optimizer changed");
                }
            }
        }
        System.out.printf("MutatedFilesTest: %d inputs, seed %d: %s; slowest %.1f ms (%s)%n", inputs, seed, outcomes,
                maxNanos / 1e6, slowest);
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)), problems.size() + " problems");
    }

    @FunctionalInterface
    private interface Load {
        void run() throws IOException;
    }

    /** Runs one load; returns its outcome, or records a problem for an undocumented exception or message. */
    private String attempt(String what, Path file, Load load) {
        try {
            load.run();
            return "loaded";
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (!m.contains(file.toString()) || m.contains("\n")) {
                problems.add(what + ": message not one line naming the file: " + m);
            }
            return e instanceof SafeTensorsException ? "refused (SafeTensorsException)" : "refused (IOException)";
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                problems.add(what + ": IllegalArgumentException without a one-line message: " + e);
            }
            return "refused (IllegalArgumentException)";
        } catch (RuntimeException | Error e) {
            problems.add(what + ": unexpected " + e);
            return "unexpected " + e.getClass().getSimpleName();
        }
    }

    record Mutant(byte[] bytes, String how) {
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final String[] HOSTILE = {"-1", "0", "1", "2147483647", "2147483648", "-2147483648",
        "9223372036854775807", "99999999999999999999999", "1e30", "1e9", "NaN", "-0", "3000000000", "1.5", "",
        "9".repeat(100_000)};

    /** One seeded mutation of {@code good}: byte flips, a truncation, an insertion, or an edit of the header text. */
    static Mutant mutate(byte[] good, SplittableRandom r) {
        int kind = r.nextInt(6);
        switch (kind) {
            case 0 -> { // flip 1..8 bytes, mostly in the prefix and header
                byte[] b = good.clone();
                int flips = 1 + r.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    int at = r.nextInt(4) == 0 ? r.nextInt(b.length) : r.nextInt(Math.min(b.length, 8 + headerLength(good)));
                    b[at] ^= (byte) (1 + r.nextInt(255));
                }
                return new Mutant(b, flips + " byte flips");
            }
            case 1 -> { // truncate
                int cut = r.nextInt(good.length);
                return new Mutant(Arrays.copyOf(good, cut), "truncated to " + cut + " bytes");
            }
            case 2 -> { // insert random bytes
                int at = r.nextInt(good.length + 1);
                byte[] junk = new byte[1 + r.nextInt(16)];
                r.nextBytes(junk);
                byte[] b = new byte[good.length + junk.length];
                System.arraycopy(good, 0, b, 0, at);
                System.arraycopy(junk, 0, b, at, junk.length);
                System.arraycopy(good, at, b, at + junk.length, good.length - at);
                return new Mutant(b, junk.length + " bytes inserted at " + at);
            }
            default -> { // edit the header's text, then fix its length prefix (mostly) so that the edit is what is read
                int n = headerLength(good);
                String header = new String(good, 8, n, StandardCharsets.UTF_8);
                byte[] data = Arrays.copyOfRange(good, 8 + n, good.length);
                String edited;
                String how;
                if (kind == 5) {
                    int at = r.nextInt(header.length());
                    int len = r.nextInt(Math.min(40, header.length() - at) + 1);
                    edited = header.substring(0, at) + header.substring(at + len);
                    how = len + " header characters deleted at " + at;
                } else {
                    List<int[]> numbers = new ArrayList<>();
                    Matcher m = NUMBER.matcher(header);
                    while (m.find()) {
                        numbers.add(new int[] {m.start(), m.end()});
                    }
                    int[] span = numbers.get(r.nextInt(numbers.size()));
                    String value = HOSTILE[r.nextInt(HOSTILE.length)];
                    edited = header.substring(0, span[0]) + value + header.substring(span[1]);
                    how = "header number '" + header.substring(span[0], span[1]) + "' at " + span[0] + " replaced by "
                            + (value.length() > 30 ? value.length() + " nines" : "'" + value + "'");
                }
                byte[] h = edited.getBytes(StandardCharsets.UTF_8);
                long length = r.nextInt(8) == 0 ? n : h.length; // sometimes the old, now wrong, length
                ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(length).put(h).put(data);
                return new Mutant(b.array(), how);
            }
        }
    }

    private static int headerLength(byte[] file) {
        return (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
