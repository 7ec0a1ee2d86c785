package dev.inertia.train;

import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Linear;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link KillTest}: trains a small model on tiny data with a checkpoint after
 * every epoch of three steps, resuming from the checkpoint when there is one, until killed or,
 * given a step count, until that many more steps are done. Prints {@code ready <step>} once the
 * checkpoint (if any) has loaded.
 */
public final class KillTestChild {
    static final int SIDE = 8, WIDTH = 512, BATCH = 8;

    private KillTestChild() {}

    static Dataset trainSet() throws IOException {
        return TinyData.dataset("train", 3 * BATCH, SIDE, 1);
    }

    static Dataset testSet() throws IOException {
        return TinyData.dataset("test", BATCH, SIDE, 2);
    }

    static Sequential model(Scope scope) {
        SplittableRandom r = new SplittableRandom(3);
        return new Sequential(new Linear(scope, DType.F32, SIDE * SIDE, WIDTH, r), new ReLU(),
                new Linear(scope, DType.F32, WIDTH, 10, r));
    }

    /** The run: AdamW (two buffers per parameter: a bigger file to write), effectively endless unless limited. */
    static TrainConfig config(Path checkpoint, boolean resume, long maxSteps) {
        return new TrainConfig("kill-test", false, 1_000_000, BATCH, "adamw", 1e-3, 0, 11, maxSteps, DType.F32, "fp32",
                null, checkpoint, resume ? checkpoint : null);
    }

    /** {@code args}: the checkpoint file, then optionally the number of further steps to train before exiting. */
    public static void main(String[] args) throws IOException {
        Path ck = Path.of(args[0]);
        boolean resume = Files.exists(ck);
        try (Scope scope = Scope.open()) {
            Sequential model = model(scope);
            long more = args.length > 1 ? Long.parseLong(args[1]) : 0;
            // a step limit is absolute: find where the checkpoint stands first
            long start = 0;
            if (resume) {
                try (Trainer probe = new Trainer(config(ck, true, 0), model(scope), trainSet(), testSet(), "tiny")) {
                    probe.resume();
                    start = probe.globalStep();
                }
            }
            try (Trainer t = new Trainer(config(ck, resume, more > 0 ? start + more : 0), model, trainSet(), testSet(),
                    "tiny")) {
                t.resume();
                System.out.println("ready " + t.globalStep());
                System.out.flush();
                t.run();
                System.out.println("done " + t.globalStep());
            }
        }
    }
}
