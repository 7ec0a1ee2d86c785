package dev.inertia.train;

import dev.inertia.data.ArrayDataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Conv2d;
import dev.inertia.nn.Flatten;
import dev.inertia.nn.Linear;
import dev.inertia.nn.MaxPool2d;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.OptimizerRegistry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * Gets the training kernels compiled by the JIT before the first real step: a few hundred steps
 * of a tiny model of the same layers, trained on a thread of its own.
 *
 * <p>Why: until C2 has compiled them, the Vector API kernels (the GEMM microkernels above all) run
 * in the interpreter, which allocates every vector, so the first steps of a full-size model take
 * seconds (docs/PERFORMANCE.md, <i>Warm-up</i>). C2 compiles a method after enough calls and loop
 * iterations, whatever the sizes, and tiny steps make them cheaply. The warm-up runs a real
 * {@link Trainer} (the same tape, rules, batcher, fused epilogues, loss and optimizer pass) on
 * tiny linear layers (and, for convolutional models, tiny convolutions and max pooling, sized to
 * take the same direct-convolution paths as the built-in cnn), all on native memory of its own
 * scope, so the type profiles C2 compiles from are the ones training produces (no heap segments:
 * the cliffs of PERFORMANCE.md). It stops once its steps have run several times faster than its
 * first ones for a while (the kernels it reaches are compiled), or after a bounded number of steps.
 *
 * <p>It changes no result: it trains its own model on its own random data, on its own one-thread
 * kernel pool, and shares no state with other trainers. It never fails a run: an exception inside
 * it is logged once and the warm-up counts as done. One warm-up per configuration runs per JVM:
 * {@link #start} returns the one already started. {@link Trainer} waits for it before its first
 * step (counting the wait in that step's time); the command line starts it before loading the
 * data, so that the two overlap. Opt-in, with {@code -Dinertia.warmup=true} or
 * {@code INERTIA_WARMUP=on}, or per trainer with {@link Trainer.Builder#warmup(boolean)}: it saves
 * CPU time (12-15% of a 300-step mlp run), but on a shared 2-core machine it did not shorten the
 * first step, whose wait it adds to (docs/PERFORMANCE.md, *Warm-up*).
 *
 * <p>Thread-safe.
 */
public final class KernelWarmup {
    /** The system property that turns the default warm-up off ({@code false}). */
    public static final String PROPERTY = "inertia.warmup";
    /** The environment variable that turns the default warm-up off ({@code off} or {@code 0}). */
    public static final String ENVIRONMENT = "INERTIA_WARMUP";

    /** Examples a tiny mlp step takes: several row panels of the GEMM (8 rows each), two per packing pair. */
    static final int BATCH = 32;
    /** Images a tiny cnn step takes: its convolutions cost the most in the interpreter, per image. */
    static final int CNN_BATCH = 2;
    /** Width of the tiny linear layers: two full 48-column panels and a 16-column remainder, as 784 and 1024. */
    static final int WIDTH = 112;
    /** Classes of the tiny models: as Fashion-MNIST's, so the last layer takes the same narrow kernel. */
    static final int CLASSES = 10;
    /** Image side of the tiny cnn: its second convolution's rows (side / 2) are wide enough to be direct. */
    static final int SIDE = 24;
    /**
     * Channels of the tiny cnn's convolutions: the first layer's window shallow (25 taps) as the
     * cnn's, the second's deep enough (100) for the lane kernel, with the cnn's 64 output channels
     * (four vectors of 16 lanes: the weight gradient's widest tile).
     */
    static final int CHANNELS1 = 4, CHANNELS2 = 64;
    /** Steps per window of step times, whose median the stopping rule looks at. */
    static final int WINDOW = 10;
    /** Least and most steps of a warm-up (the most bounds its cost on a machine where it never settles). */
    static final int MIN_STEPS = 3 * WINDOW, MAX_STEPS = 400;
    /** A window is compiled when its median step is below this share of the first (interpreted) window's. */
    static final double COMPILED_SHARE = 0.125;
    /** Compiled windows in a row after which the warm-up stops. */
    static final int SETTLED_WINDOWS = 2;
    /** Seed of the warm-up's data and models; any value does, the results are discarded. */
    private static final long SEED = 20;

    /** Warm-ups started in this JVM, by configuration. */
    private static final Map<String, KernelWarmup> STARTED = new HashMap<>();

    private final String name;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int steps;
    private volatile long nanos;
    private volatile Throwable failure;

    private KernelWarmup(String name) {
        this.name = name;
    }

    /**
     * Whether trainers warm up by default: no, unless {@code -Dinertia.warmup=true} or the
     * environment variable {@code INERTIA_WARMUP} is {@code on}, {@code true}, {@code 1} or
     * {@code yes} (the property first).
     */
    public static boolean enabled() {
        String property = System.getProperty(PROPERTY);
        if (property != null) {
            return isOn(property);
        }
        String environment = System.getenv(ENVIRONMENT);
        return environment != null && isOn(environment);
    }

    private static boolean isOn(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "1", "yes" -> true;
            default -> false;
        };
    }

    /**
     * Starts, on a daemon thread, the warm-up for models of {@code dtype} trained by the optimizer
     * called {@code optimizer} (a name of {@link OptimizerRegistry#NAMES}), with convolutions and
     * max pooling when {@code convolutions}; returns the warm-up of that configuration already
     * started in this JVM, if any.
     *
     * @throws IllegalArgumentException for an optimizer name the registry does not know, or a dtype
     *     other than F32 and F64
     */
    public static KernelWarmup start(DType dtype, boolean convolutions, String optimizer) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(optimizer, "optimizer");
        String key = optimizer.toLowerCase(Locale.ROOT);
        if (!OptimizerRegistry.NAMES.contains(key)) {
            throw new IllegalArgumentException("no optimizer called " + optimizer + " to warm up; one of "
                    + OptimizerRegistry.NAMES);
        }
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("the warm-up trains F32 or F64 models, not " + dtype);
        }
        String name = (convolutions ? "cnn" : "mlp") + "/" + key + "/" + dtype;
        return startOnce(name, () -> train(dtype, convolutions, key));
    }

    /**
     * The warm-up for {@code model} trained by {@code optimizer}: with convolutions when the
     * model has a {@link Conv2d} anywhere, with the optimizer's own kernel when the registry knows
     * its name (SGD's otherwise, the cheapest pass); null for a dtype the warm-up does not train.
     */
    static KernelWarmup startFor(Module model, String optimizer, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F64) {
            return null;
        }
        String key = optimizer.toLowerCase(Locale.ROOT);
        return start(dtype, hasConvolution(model), OptimizerRegistry.NAMES.contains(key) ? key : "sgd");
    }

    /** Runs {@code work} as the warm-up called {@code name} unless one of that name was started. */
    static KernelWarmup startOnce(String name, Work work) {
        synchronized (STARTED) {
            KernelWarmup running = STARTED.get(name);
            if (running != null) {
                return running;
            }
            KernelWarmup warmup = new KernelWarmup(name);
            STARTED.put(name, warmup);
            Thread thread = new Thread(() -> warmup.run(work), "inertia-warmup-" + name);
            thread.setDaemon(true); // never keeps a JVM alive
            thread.start();
            return warmup;
        }
    }

    /** A warm-up's body; returns the steps it took. */
    @FunctionalInterface
    interface Work {
        int run() throws Exception;
    }

    private void run(Work work) {
        long t0 = System.nanoTime();
        try {
            steps = work.run();
        } catch (Throwable e) { // a warm-up only costs time: whatever goes wrong, training goes on
            failure = e;
            System.getLogger("dev.inertia").log(Level.WARNING, "the kernel warm-up (" + name + ") failed and was"
                    + " skipped; training is unaffected, its first steps are slower: " + e);
        } finally {
            nanos = System.nanoTime() - t0;
            finished.countDown();
        }
    }

    /**
     * Waits until the warm-up has finished (at once when it has); never throws. An interrupt ends
     * the wait early and stays set on the calling thread.
     */
    public void await() {
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the warm-up has finished (or failed). */
    public boolean isDone() {
        return finished.getCount() == 0;
    }

    /** Tiny training steps the warm-up took (0 until it has finished, or when it failed). */
    public int steps() {
        return steps;
    }

    /** Wall time of the warm-up in milliseconds (NaN until it has finished). */
    public double millis() {
        return isDone() ? nanos / 1e6 : Double.NaN;
    }

    /** Whether the warm-up failed (and was skipped). */
    public boolean failed() {
        return failure != null;
    }

    /** Its configuration: {@code mlp|cnn/optimizer/dtype}. */
    @Override
    public String toString() {
        return "KernelWarmup[" + name + (isDone() ? String.format(Locale.ROOT, ", %d steps, %.0f ms", steps, millis())
                : ", running") + "]";
    }

    private static boolean hasConvolution(Module module) {
        if (module instanceof Conv2d) {
            return true;
        }
        for (Module child : module.children().values()) {
            if (hasConvolution(child)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Trains the tiny mlp, then for {@code convolutions} the tiny cnn (whose two images a step leave
     * the GEMM's full row panels to the mlp), each until its steps run compiled (see {@link
     * Plateau}); returns the steps taken.
     */
    static int train(DType dtype, boolean convolutions, String optimizer) throws Exception {
        int steps = trainTiny(dtype, false, optimizer);
        return convolutions ? steps + trainTiny(dtype, true, optimizer) : steps;
    }

    private static int trainTiny(DType dtype, boolean convolutions, String optimizer) throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        try (Scope scope = Scope.open()) {
            int[] shape = convolutions ? new int[] {1, SIDE, SIDE} : new int[] {WIDTH};
            Sequential model = convolutions ? tinyCnn(scope, dtype, random) : tinyMlp(scope, dtype, random);
            int batch = convolutions ? CNN_BATCH : BATCH;
            int examples = 4 * batch;
            int perExample = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            // native features, as the data sets of real runs are read into native batches
            MemorySegment features = scope.allocate((long) examples * perExample * Float.BYTES);
            for (long i = 0; i < (long) examples * perExample; i++) {
                features.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
            }
            int[] labels = random.ints(examples, 0, CLASSES).toArray();
            ArrayDataset data = ArrayDataset.ofSegment(features, shape, labels, CLASSES).named("warm-up");
            Plateau plateau = new Plateau();
            try (Trainer trainer = Trainer.builder(model)
                    .optimizer(OptimizerRegistry.create(optimizer))
                    .batchSize(batch)
                    .epochs(Math.ceilDiv(MAX_STEPS, examples / batch))
                    .maxSteps(MAX_STEPS)
                    .flattenInputs(!convolutions)
                    .threads(1) // its own pool: the caller's threads stay the caller's
                    .warmup(false)
                    .build()) {
                trainer.listener(plateau.stopping(trainer));
                trainer.fit(data);
                return (int) trainer.globalStep();
            }
        }
    }

    private static Sequential tinyMlp(Scope scope, DType dtype, SplittableRandom r) {
        return new Sequential(
                new Linear(scope, dtype, WIDTH, WIDTH, r), new ReLU(),
                new Linear(scope, dtype, WIDTH, WIDTH, r), new ReLU(),
                new Linear(scope, dtype, WIDTH, CLASSES, r));
    }

    private static Sequential tinyCnn(Scope scope, DType dtype, SplittableRandom r) {
        int side = SIDE / 4;
        return new Sequential(
                new Conv2d(scope, dtype, 1, CHANNELS1, 5, 2, r), new ReLU(), new MaxPool2d(2),
                new Conv2d(scope, dtype, CHANNELS1, CHANNELS2, 5, 2, r), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(scope, dtype, CHANNELS2 * side * side, WIDTH, r), new ReLU(),
                new Linear(scope, dtype, WIDTH, CLASSES, r));
    }

    /**
     * Watches the step times and asks the trainer to stop once {@link #MIN_STEPS} are done and
     * {@link #SETTLED_WINDOWS} windows in a row had a median step under {@link #COMPILED_SHARE} of
     * the first window's (whose steps ran interpreted): the kernels it reaches are compiled.
     */
    private static final class Plateau {
        private final long[] times = new long[MAX_STEPS + 1];
        private int count;
        private int settled;
        private long first;
        private long last = System.nanoTime();

        TrainListener stopping(Trainer trainer) {
            return new TrainListener() {
                @Override
                public void step(long step, double loss) {
                    long now = System.nanoTime();
                    times[Math.min(count++, MAX_STEPS)] = now - last;
                    last = now;
                    if (count % WINDOW != 0) {
                        return;
                    }
                    long median = median(count - WINDOW);
                    if (count == WINDOW) {
                        first = median;
                    }
                    settled = median < COMPILED_SHARE * first ? settled + 1 : 0;
                    if (count >= MIN_STEPS && settled >= SETTLED_WINDOWS) {
                        trainer.requestInterrupt();
                    }
                }

                @Override
                public void epoch(EpochReport report) {}

                @Override
                public void message(String line) {}
            };
        }

        private long median(int from) {
            long[] window = Arrays.copyOfRange(times, from, from + WINDOW);
            Arrays.sort(window);
            return window[WINDOW / 2];
        }
    }
}
