package dev.inertia.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Finds and loads Fashion-MNIST. The lookup order (docs/DESIGN.md): the {@code --data-dir} flag, the
 * {@code INERTIA_DATA} environment variable, {@code /usr/share/datasets/fashion-mnist} (Debian's
 * {@code dataset-fashion-mnist} package), then the small sample bundled in the jar, so training
 * works anywhere and says which data it used.
 *
 * <p>A directory named explicitly (flag or variable) that does not hold the data is an error
 * naming what is missing, not a silent fall-back to the sample. Each of the four files may be
 * gzip-compressed ({@code .gz}, preferred when both exist) or raw. Images must be
 * {@value #IMAGE_SIZE}x{@value #IMAGE_SIZE}: other sizes are refused on loading, naming the file.
 */
public final class FashionMnist {
    /** The environment variable of the second lookup step. */
    public static final String ENV = "INERTIA_DATA";
    /** The directory of the third lookup step. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Fashion-MNIST's ten classes, in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Every Fashion-MNIST image is this many pixels high and wide. */
    public static final int IMAGE_SIZE = 28;

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    /** Resource folder of the bundled sample, relative to this class's package. */
    static final String SAMPLE_FOLDER = "fashion-mnist-sample/";

    private FashionMnist() {
    }

    /** The training and test sets and where they came from. */
    public record Splits(ImageDataset train, ImageDataset test, DataSource source) {
    }

    /** Looks the data up (see the class comment); {@code dataDir} is the flag's value or null. */
    public static DataSource locate(Path dataDir) throws IOException {
        return locate(dataDir, System::getenv, SYSTEM_DIR);
    }

    /**
     * The lookup with its environment and system directory given, so tests need not change the
     * process environment.
     */
    public static DataSource locate(Path dataDir, Function<String, String> env, Path systemDir) throws IOException {
        Objects.requireNonNull(env, "env");
        if (dataDir != null) {
            requireData(dataDir, "--data-dir " + dataDir);
            return new DataSource(DataSource.Kind.DATA_DIR, dataDir, "Fashion-MNIST from --data-dir " + dataDir);
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path dir = Path.of(fromEnv);
            requireData(dir, ENV + "=" + fromEnv);
            return new DataSource(DataSource.Kind.ENVIRONMENT, dir, "Fashion-MNIST from " + ENV + "=" + fromEnv);
        }
        if (systemDir != null && missingFiles(systemDir).isEmpty()) {
            return new DataSource(DataSource.Kind.SYSTEM, systemDir, "Fashion-MNIST from " + systemDir);
        }
        return new DataSource(DataSource.Kind.BUNDLED_SAMPLE, null,
                "the bundled Fashion-MNIST sample (5,000 training and 1,000 test images); for the full set pass"
                        + " --data-dir, set " + ENV + " or install Debian's dataset-fashion-mnist (" + SYSTEM_DIR + ")");
    }

    /** Looks the data up and loads it. */
    public static Splits load(Path dataDir) throws IOException {
        return load(locate(dataDir));
    }

    /** Loads the training and test sets of a located source. */
    public static Splits load(DataSource source) throws IOException {
        String label = source.isSample() ? " (bundled sample)" : "";
        ImageDataset train = Dataset.of("Fashion-MNIST train" + label, read(source, TRAIN_IMAGES, 3),
                read(source, TRAIN_LABELS, 1), CLASS_NAMES.size());
        ImageDataset test = Dataset.of("Fashion-MNIST test" + label, read(source, TEST_IMAGES, 3),
                read(source, TEST_LABELS, 1), CLASS_NAMES.size());
        return new Splits(train, test, source);
    }

    private static IdxArray read(DataSource source, String name, int rank) throws IOException {
        IdxArray array = readFile(source, name, rank);
        if (rank == 3 && (array.dim(1) != IMAGE_SIZE || array.dim(2) != IMAGE_SIZE)) {
            // found here, before a model built for 784 inputs meets them in its first forward pass
            throw new IdxFormatException(array.source(), "images are " + array.dim(1) + "x" + array.dim(2)
                    + " but Fashion-MNIST images are " + IMAGE_SIZE + "x" + IMAGE_SIZE + " (the models take "
                    + IMAGE_SIZE * IMAGE_SIZE + " pixels)");
        }
        return array;
    }

    private static IdxArray readFile(DataSource source, String name, int rank) throws IOException {
        if (source.isSample()) {
            String resource = SAMPLE_FOLDER + name + ".gz";
            try (InputStream in = FashionMnist.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new NoSuchFileException(resource, null, "bundled sample missing from the class path"
                            + " (a jar built without its resources?)");
                }
                return Idx.read(in, "bundled sample " + resource, rank);
            }
        }
        return Idx.read(fileOf(source.directory(), name), rank);
    }

    /** The gzip file if present, else the raw one. */
    private static Path fileOf(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : dir.resolve(name);
    }

    private static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : FILES) {
            if (!Files.isRegularFile(fileOf(dir, name))) {
                missing.add(name + "[.gz]");
            }
        }
        return missing;
    }

    private static void requireData(Path dir, String origin) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "data directory (" + origin + ") does not exist"
                    + (Files.exists(dir) ? " as a directory" : ""));
        }
        List<String> missing = missingFiles(dir);
        if (!missing.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "data directory (" + origin
                    + ") lacks Fashion-MNIST file" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
        }
    }
}
