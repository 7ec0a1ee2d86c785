package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Tape;
import dev.inertia.data.Scaling;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Linear;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link Predictor}: the model's forward pass on transformed raw rows, batched, from several threads. */
class PredictorTest {
    private static Sequential model(Scope scope, DType dtype) {
        SplittableRandom r = new SplittableRandom(21);
        return new Sequential(new Linear(scope, dtype, 4, 8, r), new BatchNorm1d(scope, dtype, 8), new ReLU(),
                new Linear(scope, dtype, 8, 3, r));
    }

    private static float[][] rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][4];
        for (float[] row : x) {
            for (int j = 0; j < 4; j++) {
                row[j] = (float) (r.nextGaussian() * 5 + 3);
            }
        }
        return x;
    }

    /** The outputs computed directly: the transform by hand, one forward pass of all rows. */
    private static float[][] direct(Sequential model, Scaling scaling, float[][] x, DType dtype) {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Tensor in = Tensor.zeros(scope, dtype, x.length, 4);
            for (int i = 0; i < x.length; i++) {
                float[] row = x[i].clone();
                scaling.apply(row, 0, 4);
                for (int j = 0; j < 4; j++) {
                    in.setDouble((long) i * 4 + j, row[j]);
                }
            }
            model.eval();
            double[] y = model.forward(tape.constant(in)).value().toDoubleArray();
            float[][] out = new float[x.length][3];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < 3; c++) {
                    out[i][c] = (float) y[i * 3 + c];
                }
            }
            return out;
        }
    }

    @Test
    void matchesTheForwardPassInBatchesOfAnySize() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            try (Scope scope = Scope.open()) {
                Sequential model = model(scope, dtype);
                float[][] x = rows(23, 22);
                Scaling scaling = new Scaling("standardize", new double[] {3, 3, 3, 3}, new double[] {5, 5, 5, 5});
                float[][] expected = direct(model, scaling, x, dtype);
                try (Predictor p = Predictor.builder(model).exampleShape(4).transform(scaling).maxBatch(5).build()) {
                    assertEquals(3, p.outputs());
                    float[][] got = p.predict(x);
                    for (int i = 0; i < x.length; i++) {
                        // batches of 5 and of 23 may round differently in the GEMM: compare to float precision
                        assertArrayEquals(expected[i], got[i], 1e-5f, dtype + " row " + i);
                        assertArrayEquals(got[i], p.predict(x[i]), 1e-5f, "one example");
                    }
                    float[][] proba = p.predictProba(x);
                    int[] classes = p.predictClass(x);
                    for (int i = 0; i < x.length; i++) {
                        double sum = 0;
                        for (float v : proba[i]) {
                            sum += v;
                        }
                        assertEquals(1, sum, 1e-6);
                        assertEquals(Predictor.argMax(got[i]), classes[i]);
                        assertEquals(Predictor.argMax(proba[i]), classes[i]);
                    }
                }
            }
        }
    }

    @Test
    void concurrentCallersGetTheSameResultsAsOne() throws Exception {
        try (Scope scope = Scope.open()) {
            Sequential model = model(scope, DType.F32);
            float[][] x = rows(64, 23);
            try (Predictor p = Predictor.builder(model).exampleShape(4).maxBatch(16).build()) {
                float[][] alone = p.predict(x);
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<float[][]>> results = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        results.add(pool.submit(() -> {
                            float[][] last = null;
                            for (int k = 0; k < 20; k++) {
                                last = p.predict(x);
                            }
                            return last;
                        }));
                    }
                    for (Future<float[][]> f : results) {
                        float[][] got = f.get();
                        for (int i = 0; i < x.length; i++) {
                            assertArrayEquals(alone[i], got[i], "row " + i);
                        }
                    }
                } finally {
                    pool.shutdown();
                }
            }
        }
    }

    @Test
    void aSingleLogitGivesTwoProbabilitiesAndClosedPredictorsThrow() {
        try (Scope scope = Scope.open()) {
            Linear model = new Linear(scope, DType.F32, 2, 1, new SplittableRandom(24));
            Predictor p = Predictor.builder(model).exampleShape(2).build();
            float[][] x = {{1, 2}, {-3, 0.5f}};
            float[][] logits = p.predict(x);
            float[][] proba = p.predictProba(x);
            for (int i = 0; i < 2; i++) {
                double s = 1 / (1 + Math.exp(-logits[i][0]));
                assertEquals((float) s, proba[i][1]);
                assertEquals((float) (1 - s), proba[i][0]);
                assertEquals(logits[i][0] > 0 ? 1 : 0, p.predictClass(x)[i]);
            }
            p.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.predict(x));
            assertEquals("the predictor is closed", e.getMessage());
        }
    }

    @Test
    void wrongShapesAreClearErrors() {
        try (Scope scope = Scope.open()) {
            Linear model = new Linear(scope, DType.F32, 4, 2, new SplittableRandom(25));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Predictor.builder(model).exampleShape(5).build());
            assertTrue(e.getMessage().startsWith("the model does not take examples of shape [5]"), e.getMessage());
            try (Predictor p = Predictor.builder(model).exampleShape(4).build()) {
                e = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[][] {{1, 2, 3}}));
                assertEquals("row 0 has 3 features, the model takes 4", e.getMessage());
            }
        }
    }
}
