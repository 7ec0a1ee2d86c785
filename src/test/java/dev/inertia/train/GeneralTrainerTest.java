package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Var;
import dev.inertia.data.Scaling;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Module;
import dev.inertia.nn.Parameter;
import dev.inertia.optim.AdamW;
import dev.inertia.optim.SGD;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The general {@link Trainer}: a user's own Module on a user's own data, losses, metrics, schedules, stopping. */
class GeneralTrainerTest {
    /** A model written as a subclass, with a skip connection a Sequential cannot express. */
    static final class SkipNet extends Module {
        private final Linear in, hidden, out;

        SkipNet(Scope scope, DType dtype, int features, int width, int outputs, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            in = registerChild("in", new Linear(scope, dtype, features, width, r));
            hidden = registerChild("hidden", new Linear(scope, dtype, width, width, r));
            out = registerChild("out", new Linear(scope, dtype, width, outputs, r));
        }

        @Override
        public Var forward(Var x) {
            Var h = in.forward(x).relu();
            return out.forward(h.add(hidden.forward(h).relu()));
        }
    }

    @Test
    void aCustomModuleLearnsFromItsOwnDataWithFit() throws IOException {
        Points train = Points.classes("train", 400, 1), test = Points.classes("test", 200, 2);
        try (Scope scope = Scope.open()) {
            SkipNet model = new SkipNet(scope, DType.F32, 4, 16, 2, 3);
            List<Long> steps = new ArrayList<>();
            try (Trainer t = Trainer.builder(model)
                    .optimizer(AdamW.builder().lr(0.01).build())
                    .transform(Scaling.standardize(train))
                    .metrics(Metric.accuracy(), Metric.topK(2))
                    .epochs(8).batchSize(32).seed(4)
                    .listener(new TrainListener() {
                        @Override
                        public void step(long step, double loss) {
                            steps.add(step);
                        }

                        @Override
                        public void epoch(EpochReport report) {
                        }
                    })
                    .build()) {
                History h = t.fit(train, test);
                assertEquals(8, h.epochs().size());
                assertEquals(8 * (400 / 32), steps.size());
                assertEquals(1L, steps.getFirst());
                double acc = h.last().metric("accuracy");
                assertTrue(acc > 0.93, "test accuracy " + acc);
                assertEquals(acc, h.last().testAcc());
                assertEquals(1.0, h.last().metric("top2_accuracy"));
                assertTrue(h.last().trainLoss() < h.epochs().getFirst().trainLoss());
                assertEquals(h.last().metric("loss"), t.evaluate(test).get("loss"), 0);
                assertTrue(h.last().firstStepMs() > 0);
                assertThrows(IllegalStateException.class, () -> t.fit(train, test), "a trainer fits once");
            }
        }
    }

    @Test
    void regressionWithMseReportsRmseMaeAndR2() throws IOException {
        Points train = Points.linear("train", 512, 5), test = Points.linear("test", 128, 6);
        try (Scope scope = Scope.open()) {
            Linear model = new Linear(scope, DType.F64, 3, 1, new SplittableRandom(7));
            try (Trainer t = Trainer.builder(model)
                    .loss(Loss.mse())
                    .optimizer(SGD.builder().lr(0.05).momentum(0.9).build())
                    .schedule(Schedule.cosine(4, 0.1))
                    .metrics(Metric.rmse(), Metric.mae(), Metric.r2())
                    .epochs(10).batchSize(32)
                    .build()) {
                EpochReport last = t.fit(train, test).last();
                assertTrue(last.metric("rmse") < 0.05, "rmse " + last.metric("rmse"));
                assertTrue(last.metric("mae") <= last.metric("rmse"));
                assertTrue(last.metric("r2") > 0.99, "r2 " + last.metric("r2"));
                assertTrue(Double.isNaN(last.testAcc()));
            }
            double[] w = model.weight().value().toDoubleArray();
            assertArrayEquals(new double[] {2, -1, 0.5}, w, 0.05);
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheStepAndKeepsTheLastFiniteParameters() {
        Points train = Points.linear("train", 256, 8);
        try (Scope scope = Scope.open()) {
            Linear model = new Linear(scope, DType.F32, 3, 1, new SplittableRandom(9));
            List<double[]> before = new ArrayList<>();
            try (Trainer t = Trainer.builder(model).loss(Loss.mse()).optimizer(SGD.builder().lr(1e9).build())
                    .batchSize(16).epochs(5)
                    .listener(new TrainListener() {
                        @Override
                        public void step(long step, double loss) {
                            before.add(model.weight().value().toDoubleArray());
                        }

                        @Override
                        public void epoch(EpochReport report) {
                        }
                    }).build()) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(train));
                assertTrue(e.getMessage().startsWith("training diverged at step " + e.step() + " (epoch 1, batch "),
                        e.getMessage());
                assertTrue(e.getMessage().contains("the mse loss is"), e.getMessage());
                assertEquals(before.size() + 1, e.step());
                assertArrayEquals(before.getLast(), model.weight().value().toDoubleArray(), 0);
            }
        }
    }

