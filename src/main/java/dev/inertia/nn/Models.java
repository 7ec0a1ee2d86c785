package dev.inertia.nn;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.Locale;
import java.util.SplittableRandom;

/** The two models of DESIGN.md (the ones the PyTorch comparison uses), seeded PyTorch-default initialization. */
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
}
