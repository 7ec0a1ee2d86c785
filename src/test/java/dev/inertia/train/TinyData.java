package dev.inertia.train;

import dev.inertia.data.Dataset;
import dev.inertia.data.IdxArray;
import dev.inertia.data.IdxFormatException;
import dev.inertia.io.JsonParser;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Conv2d;
import dev.inertia.nn.Flatten;
import dev.inertia.nn.Linear;
import dev.inertia.nn.MaxPool2d;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Small learnable image sets for training tests: an image of class c is noise plus bright pixels
 * at the positions p with p % 10 == c, so a few steps of training already beat chance.
 */
public final class TinyData {
    private TinyData() {}

    /** {@code count} images {@code side x side} of 10 classes (labels i % 10), seeded. */
    public static Dataset dataset(String name, int count, int side, long seed) throws IdxFormatException {
        return Dataset.of(name, new IdxArray(name + " images", new int[] {count, side, side}, images(count, side, seed)),
                new IdxArray(name + " labels", new int[] {count}, labels(count)), 10);
    }

    /**
     * A small cnn for {@code side x side} images of {@link #dataset}: convolution, pooling and
     * linear layers, every kernel that splits work over threads in a step; weights from {@code seed}.
     */
    public static Sequential cnn(Scope scope, int side, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Conv2d(scope, DType.F32, 1, 8, 5, 2, r), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(scope, DType.F32, 8 * (side / 2) * (side / 2), 64, r), new ReLU(),
                new Linear(scope, DType.F32, 64, 10, r));
    }

    static byte[] images(int count, int side, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] data = new byte[count * side * side];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < side * side; p++) {
                int v = r.nextInt(64) + (p % 10 == i % 10 ? 180 : 0);
                data[i * side * side + p] = (byte) v;
            }
        }
        return data;
    }

    static byte[] labels(int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (i % 10);
        }
        return data;
    }

    /** Raw IDX bytes of unsigned bytes: magic {@code 00 00 08 rank}, the dimensions, the data. */
    public static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    /** A Fashion-MNIST-like directory (raw IDX files, 28x28) with {@code train} and {@code test} images. */
    public static Path writeDataDir(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(new int[] {train, 28, 28}, images(train, 28, 1)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(new int[] {train}, labels(train)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(new int[] {test, 28, 28}, images(test, 28, 2)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {test}, labels(test)));
        return dir;
    }

    /** Parses a JSON object line (the package's strict parser, for tests elsewhere). */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> parseJson(String line) {
        return (java.util.Map<String, Object>) JsonParser.parse(line);
    }
}
