package dev.inertia.train;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.Batcher;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.Normalization;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Parameter;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.Param;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A developer tool, not a test: times the phases of the training step (batch copy, forward with
 * the loss, reverse sweep, optimizer step) of the mlp or the cnn on Fashion-MNIST, the way
 * {@link Trainer} runs them, and measures the heap bytes per step. It prints "measuring" when the warm-up
 * ({@code -Dwarmup=N} steps) is over, for a profiler attached from then on.
 *
 * <p>Usage (from the worktree, after {@code ./mvnw -q test-compile}): {@code java --add-modules
 * jdk.incubator.vector -cp target/classes:target/test-classes:$(cat cp.txt) dev.inertia.train.StepProfile
 * mlp|cnn sgd|adamw|... threads steps}; docs/history/perf-train.md shows the exact command.
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) throws Exception {
        Models.Kind kind = Models.Kind.parse(args[0]);
        String opt = args[1];
        // Held for the process's life: the profiled steps run on this thread's pool.
        KernelPool.ofThreads(Integer.parseInt(args[2])).bind();
        int steps = Integer.parseInt(args[3]);
        String dataDir = System.getProperty("data", "../shared/data/fashion-mnist");
        FashionMnist.Splits data = FashionMnist.load(Path.of(dataDir));
        try (Scope scope = Scope.open(); Tape tape = new Tape(Kinks.defaults())) {
            // -Dtiny: the small convolutional model of StepAllocationProbe, batch 4 (to find allocations).
            boolean tiny = Boolean.getBoolean("tiny");
            java.util.SplittableRandom r = new java.util.SplittableRandom(1);
            Sequential model = tiny
                    ? new Sequential(new dev.inertia.nn.Conv2d(scope, DType.F32, 1, 4, 3, 1, r), new dev.inertia.nn.ReLU(),
                            new dev.inertia.nn.MaxPool2d(2), new dev.inertia.nn.Flatten(),
                            new dev.inertia.nn.Linear(scope, DType.F32, 784, 10, r))
                    : Models.create(kind, scope, DType.F32, 1);
            Batcher train = Batcher.training(data.train(), scope, tiny ? 4 : 128,
                    kind.imageInput() ? Batcher.Layout.IMAGE : Batcher.Layout.FLAT, Normalization.FASHION_MNIST, 1);
            List<Param> params = new ArrayList<>();
            for (Parameter p : model.parameters()) {
                params.add(p.param());
            }
            Optimizer optimizer = Optimizer.builder().group(OptimizerRegistry.create(opt, Double.NaN), params).scope(scope)
                    .build();
            int warmUp = Integer.getInteger("warmup", kind == Models.Kind.MLP ? 300 : 60);
            long[][] t = new long[5][steps];
            long[] phaseHeap = new long[5];
            int epoch = 0;
            train.startEpoch(epoch);
            long heap0 = 0;
            for (int s = -warmUp; s < steps; s++) {
                if (s == 0) {
                    System.out.println("measuring");
                    heap0 = Allocations.currentThread();
                }
                long h0 = Allocations.currentThread();
                long a = System.nanoTime();
                if (!train.next()) {
                    train.startEpoch(++epoch);
                    train.next();
                }
                long b = System.nanoTime();
                long h1 = Allocations.currentThread();
                tape.reset();
                Var logits = model.forward(tape.constant(train.images()));
                Var loss = logits.softmaxCrossEntropy(train.labels());
                long c = System.nanoTime();
                long h2 = Allocations.currentThread();
                tape.backward(loss);
                long d = System.nanoTime();
                long h3 = Allocations.currentThread();
                optimizer.step();
                long e = System.nanoTime();
                long h4 = Allocations.currentThread();
                if (s >= 0) {
                    phaseHeap[0] += h1 - h0;
                    phaseHeap[1] += h2 - h1;
                    phaseHeap[2] += h3 - h2;
                    phaseHeap[3] += h4 - h3;
                }
                if (s >= 0) {
                    t[0][s] = b - a;
                    t[1][s] = c - b;
                    t[2][s] = d - c;
                    t[3][s] = e - d;
                    t[4][s] = e - a;
                }
            }
            long heap = Allocations.currentThread() - heap0;
            String[] names = {"batch", "forward+loss", "backward", "optimizer", "step"};
            System.out.printf(Locale.ROOT, "%s %s threads=%d steps=%d heap/step=%d B%n", kind, opt,
                    Parallel.threads(), steps, heap / steps);
            for (int i = 0; i < names.length; i++) {
                long[] x = t[i].clone();
                Arrays.sort(x);
                System.out.printf(Locale.ROOT, "  %-13s p50 %8.3f ms  p10 %8.3f  p90 %8.3f  heap %6d B/step%n",
                        names[i], x[steps / 2] / 1e6, x[steps / 10] / 1e6, x[steps * 9 / 10] / 1e6,
                        phaseHeap[i] / steps);
            }
        }
    }
}
