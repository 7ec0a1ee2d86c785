package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.autodiff.Cost;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.io.PrintStream;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * {@code inertia cost --model mlp|cnn [--batch B] [--seed S] [--json]}: records one training
 * loss of the model (random weights with PyTorch's default initialization, random data and
 * labels) on a tape and prints the operation counts its ops declare for the forward pass, the
 * reverse sweep and one tangent sweep.
 */
final class CostCommand {
    private CostCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("cost", argv, Set.of("model", "batch", "seed", "threads"), Set.of("json"));
        String model = args.choice("model", "mlp", "mlp", "cnn");
        int batch = args.positiveInteger("batch", 128);
        long seed = args.longInteger("seed", 1);
        // per example, the forward values the tape certainly keeps (F32): the mlp's input and four
        // hidden layers; the cnn's input, two convolutions, their ReLUs and pools
        double perExample = model.equals("mlp") ? 784 + 4 * 1024 : 784 + 2 * (32 * 28 * 28 + 64 * 14 * 14)
                + 32 * 14 * 14 + 64 * 7 * 7;
        double largest = model.equals("mlp") ? 1024 : 32 * 28 * 28;
        Footprint.check("cost --model " + model + " --batch " + batch, "one activation", largest * batch,
                perExample * batch * Float.BYTES);
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            try (Scope scope = Scope.open(); Tape tape = new Tape()) {
                Models m = new Models(scope, tape, new Random(seed));
                Var loss = model.equals("mlp") ? m.mlp(batch) : m.cnn(batch);
                Cost c = tape.cost(loss);
                Json json = new Json()
                        .put("model", model)
                        .put("batch", batch)
                        .put("params", m.params)
                        .put("forward_ops", c.forwardOps())
                        .put("backward_ops", c.backwardOps())
                        .put("jvp_ops", c.jvpOps())
                        .put("backward_over_forward", round(c.backwardOverForward()))
                        .put("gradient_over_forward", round((double) c.gradientOps() / c.forwardOps()))
                        .put("jvp_over_forward", round((double) c.jvpOps() / c.forwardOps()));
                if (args.has("json")) {
                    out.println(json);
                } else {
                    out.printf("%s, batch %d, %,d parameters%n", model, batch, m.params);
                    out.printf("  forward   %,18d ops%n", c.forwardOps());
                    out.printf("  backward  %,18d ops  (%.3f x forward)%n", c.backwardOps(), c.backwardOverForward());
                    out.printf("  jvp       %,18d ops  (%.3f x forward)%n", c.jvpOps(),
                            (double) c.jvpOps() / c.forwardOps());
                }
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    /** The models of docs/DESIGN.md as Var graphs, in F32, weights initialized like PyTorch's defaults. */
    private static final class Models {
        private final Scope scope;
        private final Tape tape;
        private final Random random;
        long params;

        Models(Scope scope, Tape tape, Random random) {
            this.scope = scope;
            this.tape = tape;
            this.random = random;
        }

        /** Uniform in ±1/sqrt(fanIn): PyTorch's default for Linear and Conv2d weights and biases. */
        private Var param(int fanIn, int... shape) {
            Tensor t = Tensor.zeros(scope, DType.F32, shape);
            double bound = 1 / Math.sqrt(fanIn);
            for (long i = 0; i < t.size(); i++) {
                t.setDouble(i, (random.nextDouble() * 2 - 1) * bound);
            }
            params += t.size();
            return tape.param(t);
        }

        private Var data(int... shape) {
            Tensor t = Tensor.zeros(scope, DType.F32, shape);
            for (long i = 0; i < t.size(); i++) {
                t.setDouble(i, random.nextDouble());
            }
            return tape.constant(t);
        }

        private int[] labels(int batch) {
            int[] l = new int[batch];
            for (int i = 0; i < batch; i++) {
                l[i] = random.nextInt(10);
            }
            return l;
        }

        /** x [B, in] to [B, out]: x · Wᵀ + b with W [out, in]. */
        private Var linear(Var x, int in, int outFeatures) {
            Var w = param(in, outFeatures, in);
            Var b = param(in, outFeatures);
            return x.matmul(w, false, true).add(b);
        }

        private Var conv(Var x, int in, int outChannels, int k, int padding) {
            Var w = param(in * k * k, outChannels, in, k, k);
            Var b = param(in * k * k, outChannels);
            return x.conv2d(w, b, 1, padding);
        }

        /** Linear 784→1024, ReLU, Linear 1024→1024, ReLU, Linear 1024→10, softmax cross-entropy. */
        Var mlp(int batch) {
            Var x = data(batch, 784);
            Var h = linear(x, 784, 1024).relu();
            h = linear(h, 1024, 1024).relu();
            return linear(h, 1024, 10).softmaxCrossEntropy(labels(batch));
        }

        /** Conv 5×5 1→32 pad 2, ReLU, MaxPool 2, Conv 5×5 32→64 pad 2, ReLU, MaxPool 2, Linear 3136→1024, ReLU, Linear 1024→10. */
        Var cnn(int batch) {
            Var x = data(batch, 1, 28, 28);
            Var h = conv(x, 1, 32, 5, 2).relu().maxPool2d(2);
            h = conv(h, 32, 64, 5, 2).relu().maxPool2d(2);
            h = linear(h.flatten(), 3136, 1024).relu();
            return linear(h, 1024, 10).softmaxCrossEntropy(labels(batch));
        }
    }
}
