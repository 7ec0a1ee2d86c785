package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.AdamW;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.Param;
import dev.inertia.optim.StateDict;
import dev.inertia.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checkpoints as {@code --resume} loads them, into a small model (a linear layer and a batch norm)
 * and an AdamW optimizer: a refused file must say so in one line naming it and leave both exactly
 * as they were (loads are all or nothing).
 */
class CheckpointFuzzTest {
    /** One model and optimizer for the whole run: a fuzzing process never closes its scope. */
    private static final Scope SCOPE = Scope.open();
    static final Sequential MODEL = new Sequential(new Linear(SCOPE, DType.F32, 4, 3, new SplittableRandom(1)),
            new BatchNorm1d(SCOPE, DType.F32, 3));
    static final Optimizer OPTIMIZER = optimizer(MODEL);

    static Optimizer optimizer(Sequential model) {
        List<Param> params = new ArrayList<>();
        model.parameters().forEach(p -> params.add(p.param()));
        return Optimizer.of(AdamW.builder().build(), params);
    }

    @FuzzTest
    void checkpoint(byte[] input) throws IOException {
        Path file = FuzzFiles.write("fuzz-checkpoint.safetensors", input);
        List<float[]> model = fingerprint(MODEL);
        StateDict optimizer = OPTIMIZER.stateDict();
        try {
            Checkpoint.load(file, MODEL, OPTIMIZER, Map.of());
        } catch (IOException e) {
            FuzzFiles.requireDocumented(e, file);
            List<float[]> after = fingerprint(MODEL);
            for (int i = 0; i < model.size(); i++) {
                if (!Arrays.equals(model.get(i), after.get(i))) {
                    throw new AssertionError("a refused checkpoint changed the model (" + e.getMessage() + ")");
                }
            }
            if (!optimizer.equals(OPTIMIZER.stateDict())) {
                throw new AssertionError("a refused checkpoint changed the optimizer (" + e.getMessage() + ")");
            }
        }
    }

    private static List<float[]> fingerprint(Sequential model) {
        List<float[]> values = new ArrayList<>();
        for (Tensor t : model.stateDict().values()) {
            values.add(t.dtype() == DType.F32 ? t.toFloatArray() : toFloats(t.toDoubleArray()));
        }
        return values;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
