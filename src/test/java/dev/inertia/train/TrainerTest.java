package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.Dataset;
import dev.inertia.io.SafeDtype;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.autodiff.Tape;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Linear;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.autodiff.Precision;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.LrSchedule;
import dev.inertia.optim.OptimizerState;
import dev.inertia.optim.Param;
import dev.inertia.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop on tiny data: learning, step limits, checkpoints and bitwise-exact resumption. */
class TrainerTest {
    private static final int SIDE = 8;

    @TempDir
    Path dir;

    private static Sequential tinyModel(Scope scope, DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(new Linear(scope, dtype, SIDE * SIDE, 16, r), new ReLU(), new Dropout(scope, 0.1, seed),
                new Linear(scope, dtype, 16, 10, r));
    }

    private static TrainConfig config(String optimizer, int epochs, long maxSteps, DType dtype, Precision rounding,
            Path checkpoint, Path resume) {
        return config(optimizer, Double.NaN, epochs, maxSteps, dtype, rounding, checkpoint, resume);
    }

    private static TrainConfig config(String optimizer, double lr, int epochs, long maxSteps, DType dtype,
            Precision rounding, Path checkpoint, Path resume) {
        return new TrainConfig("tiny", false, epochs, 8, optimizer, lr, 0, 5, maxSteps, dtype,
                rounding == null ? dtype.toString() : rounding.toString(), rounding == null ? null : rounding::round,
                checkpoint, resume);
    }

    /** F32, the cosine learning-rate schedule. */
    private static TrainConfig cosine(String optimizer, double lr, int epochs, long maxSteps, Path checkpoint,
            Path resume) {
        return new TrainConfig("tiny", false, epochs, 8, optimizer, lr, 0, 5, maxSteps, DType.F32, "F32", null,
                checkpoint, resume, null, null, "cosine");
    }

    /** The bits of every parameter and optimizer buffer after a run, and its reports. */
    private record Outcome(List<long[]> bits, List<EpochReport> reports) {
    }

    private Outcome train(TrainConfig cfg) throws IOException {
        Dataset trainSet = TinyData.dataset("train", 44, SIDE, 1), testSet = TinyData.dataset("test", 20, SIDE, 2);
        List<EpochReport> reports = new ArrayList<>();
        try (Scope scope = Scope.open();
                Trainer t = new Trainer(cfg, tinyModel(scope, cfg.dtype(), 3), trainSet, testSet, "tiny")) {
            t.listener(reports::add);
            t.resume();
            t.run();
            List<long[]> bits = new ArrayList<>();
            for (Tensor v : t.model().stateDict().values()) {
                bits.add(bits(v));
            }
            for (int i = 0; i < t.optimizer().params().size(); i++) {
                OptimizerState s = t.optimizer().state(i);
                bits.add(new long[] {s.step()});
                for (Tensor b : s.buffers().values()) {
                    bits.add(bits(b));
                }
            }
            return new Outcome(bits, reports);
        }
    }

