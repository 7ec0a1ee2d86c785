package dev.inertia.train;

import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Conv2d;
import dev.inertia.nn.Flatten;
import dev.inertia.nn.Linear;
import dev.inertia.nn.MaxPool2d;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Measures the steady-state step of a small model in a JVM of its own (so the JIT state of other
 * tests cannot keep a kernel from compiling): for each optimizer named, prints
 * {@code <optimizer> offheap=<bytes allocated after the warm-up> heap=<least heap bytes over 50
 * steps>}. Arguments: mlp or conv, the heap bound over 50 steps, optimizers separated by commas.
 */
public final class StepAllocationProbe {
    static final int STEPS = 50;
    private static final int WARM_UP = 200;
    /**
     * How long rounds may run before the probe gives up. A time, not a count of rounds: a kernel the
     * tiny model calls once per step (GEMM's widest microkernel, only in the weight gradient of the
     * last layer) reaches C2 after seconds, not after a fixed number of steps.
     */
    private static final long MAX_SECONDS = 90;

    /** The heap bound over {@link #STEPS} steps: rounds run until one is within it (or the time is up). */
    private static long bound;

    private StepAllocationProbe() {}

    public static void main(String[] args) throws Exception {
        bound = Long.parseLong(args[1]);
        boolean conv = args[0].equals("conv");
        Dataset train = TinyData.dataset("train", 64, 8, 1), test = TinyData.dataset("test", 16, 8, 2);
        for (String optimizer : args[2].split(",")) {
            if (args[0].equals("predict")) {
                predict();
                continue;
            }
            if (args[0].equals("custom")) {
                custom(optimizer);
                continue;
            }
            try (Scope scope = Scope.open()) {
                SplittableRandom r = new SplittableRandom(1);
                // Every layer kind of the two models: Linear + ReLU (fused), Linear, Conv2d, MaxPool2d, Flatten.
                Sequential model = conv
                        ? new Sequential(new Conv2d(scope, DType.F32, 1, 4, 3, 1, r), new ReLU(), new MaxPool2d(2),
                                new Flatten(), new Linear(scope, DType.F32, 64, 10, r))
                        : new Sequential(new Linear(scope, DType.F32, 64, 32, r), new ReLU(),
                                new Linear(scope, DType.F32, 32, 10, r));
                // the command line's default schedule: the learning rate is set before every step
                TrainConfig cfg = new TrainConfig(args[0], conv, 1, conv ? 4 : 16, optimizer, Double.NaN, 0, 1, 0,
                        DType.F32, "fp32", null, null, null, null, null, "cosine");
                try (Trainer t = new Trainer(cfg, model, train, test, "tiny")) {
                    measure(optimizer, t, t::stepForMeasurement);
                }
            }
        }
        // The control for the class-load log (StepAllocationTest): a byte-array segment made now,
        // after the marker class, must show up there after the marker.
        AfterSteps.load();
        System.out.println("control segment of " + MemorySegment.ofArray(new byte[1]).byteSize() + " byte");
    }

    /**
     * The general trainer's step: a user's own Module subclass (with a skip connection) on a
     * user's own Dataset, standardized, through {@link Trainer#builder}, on a kernel pool of its own.
     */
    private static void custom(String optimizer) {
        Points data = Points.classes("points", 256, 1);
        try (Scope scope = Scope.open();
                Trainer t = Trainer.builder(new GeneralTrainerTest.SkipNet(scope, DType.F32, 4, 32, 2, 1))
                        .optimizer(OptimizerRegistry.create(optimizer, Double.NaN)).schedule(Schedule.cosine(10, 0.1))
                        .transform(dev.inertia.data.Scaling.standardize(data)).batchSize(16).epochs(1000)
                        .threads(2).build()) { // a pool of its own: each step binds it
            measure(optimizer, t, () -> t.stepForMeasurement(data));
        }
    }

    /** A predictor's batch of 16 into a caller's array, on the same kind of model, on a kernel pool of its own. */
    private static void predict() {
        Points data = Points.classes("points", 16, 1);
        float[] x = new float[16 * 4], out = new float[16 * 2];
        for (int i = 0; i < 16; i++) {
            data.copyFeatures(i, x, 4 * i);
        }
        try (Scope scope = Scope.open();
                Predictor p = Predictor.builder(new GeneralTrainerTest.SkipNet(scope, DType.F32, 4, 32, 2, 1))
                        .exampleShape(4).transform(dev.inertia.data.Scaling.standardize(data)).threads(2)
                        .build()) { // a pool of its own: each call binds it
            measure("predict", p::allocatedBytes, () -> p.predictProba(x, 16, out));
        }
    }

    private static void measure(String optimizer, Trainer t, Runnable step) {
        measure(optimizer, t::allocatedBytes, step);
    }

    private static void measure(String optimizer, java.util.function.LongSupplier allocated, Runnable step) {
        for (int i = 0; i < WARM_UP; i++) { // buffers sized, code paths taken
            step.run();
        }
        long offHeap = allocated.getAsLong();
        long best = Long.MAX_VALUE, deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        while (best >= bound && System.nanoTime() < deadline) {
            long heap = Allocations.currentThread();
            for (int i = 0; i < STEPS; i++) {
                step.run();
            }
            best = Math.min(best, Allocations.currentThread() - heap);
        }
        System.out.println(optimizer + " offheap=" + (allocated.getAsLong() - offHeap) + " heap=" + best);
    }

    /** Loaded once every step has run: marks the end of the steps in a class-load log. */
    static final class AfterSteps {
        static void load() {}
    }
}
