package dev.inertia.autodiff;

import static dev.inertia.autodiff.GradCheck.checkAll;
import static dev.inertia.autodiff.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * mseLoss, l1Loss, huberLoss and bceWithLogits: values against their definitions (PyTorch's,
 * reduction "mean"), gradients to both operands against central differences, tangents on both
 * at once, L1's kink policy and accounting.
 */
class TargetLossTest {
    private static final int[] SHAPE = {3, 4};

    /** The loss of {@code p} against {@code t} as a function of both leaves, the prediction scaled first. */
    private static void checkBoth(String name, long seed, BiFunction<Var, Var, Var> loss, double[] p, double[] t) {
        // p.scale(1.5) makes the prediction an op's result, as in a model
        checkAll(name, seed, v -> loss.apply(v[0].scale(1.5), v[1]), new double[][] {p, t}, SHAPE, SHAPE);
        try (Scope scope = Scope.open()) {
            Tensor target = Tensor.of(scope, t, SHAPE);
            checkAll(name + " (target constant)", seed, v -> loss.apply(v[0], v[0].tape().constant(target)),
                    new double[][] {p}, SHAPE);
        }
    }

    @Test
    void gradientsAndTangentsToPredictionAndTarget() {
        long seed = 41;
        Random r = new Random(seed);
        double[] p = random(r, 12, 3, 0);
        double[] t = random(r, 12, 3, 0);
        // keep |1.5 p - t| away from L1's kink at 0 and from Huber's switch at delta = 1
        for (int i = 0; i < 12; i++) {
            double d = 1.5 * p[i] - t[i];
            if (Math.abs(d) < 0.05 || Math.abs(Math.abs(d) - 1) < 0.05) {
                t[i] += 0.2;
            }
        }
        checkBoth("mseLoss", seed, Var::mseLoss, p, t);
        checkBoth("l1Loss", seed, Var::l1Loss, p, t);
        checkBoth("huberLoss", seed, (a, b) -> a.huberLoss(b, 1), p, t);
        checkBoth("huberLoss delta 0.3", seed, (a, b) -> a.huberLoss(b, 0.3), p, t);
        double[] probs = new double[12];
        for (int i = 0; i < 12; i++) {
            probs[i] = r.nextDouble();
        }
        checkBoth("bceWithLogits", seed, Var::bceWithLogits, p, probs);
        double[] big = p.clone();
        for (int i = 0; i < 12; i++) {
            big[i] *= 10; // logits up to ±45: exp(-|x|) underflows toward 0 without harm
        }
        checkBoth("bceWithLogits large", seed, Var::bceWithLogits, big, probs);
    }