    /** The raw bits of every element, widened to double (exact for F32). */
    static long[] bits(Tensor t) {
        double[] d = t.toDoubleArray();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Double.doubleToRawLongBits(d[i]);
        }
        return out;
    }

    private static void assertSameBits(Outcome a, Outcome b, String what) {
        assertEquals(a.bits().size(), b.bits().size());
        for (int i = 0; i < a.bits().size(); i++) {
            assertArrayEquals(a.bits().get(i), b.bits().get(i), what + ": tensor " + i + " differs");
        }
    }

    @Test
    void learnsAndReportsEveryEpoch() throws IOException {
        Outcome o = train(config("adamw", 0.01, 3, 0, DType.F32, null, null, null));
        assertEquals(3, o.reports().size());
        EpochReport first = o.reports().getFirst(), last = o.reports().getLast();
        assertEquals(5, first.steps(), "44 examples in batches of 8: 5 full batches");
        assertEquals(15, last.globalStep());
        assertFalse(last.partial());
        assertTrue(last.trainLoss() < first.trainLoss(), o.reports().toString());
        assertTrue(last.testAcc() > 0.3, "well above chance on a learnable task: " + last);
        assertTrue(last.samplesPerS() > 0 && last.stepMsP50() > 0 && last.stepMsP99() >= last.stepMsP50()
                && last.stepMsMax() >= last.stepMsP99(), last.toString());
    }

    @Test
    void maxStepsStopsMidEpochAndStillReports() throws IOException {
        Outcome o = train(config("sgd", 5, 7, DType.F32, null, null, null));
        assertEquals(2, o.reports().size());
        EpochReport last = o.reports().getLast();
        assertTrue(last.partial());
        assertEquals(2, last.steps());
        assertEquals(7, last.globalStep());
    }

    /** Interrupted (step limit, checkpoint) and resumed ends bitwise equal to a run never interrupted. */
    @Test
    void resumedRunEqualsUninterruptedRunBitForBit() throws IOException {
        for (String opt : List.of("innaprop", "adamw")) {
            Outcome whole = train(config(opt, 3, 0, DType.F32, null, null, null));
            Path ck = dir.resolve(opt + ".safetensors");
            Outcome firstPart = train(config(opt, 3, 7, DType.F32, null, ck, null));
            assertEquals(7, firstPart.reports().getLast().globalStep());
            Outcome rest = train(config(opt, 3, 0, DType.F32, null, ck, ck));
            assertSameBits(whole, rest, opt + " resumed at step 7");
            EpochReport a = whole.reports().getLast(), b = rest.reports().getLast();
            assertEquals(a.trainLoss(), b.trainLoss(), "the epoch's loss includes the steps before the resume");
            assertEquals(a.testLoss(), b.testLoss());
            assertEquals(a.globalStep(), b.globalStep());
        }
    }

    /** The cosine schedule resumes at its step too, and it is part of what a checkpoint must agree on. */
    @Test
    void resumedCosineRunEqualsUninterruptedRun() throws IOException {
        Outcome whole = train(cosine("innaprop", Double.NaN, 3, 0, null, null));
        Path ck = dir.resolve("cosine.safetensors");
        train(cosine("innaprop", Double.NaN, 3, 8, ck, null));
        assertSameBits(whole, train(cosine("innaprop", Double.NaN, 3, 0, ck, ck)), "cosine resumed at step 8");
        assertSameBits(whole, train(cosine("innaprop", Double.NaN, 3, 0, null, null)), "the same run again");
        IOException e = assertThrows(IOException.class, () -> train(config("innaprop", 3, 0, DType.F32, null, ck, ck)));
        assertTrue(e.getMessage().contains("schedule"), e.getMessage());
    }

    /** Cosine over epochs × batches per epoch: the last step (t = 14 of 15) runs at lr · factor(14). */
    @Test
    void cosineScheduleSpansThePlannedSteps() throws IOException {
        Dataset trainSet = TinyData.dataset("train", 44, SIDE, 1), testSet = TinyData.dataset("test", 20, SIDE, 2);
        for (long maxSteps : new long[] {0, 6}) { // a step limit stops the run, not the schedule
            try (Scope scope = Scope.open(); Trainer t = new Trainer(cosine("sgd", 0.05, 3, maxSteps, null, null),
                    tinyModel(scope, DType.F32, 3), trainSet, testSet, "tiny")) {
                t.run();
                long last = t.globalStep() - 1;
                double want = 0.05 * LrSchedule.cosine(0, 15, 0).factor(last);
                assertEquals(want, t.optimizer().groups().getFirst().lr(), 1e-15, "lr at step " + last);
            }
        }
    }

    @Test
    void resumeAtAnEpochBoundaryAndInF64() throws IOException {
        Outcome whole = train(config("rmsprop", 2, 0, DType.F64, null, null, null));
        Path ck = dir.resolve("f64.safetensors");
        train(config("rmsprop", 2, 5, DType.F64, null, ck, null));
        assertSameBits(whole, train(config("rmsprop", 2, 0, DType.F64, null, ck, ck)), "F64 resumed at an epoch end");
    }

    @Test
    void interruptWritesACheckpointThatResumesExactly() throws IOException {
        Outcome whole = train(config("inna", 2, 0, DType.F32, null, null, null));
        Path ck = dir.resolve("interrupted.safetensors");
        Dataset trainSet = TinyData.dataset("train", 44, SIDE, 1), testSet = TinyData.dataset("test", 20, SIDE, 2);
        List<String> messages = new ArrayList<>();
        try (Scope scope = Scope.open(); Trainer t = new Trainer(config("inna", 2, 0, DType.F32, null, ck, null),
                tinyModel(scope, DType.F32, 3), trainSet, testSet, "tiny")) {
            t.listener(new TrainListener() {
                @Override
                public void epoch(EpochReport report) {
                }

                @Override
                public void message(String line) {
                    messages.add(line);
                }
            });
            t.requestInterrupt();
            t.run();
            assertEquals(1, t.globalStep(), "stops after the step in progress");
        }
        assertTrue(Files.isRegularFile(ck));
        assertTrue(messages.getLast().contains("interrupted at step 1"), messages.toString());
        assertSameBits(whole, train(config("inna", 2, 0, DType.F32, null, ck, ck)), "resumed after an interrupt");
    }

    @Test
    void emulatedPrecisionRoundsParameters() throws IOException {
        Path ck = dir.resolve("bf16.safetensors");
        Outcome o = train(config("adamw", 1, 3, DType.F32, Precision.BF16, ck, null));
        assertEquals(1, o.reports().size());
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(ck, scope);
            assertEquals("bf16", c.metadata().get("precision"));
            for (float v : c.get("0.weight").toFloatArray()) {
                assertEquals(0, Float.floatToRawIntBits(v) & 0xFFFF, "bf16 has 16 low zero bits: " + v);
            }
        }
    }

    @Test
    void checkpointLayoutAndMismatchedResume() throws IOException {
        Path ck = dir.resolve("layout.safetensors");
        train(config("sgd", 1, 2, DType.F32, null, ck, null));
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(ck, scope);
            assertEquals(List.of(16L, 64L), List.of(c.get("0.weight").shape()[0], c.get("0.weight").shape()[1]));
            assertTrue(c.tensors().containsKey("optimizer.state.0.momentum_buffer"), c.tensors().keySet().toString());
            Map<String, String> m = c.metadata();
            assertEquals("0", m.get("epoch"));
            assertEquals("2", m.get("batch"));
            assertEquals("2", m.get("step"));
            assertEquals("SGD", m.get("optimizer"));
            assertEquals("2", m.get("optimizer.state.0.step"));
            assertNotEquals(null, m.get("rng.2"), "the dropout generator's state");
        }
        byte[] before = Files.readAllBytes(ck);
        IOException e = assertThrows(IOException.class, () -> train(config("adamw", 1, 0, DType.F32, null, ck, ck)));
        assertTrue(e.getMessage().contains("does not fit") || e.getMessage().contains("optimizer"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(ck), "the checkpoint is left as it was");
        Files.write(ck, java.util.Arrays.copyOf(before, before.length / 2));
        IOException truncated = assertThrows(IOException.class,
                () -> train(config("sgd", 1, 0, DType.F32, null, ck, ck)));
        assertTrue(truncated.getMessage().contains(ck.toString()), truncated.getMessage());
    }
    @Test
    void batchNormCountIsCheckpointedAsPyTorchsInt64Scalar() throws IOException {
        Path ck = dir.resolve("bn.safetensors");
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            SplittableRandom r = new SplittableRandom(1);
            BatchNorm1d bn = new BatchNorm1d(scope, DType.F32, 3);
            Sequential model = new Sequential(new Linear(scope, DType.F32, 4, 3, r), bn);
            Tensor x = Tensor.of(scope, new float[] {1, 2, 3, 4, 0, 1, 0, 1}, 2, 4);
            for (int i = 0; i < 3; i++) {
                tape.reset();
                model.forward(tape.constant(x));
            }
            model.eval();
            tape.reset();
            model.forward(tape.constant(x)); // evaluation does not count
            assertEquals(3, bn.numBatchesTracked());
            List<Param> params = new ArrayList<>();
            model.parameters().forEach(p -> params.add(p.param()));
            Optimizer opt = Optimizer.of(SGD.builder().build(), params);
            Checkpoint.save(ck, model, opt, new Checkpoint.Position(0, 0, 0, 0, 1), Map.of());
            SafeTensors.Contents c = SafeTensors.read(ck, scope);
            SafeTensors.Entry e = c.get("1.num_batches_tracked");
            assertEquals(SafeDtype.I64, e.dtype());
            assertEquals(0, e.shape().length, "a scalar, as torch saves it");
            assertEquals(3, e.toLongArray()[0]);

            BatchNorm1d bn2 = new BatchNorm1d(scope, DType.F32, 3);
            Sequential model2 = new Sequential(new Linear(scope, DType.F32, 4, 3, r), bn2);
            List<Param> params2 = new ArrayList<>();
            model2.parameters().forEach(p -> params2.add(p.param()));
            Checkpoint.load(ck, model2, Optimizer.of(SGD.builder().build(), params2), Map.of());
            assertEquals(3, bn2.numBatchesTracked());
            assertArrayEquals(bn.runningMean().toFloatArray(), bn2.runningMean().toFloatArray());
        }
    }
}
