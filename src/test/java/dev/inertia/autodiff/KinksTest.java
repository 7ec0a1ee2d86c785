package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Explicit expected derivatives at kinks for every policy and every preset, in reverse and in
 * forward mode, and the kink accounting.
 */
class KinksTest {
    private static final double[] RELU_INPUT = {-1, 0, 2, 0, -0.0};
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private double[] grad(Function<Var, Var> f, double[] x, Kinks k, int... shape) {
        return AD.grad(f, Tensor.of(scope, x, shape.length == 0 ? new int[] {x.length} : shape), k).toDoubleArray();
    }

    /** The JVP along e_i for every i: forward mode's gradient, which must equal reverse mode's. */
    private double[] gradByJvp(Function<Var, Var> f, double[] x, Kinks k, int... shape) {
        int[] s = shape.length == 0 ? new int[] {x.length} : shape;
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] e = new double[x.length];
            e[i] = 1;
            g[i] = AD.jvp(f, Tensor.of(scope, x, s), Tensor.of(scope, e, s), k).getDouble(0);
        }
        return g;
    }

    private void expect(double[] expected, Function<Var, Var> f, double[] x, Kinks k, String what, int... shape) {
        assertArrayEquals(expected, grad(f, x, k, shape), 1e-15, what + " (reverse) with " + k);
        assertArrayEquals(expected, gradByJvp(f, x, k, shape), 1e-15, what + " (forward) with " + k);
    }

    @Test
    void spuriousDerivativeOfReluDifferenceIsTwoS() {
        // relu(x) - relu(-x) = x, yet backprop returns 2s at 0 when ReLU'(0) = s.
        Function<Var, Var> f = x -> x.relu().sub(x.neg().relu()).sum();
        for (double s : new double[] {0, 0.5, 1, -0.25, 3}) {
            expect(new double[] {1, 2 * s, 1, 2 * s, 2 * s}, f, RELU_INPUT, Kinks.defaults().relu(s), "relu - relu(-x)");
        }
        // exactly the call of the public contract (docs/DESIGN.md)
        try (Scope s = Scope.open()) {
            Tensor theta = Tensor.of(s, new double[] {0, 0, 0}, 3);
            Tensor g = AD.grad(x -> x.relu().sub(x.neg().relu()).sum(), theta, Kinks.defaults().relu(0.5));
            assertArrayEquals(new double[] {1, 1, 1}, g.toDoubleArray());
        }
    }

    @Test
    void reluAtZero() {
        for (Kinks k : new Kinks[] {Kinks.defaults(), Kinks.pytorch(), Kinks.jax(), Kinks.tensorflow()}) {
            expect(new double[] {0, 0, 1, 0, 0}, x -> x.relu().sum(), RELU_INPUT, k, "relu");
        }
        expect(new double[] {0, 0.7, 1, 0.7, 0.7}, x -> x.relu().sum(), RELU_INPUT, Kinks.defaults().relu(0.7),
                "relu");
    }

    @Test
    void leakyReluAtZero() {
        Function<Var, Var> f = x -> x.leakyRelu(0.1).sum();
        double[] slopeAtZero = {0.1, 0.1, 1, 0.1, 0.1};
        double[] oneAtZero = {0.1, 1, 1, 1, 1};
        expect(slopeAtZero, f, RELU_INPUT, Kinks.defaults(), "leakyRelu");
        expect(slopeAtZero, f, RELU_INPUT, Kinks.pytorch(), "leakyRelu");
        expect(slopeAtZero, f, RELU_INPUT, Kinks.tensorflow(), "leakyRelu");
        expect(oneAtZero, f, RELU_INPUT, Kinks.jax(), "leakyRelu");
        expect(new double[] {0.1, 0.4, 1, 0.4, 0.4}, f, RELU_INPUT, Kinks.defaults().leakyRelu(0.4), "leakyRelu");
        expect(slopeAtZero, f, RELU_INPUT, Kinks.jax().leakyReluSlopeAtZero(), "leakyRelu");
    }

    @Test
    void clampFamilyCorners() {
        double[] relu6In = {-1, 0, 3, 6, 7};
        double[] hardIn = {-2, -1, 0, 1, 2};
        double[] clampIn = {-1, -0.5, 0, 2, 3};
        Function<Var, Var> relu6 = x -> x.relu6().sum();
        Function<Var, Var> hard = x -> x.hardtanh().sum();
        Function<Var, Var> clamp = x -> x.clamp(-0.5, 2).sum();
        for (Kinks k : new Kinks[] {Kinks.defaults(), Kinks.pytorch(), Kinks.jax(), Kinks.tensorflow()}) {
            expect(new double[] {0, 0, 1, 0, 0}, relu6, relu6In, k, "relu6");
        }
        expect(new double[] {0, 0.25, 1, 0.75, 0}, relu6, relu6In, Kinks.defaults().relu6(0.25, 0.75), "relu6");
        for (Kinks k : new Kinks[] {Kinks.defaults(), Kinks.pytorch()}) {
            expect(new double[] {0, 0, 1, 0, 0}, hard, hardIn, k, "hardtanh");
        }
        for (Kinks k : new Kinks[] {Kinks.jax(), Kinks.tensorflow()}) {
            expect(new double[] {0, 1, 1, 1, 0}, hard, hardIn, k, "hardtanh");
        }
        expect(new double[] {0, 0.5, 1, 0.2, 0}, hard, hardIn, Kinks.defaults().hardtanh(0.5, 0.2), "hardtanh");
        for (Kinks k : new Kinks[] {Kinks.defaults(), Kinks.pytorch(), Kinks.tensorflow()}) {
            expect(new double[] {0, 1, 1, 1, 0}, clamp, clampIn, k, "clamp");
        }
        expect(new double[] {0, 0.5, 1, 0.5, 0}, clamp, clampIn, Kinks.jax(), "clamp");
        expect(new double[] {0, 0, 1, 0.3, 0}, clamp, clampIn, Kinks.defaults().clamp(0, 0.3), "clamp");
    }

    @Test
    void absAtZero() {
        Function<Var, Var> f = x -> x.abs().sum();
        double[] in = {-2, 0, 3};
        expect(new double[] {-1, 0, 1}, f, in, Kinks.defaults(), "abs");
        expect(new double[] {-1, 0, 1}, f, in, Kinks.pytorch(), "abs");
        expect(new double[] {-1, 0, 1}, f, in, Kinks.tensorflow(), "abs");
        expect(new double[] {-1, 1, 1}, f, in, Kinks.jax(), "abs");
        expect(new double[] {-1, -0.3, 1}, f, in, Kinks.defaults().abs(-0.3), "abs");
    }

    @Test
    void elementwiseMaxTies() {
        double[] in = {1, 2, 3};
        double[] other = {1, 5, 0}; // tie, second larger, first larger
        Function<Var, Var> first = x -> x.max(x.tape().constant(Tensor.of(scope, other, 3))).sum();
        Function<Var, Var> second = x -> x.tape().constant(Tensor.of(scope, other, 3)).max(x).sum();
        for (Kinks.Tie tie : Kinks.Tie.values()) {
            Kinks k = Kinks.defaults().maximum(tie);
            expect(new double[] {tie.firstWeight(), 0, 1}, first, in, k, "max(x, c) " + tie);
            expect(new double[] {1 - tie.firstWeight(), 0, 1}, second, in, k, "max(c, x) " + tie);
        }
        expect(new double[] {1, 0, 1}, first, in, Kinks.defaults(), "max defaults");
        expect(new double[] {0.5, 0, 1}, first, in, Kinks.pytorch(), "max pytorch");
        expect(new double[] {0.5, 0, 1}, first, in, Kinks.jax(), "max jax");
        expect(new double[] {1, 0, 1}, first, in, Kinks.tensorflow(), "max tensorflow");
        expect(new double[] {0, 0, 1}, second, in, Kinks.tensorflow(), "max(c, x) tensorflow");
        // x.max(x): both arguments are x, whatever the split the total is 1
        expect(new double[] {1, 1, 1}, x -> x.max(x).sum(), in, Kinks.pytorch(), "max(x, x)");
    }

    @Test
    void maxReductionTies() {
        double[] in = {1, 3, 3, 2, 3};
        double third = 1.0 / 3;
        Function<Var, Var> all = Var::max;
        expect(new double[] {0, 1, 0, 0, 0}, all, in, Kinks.defaults(), "max first");
        expect(new double[] {0, third, third, 0, third}, all, in, Kinks.defaults().maxReduce(Kinks.Ties.UNIFORM),
                "max uniform");
        double beta = 0.4;
        expect(new double[] {0, 0.6 + beta / 3, beta / 3, 0, beta / 3}, all, in,
                Kinks.defaults().maxReduce(Kinks.Ties.mix(beta)), "max beta-mix");
        expect(new double[] {0, third, third, 0, third}, all, in, Kinks.pytorch(), "max() pytorch");
        expect(new double[] {0, third, third, 0, third}, all, in, Kinks.jax(), "max() jax");
        expect(new double[] {0, third, third, 0, third}, all, in, Kinks.tensorflow(), "max() tensorflow");
        // along an axis: rows [1, 3, 3] and [2, 3, 2]... as [2, 3] with the max over axis 1
        double[] rows = {1, 3, 3, 2, 5, 2};
        Function<Var, Var> dim = x -> x.max(1).sum();
        expect(new double[] {0, 1, 0, 0, 1, 0}, dim, rows, Kinks.pytorch(), "max(dim) pytorch", 2, 3);
        expect(new double[] {0, 1, 0, 0, 1, 0}, dim, rows, Kinks.defaults(), "max(dim) defaults", 2, 3);
        expect(new double[] {0, 0.5, 0.5, 0, 1, 0}, dim, rows, Kinks.jax(), "max(dim) jax", 2, 3);
        expect(new double[] {0, 0.5, 0.5, 0, 1, 0}, dim, rows, Kinks.tensorflow(), "max(dim) tensorflow", 2, 3);
        // along axis 0 of [2, 3]: columns (1, 2), (3, 5), (3, 2)
        expect(new double[] {0, 0, 1, 1, 1, 0}, x -> x.max(0).sum(), rows, Kinks.defaults(), "max(0)", 2, 3);
    }

    @Test
    void maxPoolTies() {
        // one 4x4 plane, 2x2 windows: a window with a 2-way tie, one with a 4-way tie, two without
        double[] in = {
            5, 5, 1, 2,
            0, 1, 3, 0,
            7, 7, 4, 4,
            7, 7, 4, 9};
        Function<Var, Var> f = x -> x.maxPool2d(2).sum();
        double[] first = {
            1, 0, 0, 0,
            0, 0, 1, 0,
            1, 0, 0, 0,
            0, 0, 0, 1};
        for (Kinks k : new Kinks[] {Kinks.defaults(), Kinks.pytorch(), Kinks.jax(), Kinks.tensorflow()}) {
            expect(first, f, in, k, "maxPool first", 1, 1, 4, 4);
        }
        double[] uniform = {
            0.5, 0.5, 0, 0,
            0, 0, 1, 0,
            0.25, 0.25, 0, 0,
            0.25, 0.25, 0, 1};
        expect(uniform, f, in, Kinks.defaults().maxPool(Kinks.Ties.UNIFORM), "maxPool uniform", 1, 1, 4, 4);
        double b = 0.2;
        double[] mix = {
            0.8 + b / 2, b / 2, 0, 0,
            0, 0, 1, 0,
            0.8 + b / 4, b / 4, 0, 0,
            b / 4, b / 4, 0, 1};
        expect(mix, f, in, Kinks.defaults().maxPool(Kinks.Ties.mix(b)), "maxPool beta-mix", 1, 1, 4, 4);
    }

    /** The maxPoolTies input: windows with a 2-way tie, none, a 4-way tie, none. */
    private static final double[] POOL_TIES = {
        5, 5, 1, 2,
        0, 1, 3, 0,
        7, 7, 4, 4,
        7, 7, 4, 9};

    /** The gradient of sum(maxPool2d(x, 2)) at {@link #POOL_TIES}, reverse and forward, compared exactly. */
    private void expectPoolExactly(double[] expected, double beta, String what) {
        Function<Var, Var> f = x -> x.maxPool2d(2).sum();
        Kinks k = Kinks.defaults().maxPool(Kinks.Ties.mix(beta));
        assertArrayEquals(expected, grad(f, POOL_TIES, k, 1, 1, 4, 4), what + " (reverse)");
        assertArrayEquals(expected, gradByJvp(f, POOL_TIES, k, 1, 1, 4, 4), what + " (forward)");
    }

    @Test
    void beta10OnA2x2TieGives10UniformMinus9First() {
        double[] first = {
            1, 0, 0, 0,
            0, 0, 1, 0,
            1, 0, 0, 0,
            0, 0, 0, 1};
        double[] uniform = {
            0.5, 0.5, 0, 0,
            0, 0, 1, 0,
            0.25, 0.25, 0, 0,
            0.25, 0.25, 0, 1};
        double[] affine = new double[16];
        for (int i = 0; i < 16; i++) {
            affine[i] = 10 * uniform[i] - 9 * first[i];
        }
        // spelled out: the 2-way tie gives -9 + 10/2 and 10/2, the 4-way tie -9 + 10/4 and 10/4
        double[] spelled = {
            -4, 5, 0, 0,
            0, 0, 1, 0,
            -6.5, 2.5, 0, 0,
            2.5, 2.5, 0, 1};
        assertArrayEquals(spelled, affine);
        expectPoolExactly(spelled, 10, "maxPool beta = 10");
    }

    @Test
    void beta10000InF64IsExact() {
        double[] expected = {
            -4999, 5000, 0, 0,
            0, 0, 1, 0,
            -7499, 2500, 0, 0,
            2500, 2500, 0, 1};
        expectPoolExactly(expected, 10000, "maxPool beta = 10000");
        // a negative beta is in the family too: the first gets 1 + 2 - 2/t
        expectPoolExactly(new double[] {2, -1, 0, 0, 0, 0, 1, 0, 2.5, -0.5, 0, 0, -0.5, -0.5, 0, 1}, -2,
                "maxPool beta = -2");
    }

    @Test
    void maxReductionTakesBetaOutsideTheUnitInterval() {
        double[] in = {1, 3, 3, 2, 3};
        // 1 - 10 + 10/3 on the first of the three maxima, 10/3 on the others
        expect(new double[] {0, -9 + 10.0 / 3, 10.0 / 3, 0, 10.0 / 3}, Var::max, in,
                Kinks.defaults().maxReduce(Kinks.Ties.mix(10)), "max beta = 10");
        expect(new double[] {0, -9 + 5, 5, 0, 1, 0}, x -> x.max(1).sum(), new double[] {1, 3, 3, 2, 5, 2},
                Kinks.defaults().maxDim(Kinks.Ties.mix(10)), "max(dim) beta = 10", 2, 3);
    }

    @Test
    void tiesAreParsedAndNonFiniteBetaRefused() {
        assertEquals(Kinks.Ties.FIRST, Kinks.Ties.parse("first"));
        assertEquals(Kinks.Ties.UNIFORM, Kinks.Ties.parse(" Uniform "));
        assertEquals(Kinks.Ties.mix(1000), Kinks.Ties.parse("beta:1000"));
        assertEquals(Kinks.Ties.mix(-0.5), Kinks.Ties.parse("beta:-0.5"));
        for (String bad : new String[] {"beta:NaN", "beta:Infinity", "beta:", "beta:x", "last", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kinks.Ties.parse(bad), bad);
            assertTrue(e.getMessage().contains("first, uniform or beta:B"), e.getMessage());
        }
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> Kinks.Ties.mix(Double.NaN));
        assertEquals("tie beta must be a finite number, got NaN", nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kinks.Ties.mix(Double.NEGATIVE_INFINITY));
        assertTrue(Kinks.defaults().maxPool(Kinks.Ties.mix(10000)).toString().contains("maxPool=10000.0"));
    }

    @Test
    void perOpOverrideBeatsTheTapePolicy() {
        // The tape says ReLU'(0) = 0; the second relu has its own policy with ReLU'(0) = 1.
        double[] g = grad(x -> x.relu().add(x.relu(Kinks.defaults().relu(1))).sum(), new double[] {0, 0}, Kinks
                .defaults());
        assertArrayEquals(new double[] {1, 1}, g);
        try (Tape tape = new Tape(Kinks.defaults())) {
            Var x = tape.param(Tensor.of(scope, new double[] {0, 1}, 2));
            Var a = x.relu();
            tape.setKinks(Kinks.defaults().relu(0.25)); // a "layer" with its own policy
            Var b = x.relu();
            tape.setKinks(Kinks.defaults());
            tape.backward(a.add(b).sum());
            assertArrayEquals(new double[] {0.25, 2}, x.grad().toDoubleArray());
        }
    }

    @Test
    void kinkAccounting() {
        try (Tape tape = new Tape()) {
            Var x = tape.param(Tensor.of(scope, new double[] {0, 0, 0, 1, -1, 0}, 6));
            Var w = tape.constant(Tensor.of(scope, new double[] {1, 0, 2, 1, 1, 3}, 6));
            Var loss = x.relu().mul(w).sum().add(x.abs().sum());
            tape.backward(loss);
            KinkReport r = tape.kinkReport();
            assertEquals("backward", r.pass());
            assertEquals(2, r.ops().size());
            assertEquals("relu", r.ops().get(0).op());
            assertEquals(4, r.ops().get(0).hits());
            assertEquals(3, r.ops().get(0).live(), "the zero weight hides one kink");
            assertEquals("abs", r.ops().get(1).op());
            assertEquals(4, r.ops().get(1).live());
            assertEquals(8, r.hits());
            assertFalse(r.smooth());

            tape.reset();
            Var y = tape.param(Tensor.of(scope, new double[] {0.5, -2, 3}, 3));
            tape.backward(y.relu().sum());
            assertTrue(tape.kinkReport().smooth());
            assertEquals(0, tape.kinkReport().hits());

            tape.reset();
            Var z = tape.param(Tensor.of(scope, new double[] {0, 2, 2, 1}, 1, 1, 2, 2));
            Var m = z.maxPool2d(2).add(z.max(Kinks.defaults()).reshape(1, 1, 1, 1)).sum();
            z.setTangent(Tensor.of(scope, new double[] {1, 0, 0, 0}, 1, 1, 2, 2));
            tape.computeTangents();
            KinkReport t = tape.kinkReport();
            assertEquals("tangent", t.pass());
            assertEquals(2, t.hits(), "one tied pooling window, one tied reduction");
            assertEquals(0, t.live(), "the tangent is zero on the tied inputs");
            assertTrue(t.smooth());
            assertEquals(1, m.size());
        }
    }

    @Test
    void policiesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Kinks.defaults().relu(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Kinks.Ties.mix(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Kinks.defaults().clamp(0, Double.POSITIVE_INFINITY));
        assertEquals(Kinks.defaults().relu(0.5), Kinks.defaults().relu(0.5));
        assertFalse(Kinks.pytorch().equals(Kinks.jax()));
    }

    @Test
    void reluDerivativeAtAnExactZeroIsTheChosenS() {
        for (double s : new double[] {0, 0.1, 0.2, 0.3, 0.5, 1, -0.25, 3}) {
            Kinks k = Kinks.defaults().relu(s);
            assertEquals(s, k.reluAtZero());
            Tensor x64 = Tensor.of(scope, new double[] {0, -1, 2, 0}, 4);
            assertArrayEquals(new double[] {s, 0, 1, s}, AD.grad(v -> v.relu().sum(), x64, k).toDoubleArray(),
                    "F64, s = " + s);
            Tensor x32 = Tensor.of(scope, new float[] {0, -1, 2, -0f}, 4);
            assertArrayEquals(new float[] {(float) s, 0, 1, (float) s},
                    AD.grad(v -> v.relu().sum(), x32, k).toFloatArray(), "F32 (-0 is a zero too), s = " + s);
        }
    }

    @Test
    void f32KinksMatchF64() {
        float[] in = {0, 1, -1, 0};
        Tensor x = Tensor.of(scope, in, 4);
        Tensor g = AD.grad(v -> v.relu().sub(v.neg().relu()).sum(), x, Kinks.defaults().relu(0.5));
        assertEquals(DType.F32, g.dtype());
        assertArrayEquals(new float[] {1, 1, 1, 1}, g.toFloatArray());
    }
}
