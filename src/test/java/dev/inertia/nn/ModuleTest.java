package dev.inertia.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Names, counts, initialization, state save/restore and modes of modules. */
class ModuleTest {
    @Test
    void designModelsHaveTorchNamesAndSizes() {
        try (Scope scope = Scope.open()) {
            Sequential mlp = Models.mlp(scope, DType.F32, 1);
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                    List.copyOf(mlp.stateDict().keySet()));
            assertEquals(1_863_690, mlp.parameterCount());
            assertArrayEquals(new int[] {1024, 784}, mlp.stateDict().get("0.weight").shape());
            Sequential cnn = Models.cnn(scope, DType.F32, 1);
            assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"),
                    List.copyOf(cnn.stateDict().keySet()));
            assertEquals(3_274_634, cnn.parameterCount());
            assertArrayEquals(new int[] {32, 1, 5, 5}, cnn.stateDict().get("0.weight").shape());
            assertTrue(cnn.toString().contains("Conv2d(1, 32, kernel_size=5, stride=1, padding=2)"), cnn.toString());
        }
    }

    @Test
    void pytorchDefaultInitBoundsAndSeeding() {
        try (Scope scope = Scope.open()) {
            Linear a = new Linear(scope, DType.F64, 400, 300, new SplittableRandom(7));
            Linear b = new Linear(scope, DType.F64, 400, 300, new SplittableRandom(7));
            double bound = 1 / Math.sqrt(400);
            double[] w = a.weight().value().toDoubleArray();
            double sumSq = 0;
            for (double v : w) {
                assertTrue(Math.abs(v) <= bound, "weight " + v + " outside ±" + bound);
                sumSq += v * v;
            }
            // U(-b, b) has variance b²/3; 120,000 draws put the estimate within a few percent
            assertEquals(bound * bound / 3, sumSq / w.length, 0.03 * bound * bound / 3);
            for (double v : a.bias().value().toDoubleArray()) {
                assertTrue(Math.abs(v) <= bound);
            }
            assertArrayEquals(w, b.weight().value().toDoubleArray(), "the same seed gives the same weights");
            Conv2d c = new Conv2d(scope, DType.F32, 3, 8, 3, 1, new SplittableRandom(1));
            for (float v : c.weight().value().toFloatArray()) {
                assertTrue(Math.abs(v) <= 1 / Math.sqrt(27) + 1e-7);
            }
        }
    }

    @Test
    void linearForwardAndGradientsIntoParameters() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Linear lin = new Linear(scope, DType.F64, 3, 2, new SplittableRandom(3));
            Tensor w = lin.weight().value(), b = lin.bias().value();
            double[] xs = {1, -2, 0.5, 3, 0, -1};
            Var x = tape.constant(Tensor.of(scope, xs, 2, 3));
            Var y = lin.forward(x);
            for (int i = 0; i < 2; i++) {
                for (int o = 0; o < 2; o++) {
                    double want = b.getDouble(o);
                    for (int k = 0; k < 3; k++) {
                        want += xs[i * 3 + k] * w.getDouble(o * 3 + k);
                    }
                    assertEquals(want, y.value().getDouble(i * 2 + o), 1e-14);
                }
            }
            tape.backward(y.sum());
            // d sum / dW[o, k] = sum_i x[i, k]; d sum / db[o] = rows
            assertArrayEquals(new double[] {4, -2, -0.5, 4, -2, -0.5}, lin.weight().grad().toDoubleArray(), 1e-14);
            assertArrayEquals(new double[] {2, 2}, lin.bias().grad().toDoubleArray());
            // a second run overwrites (does not accumulate) the gradients
            tape.reset();
            tape.backward(lin.forward(tape.constant(Tensor.of(scope, xs, 2, 3))).sum());
            assertArrayEquals(new double[] {2, 2}, lin.bias().grad().toDoubleArray());
        }
    }

    @Test
    void mlpGradientMatchesFiniteDifferences() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            SplittableRandom r = new SplittableRandom(11);
            Sequential net = new Sequential(new Linear(scope, DType.F64, 5, 4, r), new ReLU(), new Linear(scope,
                    DType.F64, 4, 3, r));
            double[] xs = new double[2 * 5];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = r.nextDouble() * 2 - 1;
            }
            Tensor x = Tensor.of(scope, xs, 2, 5);
            int[] labels = {2, 0};
            tape.backward(Losses.crossEntropy(net.forward(tape.constant(x)), labels));
            for (Parameter p : net.parameters()) {
                double[] g = p.grad().toDoubleArray();
                for (int i = 0; i < p.size(); i++) {
                    double v = p.value().getDouble(i), h = 1e-6;
                    p.value().setDouble(i, v + h);
                    tape.reset();
                    double up = Losses.crossEntropy(net.forward(tape.constant(x)), labels).value().getDouble(0);
                    p.value().setDouble(i, v - h);
                    tape.reset();
                    double down = Losses.crossEntropy(net.forward(tape.constant(x)), labels).value().getDouble(0);
                    p.value().setDouble(i, v);
                    assertEquals((up - down) / (2 * h), g[i], 1e-7, p + " element " + i + " (seed 11)");
                }
            }
        }
    }

    @Test
    void stateDictRoundTripAndMismatchChangesNothing() {
        try (Scope scope = Scope.open()) {
            Sequential a = Models.mlp(scope, DType.F32, 1);
            Sequential b = Models.mlp(scope, DType.F32, 2);
            assertNotEquals(a.stateDict().get("0.bias").getDouble(0), b.stateDict().get("0.bias").getDouble(0));
            Map<String, Tensor> bad = new HashMap<>(a.stateDict());
            bad.remove("4.bias");
            double before = b.stateDict().get("0.bias").getDouble(0);
            assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad));
            Map<String, Tensor> extra = new HashMap<>(a.stateDict());
            extra.put("5.weight", Tensor.zeros(scope, DType.F32, 1));
            assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(extra));
            Map<String, Tensor> wrongShape = new HashMap<>(a.stateDict());
            wrongShape.put("4.bias", Tensor.zeros(scope, DType.F32, 11));
            assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrongShape));
            assertEquals(before, b.stateDict().get("0.bias").getDouble(0), "nothing changed by failed loads");
            b.loadStateDict(a.stateDict());
            assertArrayEquals(a.stateDict().get("2.weight").toFloatArray(), b.stateDict().get("2.weight").toFloatArray());
        }
    }

    @Test
    void batchNormRunningStatsAndEvalMode() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            BatchNorm1d bn = new BatchNorm1d(scope, DType.F64, 2);
            assertEquals(List.of("weight", "bias", "running_mean", "running_var"), List.copyOf(bn.stateDict().keySet()));
            // channel 0: 1, 3, 5 (mean 3, unbiased var 4); channel 1: 0, 0, 6 (mean 2, unbiased var 12)
            Tensor x = Tensor.of(scope, new double[] {1, 0, 3, 0, 5, 6}, 3, 2);
            Var y = bn.forward(tape.param(x));
            assertEquals((1 - 3) / Math.sqrt(8 / 3.0 + 1e-5), y.value().getDouble(0), 1e-12);
            assertArrayEquals(new double[] {0.3, 0.2}, bn.runningMean().toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {0.9 + 0.4, 0.9 + 1.2}, bn.runningVar().toDoubleArray(), 1e-9);
            tape.backward(y.sum());
            assertEquals(3, bn.bias().grad().getDouble(0), 1e-12);
            bn.eval();
            assertFalse(bn.isTraining());
            tape.reset();
            Var e = bn.forward(tape.constant(x));
            assertEquals((1 - 0.3) / Math.sqrt(1.3 + 1e-5), e.value().getDouble(0), 1e-12);
            assertEquals((6 - 0.2) / Math.sqrt(2.1 + 1e-5), e.value().getDouble(5), 1e-12);
            BatchNorm2d bn2 = new BatchNorm2d(scope, DType.F32, 3);
            assertThrows(IllegalArgumentException.class, () -> bn2.forward(tape.constant(Tensor.zeros(scope, DType.F32,
                    2, 3))));
        }
    }

    @Test
    void dropoutIsSeededRestorableAndOffInEval() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Dropout d = new Dropout(scope, 0.25, 42);
            Tensor ones = Tensor.of(scope, new float[4000], 4000);
            for (int i = 0; i < 4000; i++) {
                ones.setDouble(i, 1);
            }
            long state = d.rngState();
            float[] first = d.forward(tape.constant(ones)).value().toFloatArray();
            int zeros = 0;
            for (float v : first) {
                assertTrue(v == 0 || v == 1 / 0.75f, "value " + v);
                zeros += v == 0 ? 1 : 0;
            }
            assertEquals(1000, zeros, 100, "about a quarter dropped");
            d.setRngState(state);
            tape.reset();
            assertArrayEquals(first, d.forward(tape.constant(ones)).value().toFloatArray(), "restored state, same mask");
            d.eval();
            tape.reset();
            Var x = tape.constant(ones);
            assertTrue(d.forward(x) == x, "identity in eval mode");
        }
    }

    @Test
    void activationsPoolingAndLosses() {
        try (Scope scope = Scope.open(); Tape tape = new Tape(Kinks.defaults().relu(0.5))) {
            Var x = tape.param(Tensor.of(scope, new double[] {-1, 0, 2, 7}, 1, 1, 2, 2));
            tape.backward(new Sequential(new ReLU(), new Flatten()).forward(x).sum());
            assertArrayEquals(new double[] {0, 0.5, 1, 1}, x.grad().toDoubleArray(), "ReLU'(0) from the tape's kinks");
            tape.reset();
            x = tape.param(Tensor.of(scope, new double[] {-1, 0, 2, 7}, 1, 1, 2, 2));
            tape.backward(new ReLU(Kinks.defaults()).forward(x).sum());
            assertEquals(0, x.grad().getDouble(1), "a layer's own kinks win");
            tape.reset();
            x = tape.param(Tensor.of(scope, new double[] {-1, 0, 2, 7}, 1, 1, 2, 2));
            assertArrayEquals(new double[] {-0.01, 0, 2, 7}, new LeakyReLU().forward(x).value().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {0, 0, 2, 6}, new ReLU6().forward(x).value().toDoubleArray());
            assertArrayEquals(new double[] {-1, 0, 1, 1}, new Hardtanh().forward(x).value().toDoubleArray());
            assertEquals(7, new MaxPool2d(2).forward(x).value().getDouble(0));
            tape.reset();
            Var p = tape.param(Tensor.of(scope, new double[] {1, 2, 3}, 3));
            Var loss = Losses.mse(p, tape.constant(Tensor.of(scope, new double[] {0, 2, 5}, 3)));
            assertEquals(5 / 3.0, loss.value().getDouble(0), 1e-15);
            tape.backward(loss);
            assertArrayEquals(new double[] {2 / 3.0, 0, -4 / 3.0}, p.grad().toDoubleArray(), 1e-15);
        }
    }
}