    @Test
    void earlyStoppingRestoresTheBestEpochsWeights() throws IOException {
        Points train = Points.classes("train", 256, 10);
        Points worse = train.flipped(); // training on train makes the loss on these worse epoch by epoch
        try (Scope scope = Scope.open()) {
            SkipNet model = new SkipNet(scope, DType.F32, 4, 8, 2, 11);
            try (Trainer t = Trainer.builder(model).optimizer(AdamW.builder().lr(0.01).build())
                    .transform(Scaling.standardize(train)).epochs(20).batchSize(32)
                    .earlyStopping(EarlyStopping.on("loss", 2)).build()) {
                History h = t.fit(train, worse);
                assertTrue(h.stoppedEarly());
                assertTrue(h.epochs().size() < 20);
                double[] losses = h.metric("loss");
                double best = Double.POSITIVE_INFINITY;
                for (double l : losses) {
                    best = Math.min(best, l);
                }
                assertEquals(best, losses[h.bestEpoch() - 1]);
                assertEquals(best, t.evaluate(worse).get("loss"), 0, "restored weights give the best loss again");
            }
        }
    }

    @Test
    void theScheduleSpansTheRunAndSetsEachStepsLearningRate() throws IOException {
        Points train = Points.linear("train", 64, 12);
        try (Scope scope = Scope.open()) {
            Linear model = new Linear(scope, DType.F64, 3, 1, new SplittableRandom(13));
            List<Double> lrs = new ArrayList<>();
            Trainer[] holder = new Trainer[1];
            try (Trainer t = Trainer.builder(model).loss(Loss.mse()).optimizer(SGD.builder().lr(0.1).build())
                    .schedule(Schedule.cosine(2, 0.1)).epochs(3).batchSize(16)
                    .listener(new TrainListener() {
                        @Override
                        public void step(long step, double loss) {
                            lrs.add(holder[0].optimizer().groups().getFirst().lr());
                        }

                        @Override
                        public void epoch(EpochReport report) {
                        }
                    }).build()) {
                holder[0] = t;
                t.fit(train);
            }
            var factors = dev.inertia.optim.LrSchedule.cosine(2, 12, 0.1);
            assertEquals(12, lrs.size());
            for (int s = 0; s < 12; s++) {
                assertEquals(0.1 * factors.factor(s), lrs.get(s), 1e-15, "step " + s);
            }
        }
    }

