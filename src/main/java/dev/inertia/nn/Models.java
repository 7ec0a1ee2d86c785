package dev.inertia.nn;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.List;
import java.util.ArrayList;
import java.util.Locale;
import java.util.SplittableRandom;

/** The two models of docs/DESIGN.md (the ones the PyTorch comparison uses), seeded PyTorch-default initialization. */
public final class Models {
    /** A named architecture and the input layout it takes. */
    public enum Kind {
        /** Linear 784→1024, ReLU, Linear 1024→1024, ReLU, Linear 1024→10; input {@code [N, 784]}. */
        MLP(false),
        /**
         * Conv 5×5 1→32 padding 2, ReLU, MaxPool 2, Conv 5×5 32→64 padding 2, ReLU, MaxPool 2,
         * Flatten, Linear 3136→1024, ReLU, Linear 1024→10; input {@code [N, 1, 28, 28]}.
         */
        CNN(true);

        private final boolean imageInput;

        Kind(boolean imageInput) {
            this.imageInput = imageInput;
        }

        /** Whether the model takes {@code [N, 1, 28, 28]} images (else flat {@code [N, 784]} rows). */
        public boolean imageInput() {
            return imageInput;
        }

        /** mlp or cnn (case-insensitive). */
        public static Kind parse(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "mlp" -> MLP;
                case "cnn" -> CNN;
                default -> throw new IllegalArgumentException("unknown model '" + name + "': expected mlp or cnn");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Models() {}

    /** The model {@code kind} with parameters of {@code dtype} in {@code scope}, initialized from {@code seed}. */
    public static Sequential create(Kind kind, Scope scope, DType dtype, long seed) {
        return kind == Kind.MLP ? mlp(scope, dtype, seed) : cnn(scope, dtype, seed);
    }

    /** The mlp: 1.86 M parameters. */
    public static Sequential mlp(Scope scope, DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(
                new Linear(scope, dtype, 784, 1024, r), new ReLU(),
                new Linear(scope, dtype, 1024, 1024, r), new ReLU(),
                new Linear(scope, dtype, 1024, 10, r));
    }

    /** The cnn: 3.27 M parameters. */
    public static Sequential cnn(Scope scope, DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(
                new Conv2d(scope, dtype, 1, 32, 5, 2, r), new ReLU(), new MaxPool2d(2),
                new Conv2d(scope, dtype, 32, 64, 5, 2, r), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(scope, dtype, 3136, 1024, r), new ReLU(),
                new Linear(scope, dtype, 1024, 10, r));
    }

    /**
     * A multilayer perceptron for tabular data: Linear {@code inputs → hidden[0]}, activation, ...,
     * Linear {@code hidden[last] → outputs} (a linear model when {@code hidden} is empty), with
     * PyTorch's default initialization from {@code seed}.
     *
     * @param activation relu, leaky-relu, relu6 or hardtanh
     */
    public static Sequential mlp(Scope scope, DType dtype, int inputs, int[] hidden, int outputs, String activation,
            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Module> layers = new ArrayList<>();
        int width = inputs;
        for (int h : hidden) {
            layers.add(new Linear(scope, dtype, width, h, r));
            layers.add(activation(activation));
            width = h;
        }
        layers.add(new Linear(scope, dtype, width, outputs, r));
        return new Sequential(layers.toArray(Module[]::new));
    }

    /** The activations {@link #mlp(Scope, DType, int, int[], int, String, long)} takes, by name. */
    public static final List<String> ACTIVATIONS = List.of("relu", "leaky-relu", "relu6",
            "hardtanh");

    private static Module activation(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "relu" -> new ReLU();
            case "leaky-relu", "leaky_relu", "leakyrelu" -> new LeakyReLU();
            case "relu6" -> new ReLU6();
            case "hardtanh" -> new Hardtanh();
            default -> throw new IllegalArgumentException("unknown activation '" + name + "': expected one of "
                    + String.join(", ", ACTIVATIONS));
        };
    }
}