    @Test
    void valuesAgainstDefinitions() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var p = tape.param(Tensor.of(scope, new double[] {1, -2, 0.5, 3}, 4));
            Var t = tape.constant(Tensor.of(scope, new double[] {0, 2, 0.5, 1}, 4));
            assertEquals((1 + 16 + 0 + 4) / 4.0, p.mseLoss(t).value().getDouble(0), 1e-15);
            assertEquals((1 + 4 + 0 + 2) / 4.0, p.l1Loss(t).value().getDouble(0), 1e-15);
            // r = 1, -4, 0, 2 with delta 1.5: 0.5; 1.5·(4 - 0.75); 0; 1.5·(2 - 0.75)
            assertEquals((0.5 + 1.5 * 3.25 + 0 + 1.5 * 1.25) / 4, p.huberLoss(t, 1.5).value().getDouble(0), 1e-15);
            Var probs = tape.constant(Tensor.of(scope, new double[] {1, 0, 0.25, 0.5}, 4));
            double want = 0;
            double[] x = {1, -2, 0.5, 3}, y = {1, 0, 0.25, 0.5};
            for (int i = 0; i < 4; i++) {
                double s = 1 / (1 + Math.exp(-x[i]));
                want -= y[i] * Math.log(s) + (1 - y[i]) * Math.log(1 - s);
            }
            assertEquals(want / 4, p.bceWithLogits(probs).value().getDouble(0), 1e-15);
            tape.backward(p.bceWithLogits(probs));
            for (int i = 0; i < 4; i++) {
                assertEquals((1 / (1 + Math.exp(-x[i])) - y[i]) / 4, p.grad().getDouble(i), 1e-16, "(sigmoid - t) / n");
            }
        }
    }

    @Test
    void bceWithLogitsIsStableForHugeLogits() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var p = tape.param(Tensor.of(scope, new double[] {800, -800, 800, -800}, 4));
            Var t = tape.constant(Tensor.of(scope, new double[] {1, 0, 0, 1}, 4));
            assertEquals(1600 / 4.0, p.bceWithLogits(t).value().getDouble(0), 1e-12);
            tape.backward(p.bceWithLogits(t));
            assertArrayEquals(new double[] {0, 0, 0.25, -0.25}, p.grad().toDoubleArray(), 1e-16);
        }
    }

    @Test
    void l1AtEqualValuesUsesTheAbsPolicyAndCountsKinks() {
        double[] p = {1, 2, 3}, t = {1, 0, 3};
        for (Kinks k : new Kinks[] {Kinks.defaults(), Kinks.jax(), Kinks.defaults().abs(-0.3)}) {
            try (Scope scope = Scope.open(); Tape tape = new Tape(k)) {
                Var pv = tape.param(Tensor.of(scope, p, 3)), tv = tape.param(Tensor.of(scope, t, 3));
                tape.backward(pv.l1Loss(tv));
                double a = k.absAtZero() / 3;
                assertArrayEquals(new double[] {a, 1 / 3.0, a}, pv.grad().toDoubleArray(), 1e-15, k.toString());
                assertArrayEquals(new double[] {-a, -1 / 3.0, -a}, tv.grad().toDoubleArray(), 1e-15, k.toString());
                KinkReport r = tape.kinkReport();
                assertEquals("l1Loss", r.ops().get(0).op());
                assertEquals(2, r.hits());
                assertEquals(2, r.live());
                // the same as the composition through abs
                tape.reset();
                pv = tape.param(Tensor.of(scope, p, 3));
                tape.backward(pv.sub(tape.constant(Tensor.of(scope, t, 3))).abs().mean());
                assertArrayEquals(new double[] {a, 1 / 3.0, a}, pv.grad().toDoubleArray(), 1e-15);
                // forward mode: a tangent only on the first kink element is live
                tape.reset();
                pv = tape.param(Tensor.of(scope, p, 3)).setTangent(Tensor.of(scope, new double[] {1, 1, 0}, 3));
                Var loss = pv.l1Loss(tape.constant(Tensor.of(scope, t, 3)));
                tape.computeTangents();
                assertEquals(a + 1 / 3.0, loss.tangent().getDouble(0), 1e-15);
                assertEquals(2, tape.kinkReport().hits());
                assertEquals(1, tape.kinkReport().live());
            }
        }
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var pv = tape.param(Tensor.of(scope, p, 3));
            tape.backward(pv.l1Loss(tape.constant(Tensor.of(scope, t, 3)), Kinks.defaults().abs(1)));
            assertEquals(1 / 3.0, pv.grad().getDouble(0), 1e-15, "a per-op policy beats the tape's");
        }
    }

    @Test
    void smoothLossesHaveNoKinks() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var p = tape.param(Tensor.of(scope, new double[] {1, 2}, 2));
            Var t = tape.constant(Tensor.of(scope, new double[] {1, 1}, 2));
            tape.backward(p.mseLoss(t).add(p.huberLoss(t, 1)).add(p.bceWithLogits(t)));
            assertTrue(tape.kinkReport().smooth());
            assertTrue(tape.kinkReport().ops().isEmpty());
            // Huber at |r| = delta: both branches give the derivative delta (C1)
            assertArrayEquals(new double[] {2 * 0 / 2.0 + 0 + (1 / (1 + Math.exp(-1)) - 1) / 2,
                2 * 1 / 2.0 + 1 / 2.0 + (1 / (1 + Math.exp(-2)) - 1) / 2}, p.grad().toDoubleArray(), 1e-15);
        }
    }

    @Test
    void f32AndShapeErrors() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var p = tape.param(Tensor.of(scope, new float[] {1, 2, 3, 4}, 2, 2));
            Var t = tape.constant(Tensor.of(scope, new float[] {0, 2, 3, 2}, 2, 2));
            Var loss = p.mseLoss(t);
            assertEquals(DType.F32, loss.dtype());
            assertEquals(0, loss.shape().length);
            assertEquals(5 / 4.0, loss.value().getDouble(0), 1e-7);
            tape.backward(loss);
            assertArrayEquals(new float[] {0.5f, 0, 0, 1}, p.grad().toFloatArray(), 1e-7f);
            Var flat = tape.constant(Tensor.of(scope, new float[] {0, 2, 3, 2}, 4));
            assertThrows(IllegalArgumentException.class, () -> p.mseLoss(flat), "the target's shape must match");
            Var f64 = tape.constant(Tensor.of(scope, new double[] {0, 2, 3, 2}, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> p.l1Loss(f64), "and its dtype");
            assertThrows(IllegalArgumentException.class, () -> p.huberLoss(t, 0));
            assertThrows(IllegalArgumentException.class, () -> p.huberLoss(t, Double.NaN));
        }
    }
}