    @Test
    void badConfigurationsAreClearErrors() {
        Points reg = Points.linear("reg", 64, 14);
        try (Scope scope = Scope.open()) {
            Linear model = new Linear(scope, DType.F32, 3, 1, new SplittableRandom(15));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder(model).build());
            assertTrue(e.getMessage().contains("needs an optimizer"), e.getMessage());
            try (Trainer t = Trainer.builder(model).optimizer(SGD.builder().build()).build()) {
                e = assertThrows(IllegalArgumentException.class, () -> t.fit(reg));
                assertTrue(e.getMessage().contains("cross_entropy loss needs class labels, but reg has real-valued"),
                        e.getMessage());
            }
            try (Trainer t = Trainer.builder(model).loss(Loss.mse()).optimizer(SGD.builder().build())
                    .earlyStopping(EarlyStopping.on("loss", 3)).build()) {
                e = assertThrows(IllegalArgumentException.class, () -> t.fit(reg));
                assertTrue(e.getMessage().contains("validation set"), e.getMessage());
            }
            try (Trainer t = Trainer.builder(model).loss(Loss.mse()).optimizer(SGD.builder().build())
                    .earlyStopping(EarlyStopping.on("accuracy", 3)).build()) {
                e = assertThrows(IllegalArgumentException.class, () -> t.fit(reg, reg));
                assertTrue(e.getMessage().contains("'accuracy', which this trainer does not measure (it measures loss,"
                        + " rmse, mae)"), e.getMessage());
            }
            Linear other = new Linear(scope, DType.F32, 3, 1, new SplittableRandom(16));
            e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model)
                    .optimizer(dev.inertia.optim.Optimizer.of(SGD.builder().build(),
                            List.of(other.weight().param(), other.bias().param()))).build());
            assertTrue(e.getMessage().contains("not a parameter of the model"), e.getMessage());
        }
    }

    @Test
    void metricsAgainstHandComputations() {
        try (Scope scope = Scope.open()) {
            Tensor out = Tensor.of(scope, new float[] {0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f, 0.2f, 0.3f, 0.6f}, 3, 3);
            var labels = scope.allocate(12);
            int[] l = {1, 1, 0};
            for (int i = 0; i < 3; i++) {
                labels.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i, l[i]);
            }
            assertEquals(1 / 3.0, result(Metric.accuracy(), out, out, labels, 3), 1e-15);
            assertEquals(2 / 3.0, result(Metric.topK(2), out, out, labels, 3), 1e-15);
            assertEquals(1.0, result(Metric.topK(3), out, out, labels, 3), 1e-15);
            Tensor pred = Tensor.of(scope, new float[] {1, 2, 4}, 3, 1), target = Tensor.of(scope, new float[] {1, 3, 2}, 3, 1);
            assertEquals(1.0, result(Metric.mae(), pred, target, null, 3), 1e-15);
            assertEquals(Math.sqrt(5 / 3.0), result(Metric.rmse(), pred, target, null, 3), 1e-15);
            // mean target 2, SS_tot = 1 + 1 + 0 = 2, SS_res = 0 + 1 + 4 = 5
            assertEquals(1 - 5 / 2.0, result(Metric.r2(), pred, target, null, 3), 1e-15);
            Tensor logits = Tensor.of(scope, new float[] {2, 0.5f, 0.5f}, 3, 1);
            assertEquals(2 / 3.0, result(Metric.accuracy(), logits, logits, labels, 3), 1e-15, "one logit: > 0 is 1");
        }
    }

    private static double result(Metric m, Tensor out, Tensor targets, java.lang.foreign.MemorySegment labels, int n) {
        Metric.Accumulator a = m.start();
        a.add(out, targets, labels, n);
        return a.result();
    }

    @Test
    void aParameterOfAnotherDtypeIsRefused() {
        try (Scope scope = Scope.open()) {
            Module mixed = new Module() {
                final Parameter a = registerParameter("a", Parameter.zeros(scope, DType.F32, 2));
                final Parameter b = registerParameter("b", Parameter.zeros(scope, DType.F64, 2));

                @Override
                public Var forward(Var x) {
                    return x;
                }
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder(mixed).optimizer(SGD.builder().build()).build());
            assertTrue(e.getMessage().contains("mixes F32 and F64"), e.getMessage());
        }
    }
}
