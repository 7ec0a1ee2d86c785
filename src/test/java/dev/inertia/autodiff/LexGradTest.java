package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Lexicographic derivatives: equal to the gradient wherever the program is smooth, the
 * lexicographic value at the kinks of small programs whose answer is known by hand, refusal of
 * an op with kinks and no lexicographic rule, and a cost growing with the number of inputs.
 */
class LexGradTest {
    private static final long SEED = 77031;

    @Test
    void equalsTheGradientAtSmoothPoints() {
        try (Scope scope = Scope.open()) {
            Random r = new Random(SEED);
            Tensor w1 = Tensor.of(scope, GradCheck.random(r, 7 * 6, 0.7, 0), 7, 6);
            Tensor b1 = Tensor.of(scope, GradCheck.random(r, 7, 0.5, 0), 7);
            Tensor w2 = Tensor.of(scope, GradCheck.random(r, 3 * 7, 0.7, 0), 3, 7);
            Tensor kc = Tensor.of(scope, GradCheck.random(r, 2 * 1 * 3 * 3, 0.5, 0), 2, 1, 3, 3);
            Map<String, Function<Var, Var>> programs = new LinkedHashMap<>();
            programs.put("mlp", x -> x.reshape(2, 6).linearRelu(x.tape().constant(w1), x.tape().constant(b1))
                    .linear(x.tape().constant(w2), null).softmaxCrossEntropy(new int[] {1, 2}));
            programs.put("unfused relu, abs, clamp", x -> x.reshape(2, 6).matmul(x.tape().constant(w1), false, true)
                    .relu().sub(x.reshape(2, 6).matmul(x.tape().constant(w1), false, true).abs().scale(0.3))
                    .hardtanh().leakyRelu(0.2).relu6().clamp(-0.5, 0.4).mul(x.sum().reshape(1, 1).exp()).sum());
            programs.put("max family", x -> x.reshape(3, 4).max(1).max(x.reshape(3, 4).abs().max(1).neg()).sum()
                    .add(x.max().mul(x.max())));
            programs.put("conv and max-pool", x -> x.reshape(1, 1, 3, 4).conv2d(x.tape().constant(kc), null, 1, 1)
                    .relu().maxPool2d(2).tanh().sum());
            for (int trial = 0; trial < 5; trial++) {
                Tensor x = Tensor.of(scope, GradCheck.random(r, 12, 1, 1e-3), 12);
                for (var e : programs.entrySet()) {
                    double[] grad = AD.grad(e.getValue(), x).toDoubleArray();
                    double[] lex = AD.lexGrad(e.getValue(), x, Kinks.defaults()).toDoubleArray();
                    for (int i = 0; i < grad.length; i++) {
                        assertEquals(grad[i], lex[i], 1e-12 * Math.max(1, Math.abs(grad[i])),
                                e.getKey() + ", trial " + trial + ", element " + i + ", seed " + SEED);
                    }
                }
            }
        }
    }

    @Test
    void reluMinusReluOfMinusIsTheIdentityAtZero() {
        Function<Var, Var> f = x -> x.relu().sub(x.neg().relu()).sum();
        Tensor zero = Tensor.wrap(new double[] {0}, 1);
        assertEquals(1, AD.lexGrad(f, zero, Kinks.defaults()).getDouble(0));
        for (double s : new double[] {0, 0.5, 1}) {
            assertEquals(2 * s, AD.grad(f, zero, Kinks.defaults().relu(s)).getDouble(0), "backprop: 2 ReLU'(0)");
            assertEquals(1, AD.lexGrad(f, zero, Kinks.defaults().relu(s)).getDouble(0), "whatever the policy");
        }
        try (Tape tape = new Tape()) {
            Var x = tape.param(Tensor.wrap(new double[] {0, 1}, 2)).setTangents(Tensor.wrap(new double[] {1, 0, 0, 1}, 2,
                    2));
            f.apply(x);
            tape.computeLexicographicTangents();
            KinkReport report = tape.kinkReport();
            assertEquals("lexicographic", report.pass());
            assertEquals(2, report.hits(), "x_1 = 0 at both ReLUs: " + report);
        }
    }

    @Test
    void maxAtATieTakesTheArgumentThatGrowsFirst() {
        try (Scope scope = Scope.open()) {
            Tensor c1 = Tensor.of(scope, new double[] {1, 0}, 2, 1);
            Tensor c2 = Tensor.of(scope, new double[] {0, 1}, 2, 1);
            Function<Var, Var> max = x -> x.matmul(x.tape().constant(c1)).max(x.matmul(x.tape().constant(c2))).sum();
            Function<Var, Var> maxSwapped = x -> x.matmul(x.tape().constant(c2)).max(x.matmul(x.tape().constant(c1)))
                    .sum();
            Tensor tie = Tensor.wrap(new double[] {3, 3}, 1, 2);
            assertArrayEquals(new double[] {1, 0}, AD.lexGrad(max, tie, Kinks.defaults()).toDoubleArray());
            assertArrayEquals(new double[] {1, 0}, AD.lexGrad(maxSwapped, tie, Kinks.defaults()).toDoubleArray(),
                    "e_1 comes first, whichever argument x_1 is");
            Function<Var, Var> reduce = x -> x.max();
            assertArrayEquals(new double[] {1, 0}, AD.lexGrad(reduce, tie, Kinks.defaults()).toDoubleArray());
            Function<Var, Var> ofDifference = x -> x.scale(-1).max();
            assertArrayEquals(new double[] {0, -1}, AD.lexGrad(ofDifference, tie, Kinks.defaults()).toDoubleArray(), 0,
                    "-x_1 decreases along e_1: the other one wins");
        }
    }

