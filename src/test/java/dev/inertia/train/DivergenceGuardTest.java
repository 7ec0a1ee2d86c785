package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.inertia.autodiff.Var;
import dev.inertia.data.ArrayDataset;
import dev.inertia.data.Dataset;
import dev.inertia.data.Subset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Sequential;
import dev.inertia.numerics.LossScaler;
import dev.inertia.optim.SGD;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The divergence guard and the checks on the checkpoint path: nothing non-finite is applied or saved, nothing good is lost. */
class DivergenceGuardTest {
    @TempDir
    Path dir;

    /** mean(sqrt(output)): finite (0) at an output of exactly 0, where its gradient is infinite. */
    private static final Loss SQRT = new Loss() {
        @Override
        public String name() {
            return "sqrt";
        }

        @Override
        public boolean usesLabels() {
            return false;
        }

        @Override
        public Var apply(Var output, Var targets, MemorySegment labels) {
            return output.sqrt().mean();
        }
    };

    private static Dataset regression(int rows) {
        SplittableRandom r = new SplittableRandom(4);
        float[][] x = new float[rows][4], y = new float[rows][1];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) r.nextDouble(0.5, 1.5);
            }
        }
        return ArrayDataset.regression(x, y);
    }

    /** A linear model 4 -> 1 whose weights are all {@code w} (0: its outputs are exactly 0). */
    private static Sequential linear(Scope scope, float w) {
        Sequential m = new Sequential(new Linear(scope, DType.F32, 4, 1, new SplittableRandom(1)));
        m.parameters().forEach(p -> {
            for (long i = 0; i < p.value().size(); i++) {
                p.value().setDouble(i, w);
            }
        });
        return m;
    }

    private static List<float[]> values(Sequential m) {
        List<float[]> out = new ArrayList<>();
        m.stateDict().values().forEach(t -> out.add(t.toFloatArray()));
        return out;
    }

    private static Trainer.Builder builder(Sequential m, double lr, Consumer<Trainer.Builder> more) {
        Trainer.Builder b = Trainer.builder(m).loss(SQRT).optimizer(SGD.builder().lr(lr).build()).epochs(2)
                .batchSize(2);
        more.accept(b);
        return b;
    }

    @Test
    void aNonFiniteGradientStopsBeforeTheUpdateNamingTheStepAndParameter() throws IOException {
        Path ck = dir.resolve("ck.safetensors");
        try (Scope scope = Scope.open()) {
            Sequential m = linear(scope, 0);
            List<float[]> before = values(m);
            try (Trainer t = builder(m, 0.1, b -> b.checkpoint(ck)).build()) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(regression(8)));
                assertEquals(1, e.step());
                assertTrue(e.getMessage().contains("diverged at step 1"), e.getMessage());
                assertTrue(e.getMessage().contains("gradient norm is not finite"), e.getMessage());
                assertTrue(e.getMessage().contains("0.weight"), e.getMessage());
                assertTrue(e.getMessage().contains("the sqrt loss is 0"), "the loss itself was finite: "
                        + e.getMessage());
                assertEquals(0, t.globalStep());
            }
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), values(m).get(i), "the update was not applied");
            }
            assertFalse(Files.exists(ck), "no checkpoint from the diverged run");
        }
    }

    @Test
    void aLossScalerSkipsSuchStepsInsteadOfStopping() throws IOException {
        try (Scope scope = Scope.open()) {
            Sequential m = linear(scope, 0);
            LossScaler scaler = LossScaler.dynamic();
            try (Trainer t = builder(m, 0.1, b -> b.lossScaling(scaler)).build()) {
                t.fit(regression(8));
                assertEquals(8, t.globalStep());
            }
            assertEquals(8, scaler.skippedSteps(), "every step overflowed and was skipped");
            assertEquals(65536.0 / 256, scaler.scale(), "backed off once per skipped step");
            for (float[] v : values(m)) {
                for (float x : v) {
                    assertEquals(0f, x, "skipped steps leave the parameters as they were");
                }
            }
        }
    }

    @Test
    void parametersThatOverflowAreNeverCheckpointed() throws IOException {
        Path ck = dir.resolve("good.safetensors");
        Files.write(ck, new byte[] {1, 2, 3});
        try (Scope scope = Scope.open()) {
            // a finite double step size that is infinite in F32: the first update overflows
            Sequential m = linear(scope, 1);
            try (Trainer t = builder(m, 1e300, b -> b.checkpoint(ck).overwriteCheckpoint(true).maxSteps(1)).build()) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(regression(8)));
                assertEquals(1, e.step());
                assertTrue(e.getMessage().contains("0.weight is not finite"), e.getMessage());
                assertTrue(e.getMessage().contains("no checkpoint was written"), e.getMessage());
            }
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(ck), "the earlier file is untouched");
    }

    @Test
    void anEpochEndingInNonFiniteParametersIsReportedNotEvaluated() throws IOException {
        List<EpochReport> reports = new ArrayList<>();
        try (Scope scope = Scope.open(); Trainer t = builder(linear(scope, 1), 1e300,
                b -> b.epochs(1).listener(reports::add)).build()) {
            Dataset data = regression(2); // one step per epoch: the overflow is found at the epoch's end
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(data, data));
            assertTrue(e.getMessage().contains("at the end of epoch 1"), e.getMessage());
        }
        assertTrue(reports.isEmpty(), "no report with NaN figures");
    }

    @Test
    void aFreshRunDoesNotReplaceAnExistingCheckpoint() throws IOException {
        Path ck = dir.resolve("precious.safetensors");
        Files.write(ck, new byte[] {7});
        try (Scope scope = Scope.open()) {
            Sequential m = linear(scope, 0.5f);
            List<float[]> before = values(m);
            try (Trainer t = builder(m, 0.01, b -> b.loss(Loss.mse()).checkpoint(ck)).build()) {
                IOException e = assertThrows(IOException.class, () -> t.fit(regression(8)));
                assertTrue(e.getMessage().contains("checkpoint " + ck + " already exists"), e.getMessage());
                assertTrue(e.getMessage().contains("overwriteCheckpoint(true)"), e.getMessage());
                assertEquals(0, t.globalStep(), "refused before training");
            }
            assertArrayEquals(before.getFirst(), values(m).getFirst());
            assertArrayEquals(new byte[] {7}, Files.readAllBytes(ck));
            try (Trainer t = builder(m, 0.01, b -> b.loss(Loss.mse()).checkpoint(ck).overwriteCheckpoint(true))
                    .build()) {
                t.fit(regression(8));
            }
            assertTrue(Files.size(ck) > 1, "replaced when allowed");
            // resuming from the file itself may write it again
            try (Trainer t = builder(m, 0.01, b -> b.loss(Loss.mse()).checkpoint(ck).resume(ck).epochs(3)).build()) {
                t.resume();
                t.fit(regression(8));
                assertEquals(12, t.globalStep());
            }
        }
    }

    @Test
    void aBadCheckpointPathFailsBeforeTrainingNamingThePath() throws IOException {
        Path asDirectory = Files.createDirectory(dir.resolve("a-directory"));
        Path noParent = dir.resolve("missing").resolve("ck.safetensors");
        Path fileParent = Files.write(dir.resolve("plain-file"), new byte[0]).resolve("ck.safetensors");
        for (Path bad : List.of(asDirectory, noParent, fileParent)) {
            try (Scope scope = Scope.open();
                    Trainer t = builder(linear(scope, 0.5f), 0.01, b -> b.loss(Loss.mse()).checkpoint(bad)).build()) {
                IOException e = assertThrows(IOException.class, () -> t.fit(regression(8)), bad.toString());
                assertTrue(e.getMessage().startsWith("checkpoint " + bad), e.getMessage());
                assertFalse(e.getMessage().contains(".tmp"), "names the path, not a temporary file: " + e.getMessage());
                assertEquals(0, t.globalStep());
            }
        }
    }

    @Test
    void anUnwritableDirectoryIsFoundBeforeTraining() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        assertTrue(locked.toFile().setWritable(false, false));
        try (Scope scope = Scope.open(); Trainer t = builder(linear(scope, 0.5f), 0.01,
                b -> b.loss(Loss.mse()).checkpoint(locked.resolve("ck.safetensors"))).build()) {
            IOException e = assertThrows(IOException.class, () -> t.fit(regression(8)));
            assertTrue(e.getMessage().contains("is not writable"), e.getMessage());
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }

    @Test
    void anEmptyValidationSetIsRefused() throws IOException {
        Dataset empty = Subset.of(regression(8), new int[0], "validation split");
        try (Scope scope = Scope.open();
                Trainer t = builder(linear(scope, 0.5f), 0.01, b -> b.loss(Loss.mse())).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.fit(regression(8), empty));
            assertTrue(e.getMessage().contains("(validation split) is empty"), "names the set: " + e.getMessage());
        }
    }

    @Test
    void finiteChecksEveryElement() {
        try (Scope scope = Scope.open()) {
            for (DType d : List.of(DType.F32, DType.F64)) {
                Tensor t = Tensor.zeros(scope, d, 1000);
                assertTrue(Finite.all(t));
                t.setDouble(999, d == DType.F32 ? 3e38 : 1.7e308);
                t.setDouble(998, d == DType.F32 ? 3e38 : 1.7e308);
                assertTrue(Finite.all(t), d + ": a finite tensor whose sum overflows is finite");
                t.setDouble(3, Double.NaN);
                assertFalse(Finite.all(t), d + ": NaN");
                t.setDouble(3, Double.NEGATIVE_INFINITY);
                assertFalse(Finite.all(t), d + ": -inf");
            }
        }
    }
}
