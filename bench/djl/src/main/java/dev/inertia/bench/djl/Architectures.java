package dev.inertia.bench.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import java.util.SplittableRandom;

/**
 * The two models of Inertia's docs/DESIGN.md ({@code dev.inertia.nn.Models}) as DJL blocks, layer
 * for layer, and PyTorch's default initialization written into their parameters.
 */
final class Architectures {
    private Architectures() {}

    /** Linear 784→1024, ReLU, Linear 1024→1024, ReLU, Linear 1024→10; input [N, 784]. */
    static Block mlp() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(1024).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1024).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    /**
     * Conv 5×5 1→32 padding 2, ReLU, MaxPool 2, Conv 5×5 32→64 padding 2, ReLU, MaxPool 2, Flatten,
     * Linear 3136→1024, ReLU, Linear 1024→10; input [N, 1, 28, 28].
     */
    static Block cnn() {
        return new SequentialBlock()
                .add(conv(32)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(64)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(1024).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    private static Block conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(filters).build();
    }

    /** The input shape of one batch of {@code model}. */
    static Shape inputShape(String model, int batch) {
        return model.equals("cnn") ? new Shape(batch, 1, 28, 28) : new Shape(batch, 784);
    }

    /** {@code mlp} or {@code cnn}. */
    static Block of(String model) {
        return switch (model) {
            case "mlp" -> mlp();
            case "cnn" -> cnn();
            default -> throw new IllegalArgumentException("unknown model '" + model + "': expected mlp or cnn");
        };
    }

    /**
     * PyTorch's default initialization of Linear and Conv2d, which Inertia copies: weights and
     * biases uniform in ±1/sqrt(fan_in), fan_in = the weight's size over its first dimension
     * (kaiming_uniform with a = sqrt(5)). DJL's own default is Xavier; timing does not depend on it,
     * but the runs then start from the same kind of weights.
     */
    static void pytorchDefaultInit(Block block, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            Shape shape = parameter.getArray().getShape();
            if (parameter.getType() == Parameter.Type.WEIGHT) {
                bound = 1 / Math.sqrt(shape.size() / shape.get(0));
            } // a bias follows its weight in the parameter list and takes the weight's bound
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-bound, bound);
            }
            parameter.getArray().set(values);
        }
    }
}
