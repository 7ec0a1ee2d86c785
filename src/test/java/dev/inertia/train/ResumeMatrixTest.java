package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Linear;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.numerics.LossScaler;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Complete resume state: for every precision, optimizer and loss-scaling mode, a run stopped
 * mid-epoch (checkpoint at step {@link #STOP}) and resumed ends with the same bits (parameters,
 * optimizer state, loss scaler) as the same run never interrupted.
 */
class ResumeMatrixTest {
    private static final int SIDE = 8, STOP = 7;

    @TempDir
    Path dir;

    /** A loss-scaling mode: a fresh scaler per run, or none. */
    private record Scaling(String name, Supplier<LossScaler> make) {
    }

    private static final List<Scaling> SCALINGS = List.of(
            new Scaling("none", () -> null),
            new Scaling("static:1024", () -> LossScaler.fixed(1024)),
            // starts above fp16's range (2^17 and 2^16 overflow) and grows every 3 clean steps, so its scale, growth counter and
            // skipped steps all change during the run and a resume that forgot them would differ
            new Scaling("dynamic", () -> LossScaler.dynamic(1 << 17, 2, 0.5, 3)));

    /** The bits of every parameter, optimizer buffer and step count, and the scaler's state. */
    private record Outcome(List<long[]> bits, Map<String, String> scaler) {
    }

    private Outcome train(Precision p, String optimizer, LossScaler scaler, long maxSteps, Path checkpoint,
            Path resume) throws IOException {
        Dataset trainSet = TinyData.dataset("train", 44, SIDE, 1), testSet = TinyData.dataset("test", 10, SIDE, 2);
        TrainConfig cfg = new TrainConfig("tiny", false, 2, 8, optimizer, Double.NaN, 0, 5, maxSteps, p.storage(),
                p.toString(), null, checkpoint, resume, p, scaler, "cosine");
        try (Scope scope = Scope.open()) {
            SplittableRandom r = new SplittableRandom(3);
            Sequential model = new Sequential(new Linear(scope, p.storage(), SIDE * SIDE, 12, r), new ReLU(),
                    new Dropout(scope, 0.1, 9), new Linear(scope, p.storage(), 12, 10, r));
            try (Trainer t = new Trainer(cfg, model, trainSet, testSet, "tiny")) {
                t.resume();
                t.run();
                List<long[]> bits = new ArrayList<>();
                model.stateDict().values().forEach(v -> bits.add(TrainerTest.bits(v)));
                for (int i = 0; i < t.optimizer().params().size(); i++) {
                    OptimizerState s = t.optimizer().state(i);
                    bits.add(new long[] {s.step()});
                    s.buffers().values().forEach(b -> bits.add(TrainerTest.bits(b)));
                }
                return new Outcome(bits, scaler == null ? Map.of() : scaler.state());
            }
        }
    }

    /**
     * Every pair of precision, optimizer and scaling mode (20 runs instead of all 60 triples: the
     * scaling mode of precision p and optimizer o is (p + o) mod 3, which gives every precision and
     * every optimizer each mode), each resumed at step {@link #STOP} and compared bit for bit.
     */
    @Test
    void resumedEqualsUninterruptedForEveryPrecisionOptimizerAndScaling() throws IOException {
        List<Precision> precisions = List.of(Precision.FP64, Precision.FP32, Precision.BF16, Precision.FP16);
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (int pi = 0; pi < precisions.size(); pi++) {
            for (int oi = 0; oi < OptimizerRegistry.NAMES.size(); oi++) {
                Precision p = precisions.get(pi);
                String opt = OptimizerRegistry.NAMES.get(oi);
                Scaling s = SCALINGS.get((pi + oi) % SCALINGS.size());
                String what = p + ", " + opt + ", loss scaling " + s.name();
                Path ck = dir.resolve(p + "-" + opt + ".safetensors");
                Outcome whole = train(p, opt, s.make().get(), 0, null, null);
                train(p, opt, s.make().get(), STOP, ck, null);
                Outcome resumed = train(p, opt, s.make().get(), 0, ck, ck);
                assertEquals(whole.bits().size(), resumed.bits().size(), what);
                for (int i = 0; i < whole.bits().size(); i++) {
                    assertArrayEquals(whole.bits().get(i), resumed.bits().get(i), what + ": tensor " + i);
                }
                assertEquals(whole.scaler(), resumed.scaler(), what + ": the loss scaler's state");
                pairs.add(p + "/" + opt);
                pairs.add(p + "/" + s.name());
                pairs.add(opt + "/" + s.name());
            }
        }
        int n = OptimizerRegistry.NAMES.size();
        assertEquals(precisions.size() * n + precisions.size() * SCALINGS.size() + n * SCALINGS.size(), pairs.size(),
                "every pair covered");
    }

    /** The acceptance case of issue 18, which failed before the scaler's state was saved: fp16, dynamic scaling. */
    @Test
    void fp16DynamicScalingKeepsItsScaleAcrossAResume() throws IOException {
        Path ck = dir.resolve("fp16.safetensors");
        LossScaler first = LossScaler.dynamic(1 << 17, 2, 0.5, 3);
        train(Precision.FP16, "adamw", first, STOP, ck, null);
        assertTrue(first.skippedSteps() > 0, "the run overflowed and backed off before the checkpoint");
        Map<String, String> saved;
        try (Scope scope = Scope.open()) {
            saved = SafeTensors.read(ck, scope).metadata();
        }
        assertEquals(Double.toString(first.scale()), saved.get("loss_scale.scale"));
        assertEquals(Long.toString(first.skippedSteps()), saved.get("loss_scale.skipped_steps"));
        assertEquals("dynamic", saved.get("loss_scale.mode"));
        assertEquals("10", saved.get("planned_steps"), "2 epochs of 5 batches");
        LossScaler resumed = LossScaler.dynamic(1 << 17, 2, 0.5, 3);
        Outcome rest = train(Precision.FP16, "adamw", resumed, 0, ck, ck);
        Outcome whole = train(Precision.FP16, "adamw", LossScaler.dynamic(1 << 17, 2, 0.5, 3), 0, null, null);
        for (int i = 0; i < whole.bits().size(); i++) {
            assertArrayEquals(whole.bits().get(i), rest.bits().get(i), "tensor " + i);
        }
    }

    /** A checkpoint written before the scaler's state and the planned steps were kept still resumes. */
    @Test
    void anOlderCheckpointWithoutTheNewFieldsLoadsWithTheScalerAsConfigured() throws IOException {
        Path ck = dir.resolve("old.safetensors");
        train(Precision.FP16, "sgd", LossScaler.dynamic(1 << 17, 2, 0.5, 3), STOP, ck, null);
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(ck, scope);
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            assertTrue(meta.keySet().removeIf(k -> k.startsWith("loss_scale.") || k.equals("planned_steps")));
            SafeTensors.write(ck, c.tensors(), meta);
        }
        LossScaler fresh = LossScaler.dynamic(1 << 17, 2, 0.5, 3);
        train(Precision.FP16, "sgd", fresh, 0, ck, ck);
        assertTrue(fresh.skippedSteps() > 0, "started over at 2^17: overflowed again, as documented");
    }

    @Test
    void switchingScalingModesOnResumeIsRefusedAndChangesNothing() throws IOException {
        Path ck = dir.resolve("dynamic.safetensors");
        train(Precision.FP16, "sgd", LossScaler.dynamic(1 << 17, 2, 0.5, 3), STOP, ck, null);
        LossScaler fixed = LossScaler.fixed(512);
        IOException e = assertThrows(IOException.class, () -> train(Precision.FP16, "sgd", fixed, 0, ck, ck));
        assertTrue(e.getMessage().contains(ck.toString()) && e.getMessage().contains("loss_scale.mode"),
                e.getMessage());
        assertEquals(512, fixed.scale());
        assertEquals(0, fixed.skippedSteps());
        assertFalse(e.getMessage().contains("\n"));
        assertNotEquals(0, ck.toFile().length());
    }
}
