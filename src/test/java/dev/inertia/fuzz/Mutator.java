package dev.inertia.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A seeded, coverage-blind mutator in the manner of libFuzzer's: what the build runs between the
 * replays of the corpus, where Jazzer's own fuzzing cannot run (docs/RELIABILITY.md says why).
 * Mutations aim at what breaks readers: bit flips, interesting integers written over header
 * fields (big- and little-endian), truncation, inserted, erased and repeated ranges, splices of
 * two inputs, and text tokens (separators, quotes, line ends, long digit runs).
 */
final class Mutator {
    private static final int[] INTERESTING = {0, 1, -1, 2, 3, 7, 8, 28, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff,
            0x10000, 0x7fffffff, 0x80000000, 0x7ffffff7, 1 << 20, 1 << 24, 784, 60000};
    private static final String[] TOKENS = {",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "\uFEFF", "y", "a", "b",
            "x", "z", "-", "+", ".", "e", "E", "1e39", "1e308", "-0", "nan", "inf", "0x1p3", " ", "\u00e9", "{", "}",
            "[", "]", ":", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"I64\"", "\"__metadata__\"",
            "null", "true", "9999999999999999999999", "-1"};
    private static final int MAX_LENGTH = 1 << 16;

    private final SplittableRandom random;

    Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One mutant of {@code seeds[i]} for a random i (1 to 4 mutations stacked). */
    byte[] mutate(List<byte[]> seeds) {
        byte[] b = seeds.get(random.nextInt(seeds.size()));
        int steps = 1 + random.nextInt(4);
        for (int s = 0; s < steps; s++) {
            b = once(b, seeds);
        }
        return b.length > MAX_LENGTH ? Arrays.copyOf(b, MAX_LENGTH) : b;
    }

    private byte[] once(byte[] b, List<byte[]> seeds) {
        int n = b.length;
        switch (random.nextInt(10)) {
            case 0 -> { // flip bits
                if (n == 0) {
                    return new byte[] {(byte) random.nextInt(256)};
                }
                byte[] c = b.clone();
                c[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                return c;
            }
            case 1 -> { // a random byte
                if (n == 0) {
                    return b;
                }
                byte[] c = b.clone();
                c[random.nextInt(n)] = (byte) random.nextInt(256);
                return c;
            }
            case 2, 3 -> { // an interesting integer over 1, 2 or 4 bytes, either byte order
                if (n == 0) {
                    return b;
                }
                byte[] c = b.clone();
                int v = INTERESTING[random.nextInt(INTERESTING.length)];
                int width = new int[] {1, 2, 4}[random.nextInt(3)];
                int at = random.nextInt(n);
                boolean big = random.nextBoolean();
                for (int i = 0; i < width && at + i < n; i++) {
                    int shift = 8 * (big ? width - 1 - i : i);
                    c[at + i] = (byte) (v >>> shift);
                }
                return c;
            }
            case 4 -> { // truncate
                return Arrays.copyOf(b, n == 0 ? 0 : random.nextInt(n));
            }
            case 5 -> { // erase a range
                if (n < 2) {
                    return b;
                }
                int from = random.nextInt(n), len = 1 + random.nextInt(Math.min(16, n - from));
                return concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, from + len, n));
            }
            case 6 -> { // repeat a range (long runs of digits, fields, rows)
                if (n == 0) {
                    return b;
                }
                int from = random.nextInt(n), len = 1 + random.nextInt(Math.min(8, n - from));
                byte[] unit = Arrays.copyOfRange(b, from, from + len);
                int times = 1 + random.nextInt(random.nextBoolean() ? 4 : 2000);
                byte[] run = new byte[unit.length * times];
                for (int t = 0; t < times; t++) {
                    System.arraycopy(unit, 0, run, t * unit.length, unit.length);
                }
                return concat(Arrays.copyOf(b, from), run, Arrays.copyOfRange(b, from, n));
            }
            case 7 -> { // splice with another input
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = n == 0 ? 0 : random.nextInt(n + 1), from = other.length == 0 ? 0 : random.nextInt(other.length);
                return concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
            }
            case 8 -> { // append junk
                byte[] junk = new byte[1 + random.nextInt(8)];
                for (int i = 0; i < junk.length; i++) {
                    junk[i] = (byte) random.nextInt(256);
                }
                return concat(b, junk);
            }
            default -> { // insert a token
                byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                int at = n == 0 ? 0 : random.nextInt(n + 1);
                return concat(Arrays.copyOf(b, at), token, Arrays.copyOfRange(b, at, n));
            }
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The committed corpus of one fuzz target (its seeds and the findings kept as regressions). */
    static List<byte[]> corpus(String testClass, String method) {
        String resource = testClass + "Inputs/" + method;
        URL url = Mutator.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("no corpus " + resource + " on the test class path");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> inputs = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                inputs.add(Files.readAllBytes(f));
            }
            return inputs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
