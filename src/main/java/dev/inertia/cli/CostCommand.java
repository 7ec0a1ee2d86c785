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
 * {@code inertia cost --model mlp|cnn [--batch B] [--seed S] [--directions K [--repeats R]] [--json]}: records
 * one training loss of the model (random weights with PyTorch's default initialization, random
 * data and labels) on a tape and prints the operation counts its ops declare for the forward
 * pass, the reverse sweep and one tangent sweep. With {@code --directions K} the derivatives are
 * taken with respect to the input batch (the weights held constant) and it compares K separate
 * Jacobian-vector products, one K-direction sweep ({@link Tape#computeTangentBlocks()}) and one
 * gradient by reverse mode: declared counts and measured wall times (median of {@code --repeats}
 * rounds, default 5).
 */
final class CostCommand {
    private CostCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("cost", argv, Set.of("model", "batch", "seed", "threads", "directions", "repeats"),
                Set.of("json"));
        String model = args.choice("model", "mlp", "mlp", "cnn");
        int batch = args.positiveInteger("batch", 128);
        long seed = args.longInteger("seed", 1);
        int directions = args.has("directions") ? args.positiveInteger("directions", 1) : 0;
        // per example, the forward values the tape certainly keeps (F32): the mlp's input and four
        // hidden layers; the cnn's input, two convolutions, their ReLUs and pools
        double perExample = model.equals("mlp") ? 784 + 4 * 1024 : 784 + 2 * (32 * 28 * 28 + 64 * 14 * 14)
                + 32 * 14 * 14 + 64 * 7 * 7;
        double largest = model.equals("mlp") ? 1024 : 32 * 28 * 28;
        int blocks = 1 + directions; // the values, and a tangent block of k directions per value
        Footprint.check("cost --model " + model + " --batch " + batch, "one activation",
                largest * batch * Math.max(1, directions), perExample * batch * Float.BYTES * blocks);
        if (directions > 0) {
            directions(model, batch, seed, directions, args, out);
            return;
        }
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

    /** Untimed rounds of every piece of work before the timed ones. */
    private static final int WARMUP_ROUNDS = 3;

    /**
     * K separate JVPs, one K-direction sweep and one reverse sweep with respect to the input
     * batch: counts, and wall times of each whole computation (recording included) on one tape.
     */
    private static void directions(String model, int batch, long seed, int k, Args args, PrintStream out) {
        int repeats = args.positiveInteger("repeats", 5);
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind();
                Scope scope = Scope.open(); Tape tape = new Tape()) {
            Models m = new Models(scope, tape, new Random(seed), true);
            Runnable record = () -> {
                tape.reset();
                m.rewind();
                m.loss = model.equals("mlp") ? m.mlp(batch) : m.cnn(batch);
            };
            record.run();
            Cost c = tape.cost(m.loss);
            Random r = new Random(seed + 1);
            int[] inShape = m.input.shape();
            int[] blockShape = new int[inShape.length + 1];
            blockShape[0] = k;
            System.arraycopy(inShape, 0, blockShape, 1, inShape.length);
            Tensor block = Tensor.zeros(scope, DType.F32, blockShape);
            for (long i = 0; i < block.size(); i++) {
                block.setDouble(i, r.nextGaussian());
            }
            Tensor[] rows = new Tensor[k];
            long rowBytes = m.input.size() * Float.BYTES;
            for (int j = 0; j < k; j++) {
                rows[j] = Tensor.wrap(block.segment().asSlice(j * rowBytes, rowBytes), DType.F32, inShape);
            }
            Runnable[] work = {() -> {
                for (int j = 0; j < k; j++) {
                    record.run();
                    m.input.setTangent(rows[j]);
                    tape.computeTangents();
                }
            }, () -> {
                record.run();
                m.input.setTangents(block);
                tape.computeTangentBlocks();
            }, () -> {
                record.run();
                tape.backward(m.loss);
            }};
            double[] ms = medianMillis(work, repeats);
            double separate = ms[0], together = ms[1], reverse = ms[2];
            if (args.has("json")) {
                out.println(new Json().put("model", model).put("batch", batch).put("directions", k)
                        .put("forward_ops", c.forwardOps()).put("jvp_ops", c.jvpOps())
                        .put("separate_jvps_ops", c.separateJvpsOps(k)).put("block_jvp_ops", c.blockJvpOps(k))
                        .put("gradient_ops", c.gradientOps()).put("separate_jvps_ms", round(separate))
                        .put("block_jvp_ms", round(together)).put("gradient_ms", round(reverse))
                        .put("threads", Parallel.threads()));
            } else {
                out.printf("%s, batch %d, derivatives with respect to the input (%,d values), %d directions%n", model,
                        batch, m.input.size(), k);
                out.printf("  %-40s %18s %12s%n", "", "ops", "ms");
                out.printf("  %-40s %,18d %12.3f%n", k + " separate JVPs: " + k + " (forward + jvp)", c.separateJvpsOps(k),
                        separate);
                out.printf("  %-40s %,18d %12.3f%n", "one " + k + "-direction sweep: forward + " + k + " jvp",
                        c.blockJvpOps(k), together);
                out.printf("  %-40s %,18d %12.3f%n", "one gradient: forward + backward", c.gradientOps(), reverse);
                out.printf("  (median of %d rounds after %d warm-up rounds; every run records the forward pass)%n",
                        repeats, WARMUP_ROUNDS);
            }
        }
    }

    /**
     * The median wall time of each piece of work over {@code repeats} rounds, after warm-up
     * rounds; the pieces take turns in every round, so that none is timed while the JIT still
     * compiles what the others also run.
     */
    private static double[] medianMillis(Runnable[] work, int repeats) {
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            for (Runnable w : work) {
                w.run();
            }
        }
        double[][] ms = new double[work.length][repeats];
        for (int round = 0; round < repeats; round++) {
            for (int i = 0; i < work.length; i++) {
                long start = System.nanoTime();
                work[i].run();
                ms[i][round] = (System.nanoTime() - start) / 1e6;
            }
        }
        double[] median = new double[work.length];
        for (int i = 0; i < work.length; i++) {
            java.util.Arrays.sort(ms[i]);
            median[i] = ms[i][repeats / 2];
        }
        return median;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    /** The models of docs/DESIGN.md as Var graphs, in F32, weights initialized like PyTorch's defaults. */
    private static final class Models {
        private final Scope scope;
        private final Tape tape;
        private final Random random;
        /** Whether the input batch is the differentiated leaf (the weights then constants). */
        private final boolean wrtInput;
        /** The tensors and labels of the first recording, reused by the next ones ({@link #rewind}). */
        private final List<Tensor> made = new java.util.ArrayList<>();
        private int[] madeLabels;
        private int next;
        long params;
        /** The input batch's leaf and the loss of the last recording. */
        Var input, loss;

        Models(Scope scope, Tape tape, Random random) {
            this(scope, tape, random, false);
        }

        Models(Scope scope, Tape tape, Random random, boolean wrtInput) {
            this.scope = scope;
            this.tape = tape;
            this.random = random;
            this.wrtInput = wrtInput;
        }

        /** Records the next model on the tensors of the first recording. */
        void rewind() {
            next = 0;
        }

        /** The next tensor of the first recording, or {@code fresh} made and kept. */
        private Tensor tensor(java.util.function.Supplier<Tensor> fresh) {
            if (next < made.size()) {
                return made.get(next++);
            }
            Tensor t = fresh.get();
            made.add(t);
            next++;
            return t;
        }

        /** Uniform in ±1/sqrt(fanIn): PyTorch's default for Linear and Conv2d weights and biases. */
        private Var param(int fanIn, int... shape) {
            boolean first = next == made.size();
            Tensor t = tensor(() -> {
                Tensor w = Tensor.zeros(scope, DType.F32, shape);
                double bound = 1 / Math.sqrt(fanIn);
                for (long i = 0; i < w.size(); i++) {
                    w.setDouble(i, (random.nextDouble() * 2 - 1) * bound);
                }
                return w;
            });
            params += first ? t.size() : 0;
            return wrtInput ? tape.constant(t) : tape.param(t);
        }

        private Var data(int... shape) {
            Tensor t = tensor(() -> {
                Tensor d = Tensor.zeros(scope, DType.F32, shape);
                for (long i = 0; i < d.size(); i++) {
                    d.setDouble(i, random.nextDouble());
                }
                return d;
            });
            input = wrtInput ? tape.param(t) : tape.constant(t);
            return input;
        }

        private int[] labels(int batch) {
            if (madeLabels == null) {
                madeLabels = new int[batch];
                for (int i = 0; i < batch; i++) {
                    madeLabels[i] = random.nextInt(10);
                }
            }
            return madeLabels;
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
