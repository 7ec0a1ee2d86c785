package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.io.SafeTensors;
import dev.inertia.memory.Scope;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, items 2, 4 and 5: a checkpoint is checked in full before anything is restored, counts
 * in it are compared with the run before any loop, hyperparameters are range-checked; every
 * rejection is one line naming the file and the field, and leaves model and optimizer bit for bit
 * as they were.
 */
class CheckpointLoadTest {
    @TempDir
    Path dir;

    private Path saved(Scope scope) throws IOException {
        LoadFixtures.Run source = LoadFixtures.run(scope, 11, 3);
        Path file = dir.resolve("good.st");
        Checkpoint.save(file, source.model(), source.optimizer(), new Checkpoint.Position(1, 2, 3, 0.5, 42),
                Map.of("model", "tiny"));
        return file;
    }

    /** A copy of {@code good} named {@code name} with its tensors and metadata edited. */
    private Path edited(Path good, String name, Consumer<Map<String, SafeTensors.Entry>> tensors,
            Consumer<Map<String, String>> meta) throws IOException {
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(good, scope);
            Map<String, SafeTensors.Entry> t = new LinkedHashMap<>(c.tensors());
            Map<String, String> m = new LinkedHashMap<>(c.metadata());
            tensors.accept(t);
            meta.accept(m);
            Path out = dir.resolve(name);
            SafeTensors.write(out, t, m);
            return out;
        }
    }

    private Path meta(Path good, String name, String key, String value) throws IOException {
        return edited(good, name, t -> { }, m -> {
            if (value == null) {
                m.remove(key);
            } else {
                m.put(key, value);
            }
        });
    }

    @Test
    void eachBadCheckpointIsOneLineAndChangesNothing() throws IOException {
        try (Scope scope = Scope.open()) {
            Path good = saved(scope);
            Map<Path, String> bad = new LinkedHashMap<>(); // file -> what its message must name
            bad.put(meta(good, "groups.st", "optimizer.groups", "2147483647"), "'optimizer.groups' is 2147483647");
            bad.put(meta(good, "paramstep.st", "optimizer.state.3.step", "-1"), "'optimizer.state.3.step'");
            bad.put(meta(good, "step.st", "step", "-5"), "'step' is out of range: -5");
            bad.put(meta(good, "epoch.st", "epoch", "2147483648"), "'epoch' is out of range");
            bad.put(meta(good, "loss.st", "epoch_loss_sum", "NaN"), "'epoch_loss_sum'");
            bad.put(meta(good, "adamw.st", "optimizer", "AdamW"), "state dict is for AdamW");
            bad.put(meta(good, "lr.st", "optimizer.group.0.initial_lr", "1e30"),
                    "'optimizer.group.0.initial_lr': initial_lr is 1.0E30, outside the range");
            bad.put(meta(good, "beta.st", "optimizer.group.1.beta", "1e9"), "'optimizer.group.1.beta'");
            bad.put(meta(good, "nan.st", "optimizer.group.1.lr", "NaN"), "'optimizer.group.1.lr': lr is NaN");
            bad.put(meta(good, "unknown.st", "optimizer.group.1.gamma", "0.5"), "no hyperparameter 'gamma'");
            bad.put(meta(good, "params.st", "optimizer.group.1.params", "2,3,4,5,6"), "lists 5 parameters");
            bad.put(meta(good, "twice.st", "optimizer.group.1.params", "2,2,3,4"), "lists parameter 2 twice");
            bad.put(meta(good, "rng.st", "rng.3", null), "lacks 'rng.3'");
            bad.put(edited(good, "shape.st", t -> t.put("0.weight", SafeTensors.Entry.ofFloats(new float[48], 6, 8)),
                    m -> { }), "tensor '0.weight' is F32[6, 8] in the file but F32[8, 6]");
            bad.put(edited(good, "buffer.st", t -> t.put("optimizer.state.4.psi", SafeTensors.Entry.ofFloats(
                    new float[2])), m -> { }), "parameter 4 buffer psi");
            bad.put(edited(good, "orphan.st", t -> t.put("optimizer.state.99.psi", SafeTensors.Entry.ofFloats(
                    new float[2])), m -> { }), "'optimizer.state.99.psi' is not the state");
            bad.put(edited(good, "intdim.st", t -> t.put("zz.weight", new SafeTensors.Entry(
                    dev.inertia.io.SafeDtype.F32, new long[] {0, 3_000_000_000L}, MemorySegment.NULL)), m -> { }),
                    "tensor 'zz.weight' has a shape [0, 3000000000]");
            bad.put(edited(good, "extra.st", t -> t.put("zz.weight", SafeTensors.Entry.ofFloats(new float[1])),
                    m -> { }), "tensors the model lacks: [zz.weight]");

            LoadFixtures.Run target = LoadFixtures.run(scope, 99, 2);
            String before = LoadFixtures.fingerprint(target);
            for (Map.Entry<Path, String> e : bad.entrySet()) {
                IOException ex = assertThrows(IOException.class, () -> Checkpoint.load(e.getKey(), target.model(),
                        target.optimizer(), Map.of("model", "tiny")), e.getKey().toString());
                String m = ex.getMessage();
                assertTrue(m.startsWith(e.getKey().toString()), m);
                assertTrue(m.contains(e.getValue()), "'" + m + "' should say '" + e.getValue() + "'");
                assertFalse(m.contains("\n"), m);
                assertEquals(before, LoadFixtures.fingerprint(target), "changed by " + e.getKey().getFileName());
            }

            // the resuming run's own check of the position also comes before any change
            IOException refused = assertThrows(IOException.class, () -> Checkpoint.load(good, target.model(),
                    target.optimizer(), Map.of(), null, p -> {
                        throw new IOException(good + ": checkpoint is at batch " + p.batch() + ", too far");
                    }));
            assertTrue(refused.getMessage().contains("batch 2"), refused.getMessage());
            assertEquals(before, LoadFixtures.fingerprint(target));

            Checkpoint.Position p = Checkpoint.load(good, target.model(), target.optimizer(), Map.of("model", "tiny"));
            assertEquals(new Checkpoint.Position(1, 2, 3, 0.5, 42), p);
            assertNotEquals(before, LoadFixtures.fingerprint(target));
            assertEquals(LoadFixtures.fingerprint(LoadFixtures.run(scope, 11, 3)), LoadFixtures.fingerprint(target),
                    "a good load restores every bit");
        }
    }

    /** wt-fuzz's finding F1: a mutant whose optimizer tensor name is damaged used to replace the weights, then fail. */
    @Test
    void fuzzFindingF1LeavesTheModelAsItWas() throws IOException {
        try (Scope scope = Scope.open();
                var in = CheckpointLoadTest.class.getResourceAsStream("fuzz-f1-partial-load.safetensors")) {
            Path file = dir.resolve("f1.safetensors");
            java.nio.file.Files.copy(in, file);
            java.util.SplittableRandom r = new java.util.SplittableRandom(1);
            dev.inertia.nn.Sequential model = new dev.inertia.nn.Sequential(
                    new dev.inertia.nn.Linear(scope, dev.inertia.memory.DType.F32, 4, 3, r),
                    new dev.inertia.nn.BatchNorm1d(scope, dev.inertia.memory.DType.F32, 3));
            java.util.List<dev.inertia.optim.Param> params = new java.util.ArrayList<>();
            model.parameters().forEach(p -> params.add(p.param()));
            LoadFixtures.Run run = new LoadFixtures.Run(model, dev.inertia.optim.Optimizer.of(
                    dev.inertia.optim.AdamW.builder().build(), params));
            String before = LoadFixtures.fingerprint(run);
            IOException e = assertThrows(IOException.class,
                    () -> Checkpoint.load(file, run.model(), run.optimizer(), Map.of()));
            assertTrue(e.getMessage().contains("'optimizer.rtate.1.exp_avg_sq' is not an optimizer state tensor"),
                    e.getMessage());
            assertEquals(before, LoadFixtures.fingerprint(run));
        }
    }
}
