package dev.inertia.fuzz;

import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.IdxFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 18's acceptance run for the data readers: mutated IDX files and mutated CSV files through
 * the calls the command line makes to load them ({@code FashionMnist.load(dir)} for {@code train},
 * {@code bifurcation} and {@code relu0-sweep}; {@code CsvDataset.read}/{@code features} for
 * {@code train --csv}, {@code eval} and {@code predict}), whose {@link IOException} the commands
 * print as their one line. Every input must load or be refused with an IOException whose one-line
 * message starts with a path in the data directory, within 5 s.
 *
 * <p>{@code scripts/fuzz.sh --acceptance N} runs N of each ({@link #main}); the build runs a
 * smaller number ({@code LoadPathAcceptanceTest}).
 */
public final class LoadPathAcceptance {
    static final long LIMIT_MILLIS = 5000;
    private static final String[] IDX_FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private LoadPathAcceptance() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261203L;
        Path dir = Files.createTempDirectory("inertia-acceptance");
        System.out.println(idx(dir.resolve("idx"), n, seed));
        System.out.println(csv(dir.resolve("csv"), n, seed));
    }

    /** {@code n} Fashion-MNIST directories, each with one of its four files (raw or gzip) mutated. */
    static Campaign.Result idx(Path work, int n, long seed) throws IOException {
        Path raw = Files.createDirectories(work.resolve("raw")), gz = Files.createDirectories(work.resolve("gz"));
        List<byte[]> originals = new ArrayList<>();
        int[][] shapes = {{6, 28, 28}, {6}, {4, 28, 28}, {4}};
        for (int f = 0; f < 4; f++) {
            int[] dims = shapes[f];
            byte[] bytes = IdxFixtures.idx(dims, dims.length == 1 ? IdxFixtures.labels(dims[0], 10)
                    : IdxFixtures.images(dims[0], dims[1], dims[2]));
            originals.add(bytes);
            Files.write(raw.resolve(IDX_FILES[f]), bytes);
            Files.write(gz.resolve(IDX_FILES[f] + ".gz"), IdxFixtures.gzip(bytes));
        }
        List<byte[]> corpus = new ArrayList<>();
        for (byte[] o : originals) {
            corpus.add(o);
            corpus.add(IdxFixtures.gzip(o));
        }
        // the mutant replaces file (i % 4) of the raw or the gzip directory, whichever form it came from
        int[] counter = {0};
        return Campaign.run("idx-load-path", corpus, n, seed, LIMIT_MILLIS, input -> {
            int i = counter[0]++;
            int f = i % 4;
            boolean gzipped = input.length >= 2 && input[0] == 0x1f && (input[1] & 0xFF) == 0x8b;
            Path dir = gzipped ? gz : raw;
            Path file = dir.resolve(IDX_FILES[f] + (gzipped ? ".gz" : ""));
            byte[] original = Files.readAllBytes(file);
            Files.write(file, input);
            try {
                FashionMnist.load(dir);
                return "accepted";
            } catch (IOException e) {
                return refused(e, dir);
            } finally {
                Files.write(file, original);
            }
        });
    }

    /** {@code n} CSV files, read as {@code train --csv} (classification, regression), eval and predict do. */
    static Campaign.Result csv(Path work, int n, long seed) throws IOException {
        Files.createDirectories(work);
        List<byte[]> corpus = new ArrayList<>();
        for (String text : new String[] {"a,b,y\n1,2,x\n3.5,-4e1,z\n0,0,x\n", "a;b;y\r\n1;2;0.5\r\n\"3\";4;-1e3\r\n",
                "\uFEFFy\ta\tb\tnote\n x\t1\t2\t\"a \"\"quoted\"\" note\"\n z\t3\t4\tplain\n",
                "b,a,y,extra\n1,2,z,\"multi\nline\"\n", "a,b,y\n1e38,-1e-38,x\n"}) {
            corpus.add(text.getBytes(StandardCharsets.UTF_8));
        }
        corpus.add(IdxFixtures.gzip(corpus.get(0)));
        Path file = work.resolve("data.csv");
        int[] counter = {0};
        return Campaign.run("csv-load-path", corpus, n, seed, LIMIT_MILLIS, input -> {
            int mode = counter[0]++ % 4;
            Files.write(file, input);
            try {
                CsvDataset d = switch (mode) {
                    case 0 -> CsvDataset.read(file, CsvOptions.target("y").classification());
                    case 1 -> CsvDataset.read(file, CsvOptions.target("y").regression());
                    case 2 -> CsvDataset.read(file, CsvOptions.target("y").classNames(List.of("x", "z")),
                            List.of("a", "b"));
                    default -> CsvDataset.features(file, CsvOptions.noTarget(), List.of("a", "b"));
                };
                return d.size() > 0 ? "accepted" : "accepted-empty";
            } catch (IOException e) {
                return refused(e, work);
            }
        });
    }

    /** The refusal's type, once its message is checked: one line starting with a file of {@code dir}. */
    private static String refused(IOException e, Path dir) {
        String m = e.getMessage();
        if (m == null || !m.startsWith(dir.toString()) || m.contains("\n")) {
            throw new AssertionError("refused without one line naming the file: " + m, e);
        }
        return e.getClass().getSimpleName();
    }
}