    @Test
    void absAtZeroIsOneAlongThePositiveDirection() {
        Tensor zero = Tensor.wrap(new double[] {0, 0}, 2);
        assertArrayEquals(new double[] {1, 1}, AD.lexGrad(x -> x.abs().sum(), zero, Kinks.defaults()).toDoubleArray());
        assertArrayEquals(new double[] {1, 1},
                AD.lexGrad(x -> x.neg().abs().sum(), zero, Kinks.defaults()).toDoubleArray(), "|-x| = |x|");
        assertArrayEquals(new double[] {0, 0}, AD.grad(x -> x.abs().sum(), zero).toDoubleArray(), "abs'(0) = 0");
    }

    /**
     * f(x) = relu(x1 - x2) + relu(x2 - x1) - relu(x1 + x2) at 0, every unit at its kink: along
     * e_1 the first and third units turn on and the second off, so near (t, e) with 0 < e << t,
     * f = (t - e) - (t + e) = -2e: the gradient of that piece is (0, -2).
     */
    @Test
    void twoLayerNetworkAtAPointWhereEveryUnitIsAtItsKink() {
        try (Scope scope = Scope.open()) {
            Tensor w1 = Tensor.of(scope, new double[] {1, -1, -1, 1, 1, 1}, 3, 2);
            Tensor w2 = Tensor.of(scope, new double[] {1, 1, -1}, 1, 3);
            Function<Var, Var> fused = x -> x.linearRelu(x.tape().constant(w1), null).linear(x.tape().constant(w2), null)
                    .sum();
            Function<Var, Var> unfused = x -> x.matmul(x.tape().constant(w1), false, true).relu()
                    .matmul(x.tape().constant(w2), false, true).sum();
            Tensor zero = Tensor.wrap(new double[] {0, 0}, 1, 2);
            assertArrayEquals(new double[] {0, -2}, AD.lexGrad(fused, zero, Kinks.defaults()).toDoubleArray());
            assertArrayEquals(new double[] {0, -2}, AD.lexGrad(unfused, zero, Kinks.defaults()).toDoubleArray());
            assertArrayEquals(new double[] {0, -2}, AD.grad(fused, Tensor.wrap(new double[] {1, 1e-3}, 1, 2))
                    .toDoubleArray(), 1e-15, "the same piece, just off the kinks");
        }
    }

    @Test
    void maxPoolTieGoesToTheElementThatGrowsFirst() {
        Tensor x = Tensor.wrap(new double[] {1, 2, 2, 0}, 1, 1, 2, 2);
        assertArrayEquals(new double[] {0, 1, 0, 0},
                AD.lexGrad(v -> v.maxPool2d(2).sum(), x, Kinks.defaults()).toDoubleArray(), "e_2 before e_3");
        Tensor y = Tensor.wrap(new double[] {-2, -1, 0, -2}, 1, 1, 2, 2);
        assertArrayEquals(new double[] {0, 0, 0, -1},
                AD.lexGrad(v -> v.neg().maxPool2d(2).sum(), y, Kinks.defaults()).toDoubleArray(), 0,
                "-x_1 falls along e_1, so -x_4 wins the tie");
    }

    @Test
    void anOpWithKinksAndNoLexicographicRuleIsRefusedByName() {
        Tensor target = Tensor.wrap(new double[] {0, 0}, 2);
        var e = assertThrows(UnsupportedOperationException.class, () -> AD.lexGrad(
                x -> x.l1Loss(x.tape().constant(target)), Tensor.wrap(new double[] {0, 1}, 2), Kinks.defaults()));
        assertTrue(e.getMessage().contains("l1"), e.getMessage());
    }

    @Test
    void costGrowsWithTheNumberOfInputsWhereTheGradientsDoesNot() {
        double previous = 0;
        for (int p : new int[] {4, 16, 64, 256}) {
            Tensor x = Tensor.wrap(new double[p], p);
            Cost c = AD.cost(v -> v.relu().mul(v).sum(), x, Kinks.defaults());
            assertEquals(c.forwardOps() + p * c.jvpOps(), c.lexicographicGradientOps(p));
            double ratio = (double) c.lexicographicGradientOps(p) / c.gradientOps();
            assertTrue(ratio > 2 * previous, "lexicographic / reverse " + ratio + " at p = " + p);
            previous = ratio;
        }
    }
}
