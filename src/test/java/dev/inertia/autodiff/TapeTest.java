package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tape's buffer reuse, its API contract and its errors. */
class TapeTest {
    /** One training-like step: returns the loss; fills the params' gradients. */
    private static Var step(Tape tape, Tensor x, Tensor w1, Tensor b1, Tensor w2, Var[] params) {
        params[0] = tape.param(w1);
        params[1] = tape.param(b1);
        params[2] = tape.param(w2);
        Var h = tape.constant(x).matmul(params[0], false, true).add(params[1]).relu();
        Var loss = h.matmul(params[2], false, true).softmaxCrossEntropy(new int[] {0, 1, 2, 1, 0});
        tape.backward(loss);
        return loss;
    }

    @Test
    void sameComputationReusesTheSameBuffers() {
        Random r = new Random(5);
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Tensor x = Tensor.of(scope, GradCheck.random(r, 5 * 6, 1, 0), 5, 6);
            Tensor w1 = Tensor.of(scope, GradCheck.random(r, 8 * 6, 1, 0), 8, 6);
            Tensor b1 = Tensor.of(scope, GradCheck.random(r, 8, 1, 0), 8);
            Tensor w2 = Tensor.of(scope, GradCheck.random(r, 3 * 8, 1, 0), 3, 8);
            Var[] p = new Var[3];
            Var first = step(tape, x, w1, b1, w2, p);
            double loss = first.value().getDouble(0);
            long lossAddress = first.value().segment().address();
            double[] g1 = p[0].grad().toDoubleArray();
            long[] gradAddresses = {p[0].grad().segment().address(), p[1].grad().segment().address(),
                p[2].grad().segment().address()};
            for (int run = 0; run < 3; run++) {
                tape.reset();
                Var again = step(tape, x, w1, b1, w2, p);
                assertEquals(lossAddress, again.value().segment().address(), "the loss reuses its buffer");
                for (int i = 0; i < 3; i++) {
                    assertEquals(gradAddresses[i], p[i].grad().segment().address(), "gradient " + i + " reused");
                }
                assertEquals(loss, again.value().getDouble(0));
                assertArrayEquals(g1, p[0].grad().toDoubleArray(), "no stale accumulation");
            }
        }
    }

    /** The ops of pooling, layer norm, softmax and the fused losses recycle their buffers and rules too. */
    @Test
    void newOpsReuseBuffersFromTheSecondRunOn() {
        Random r = new Random(6);
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Tensor img = Tensor.of(scope, GradCheck.random(r, 2 * 3 * 6 * 6, 1, 0), 2, 3, 6, 6);
            Tensor gamma = Tensor.of(scope, GradCheck.random(r, 3, 1, 0), 3);
            Tensor beta = Tensor.of(scope, GradCheck.random(r, 3, 1, 0), 3);
            Tensor target = Tensor.of(scope, GradCheck.random(r, 6, 1, 0), 2, 3);
            double[] firstGrad = null;
            double firstLoss = 0;
            long bytes = 0;
            for (int run = 0; run < 4; run++) {
                tape.reset();
                Var x = tape.param(img), g = tape.param(gamma), b = tape.param(beta), t = tape.constant(target);
                Var h = x.avgPool2d(3, 1, 1).avgPool2d(2).globalAvgPool2d().layerNorm(g, b, 1e-5);
                Var loss = h.softmax().mseLoss(t).add(h.logSoftmax().l1Loss(t)).add(h.huberLoss(t, 0.5))
                        .add(h.bceWithLogits(t.sigmoid()));
                tape.backward(loss);
                x.setTangent(img);
                tape.computeTangents();
                if (run == 0) {
                    firstGrad = x.grad().toDoubleArray();
                    firstLoss = loss.value().getDouble(0);
                } else {
                    assertEquals(firstLoss, loss.value().getDouble(0));
                    assertArrayEquals(firstGrad, x.grad().toDoubleArray(), "no stale accumulation");
                }
                if (run == 1) {
                    bytes = tape.allocatedBytes();
                } else if (run > 1) {
                    assertEquals(bytes, tape.allocatedBytes(), "no new off-heap memory at run " + run);
                }
            }
        }
    }

    @Test
    void unusedParamGetsZeroGradientAndConstantsNone() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var a = tape.param(Tensor.of(scope, new double[] {1, 2}, 2));
            Var unused = tape.param(Tensor.of(scope, new double[] {3, 4, 5}, 3));
            Var c = tape.constant(Tensor.of(scope, new double[] {1, 1}, 2));
            tape.backward(a.mul(c).sum());
            assertArrayEquals(new double[] {0, 0, 0}, unused.grad().toDoubleArray());
            assertNull(c.grad());
            assertEquals("param", a.op());
            assertEquals("constant", c.op());
        }
    }

    @Test
    void backwardWithSeedAndVectorOutput() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.param(Tensor.of(scope, new double[] {1, 2, 3}, 3));
            Var y = x.mul(x);
            assertThrows(IllegalArgumentException.class, () -> tape.backward(y));
            tape.backward(y, Tensor.of(scope, new double[] {1, 0, -1}, 3));
            assertArrayEquals(new double[] {2, 0, -6}, x.grad().toDoubleArray());
        }
    }

    @Test
    void designContractExamples() {
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.of(scope, new double[] {1, -2, 0.5}, 3);
            Tensor grad = Tensor.of(scope, new double[] {1.5, -3, 2}, 3);
            assertEquals(5.25, AD.value(x -> x.mul(x).sum(), theta).getDouble(0));
            assertArrayEquals(new double[] {1, 1, 1},
                    AD.grad(x -> x.relu().sub(x.neg().relu()).sum(), theta, Kinks.defaults().relu(0.5))
                            .toDoubleArray());
            assertEquals(2 * (1.5 + 6 + 1), AD.jvp(x -> x.mul(x).sum(), theta, grad, Kinks.defaults()).getDouble(0),
                    1e-15);
            Cost c = AD.cost(x -> x.mul(x).sum(), theta, Kinks.defaults());
            assertEquals(6, c.forwardOps());
            // the other ops the contract names
            double e = Math.E;
            assertArrayEquals(new double[] {1 / 3.0 + 0.5 * e, -1 / 3.0 + 0.25 / e, 1 / 3.0 + 0.5 * Math.sqrt(e)},
                    AD.grad(x -> x.abs().mean().add(x.max(x.scale(0.5)).exp().sum().scale(0.5)), theta,
                            Kinks.defaults()).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void f32GraphsWork() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.param(Tensor.of(scope, new float[] {1, -2, 3, 0}, 2, 2));
            Var w = tape.param(Tensor.of(scope, new float[] {0.5f, 1, -1, 2}, 2, 2));
            Var loss = x.matmul(w).relu().add(tape.constant(Tensor.of(scope, new float[] {1, 2}, 2))).sum();
            tape.backward(loss);
            assertEquals(DType.F32, x.grad().dtype());
            // x·w = [[2.5, -3], [1.5, 3]]; relu mask [[1, 0], [1, 1]]; d/dx = mask · wᵀ
            assertArrayEquals(new float[] {0.5f, -1, 1.5f, 1}, x.grad().toFloatArray());
        }
    }

    @Test
    void secondBackwardFromAnotherRootIgnoresEarlierGradientSharing() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.param(Tensor.of(scope, new double[] {1, 2}, 2));
            Var shifted = x.add(tape.constant(Tensor.of(scope, new double[] {5, 5}, 2)));
            Var s1 = shifted.sum();
            Var s2 = x.mul(tape.constant(Tensor.of(scope, new double[] {3, 4}, 2))).sum();
            Var both = s1.add(s2);
            tape.backward(s1); // x's gradient is shifted's, passed on without a copy
            assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray());
            tape.backward(both);
            assertArrayEquals(new double[] {4, 5}, x.grad().toDoubleArray());
            tape.backward(s2);
            assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray());
        }
    }

    @Test
    void batchNormKeepsItsStatistics() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.param(Tensor.of(scope, new double[] {1, 10, 3, 20}, 2, 2));
            Var one = tape.constant(Tensor.of(scope, new double[] {1, 1}, 2));
            Var zero = tape.constant(Tensor.of(scope, new double[] {0, 0}, 2));
            Var y = x.batchNorm(one, zero, 1e-5);
            assertArrayEquals(new double[] {2, 15}, y.batchNormMean().toDoubleArray());
            assertArrayEquals(new double[] {1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(25 + 1e-5)},
                    y.batchNormInvStd().toDoubleArray(), 1e-15);
            assertThrows(IllegalStateException.class, x::batchNormMean);
        }
    }

    @Test
    void clearErrors() {
        try (Scope scope = Scope.open(); Tape tape = new Tape(); Tape other = new Tape()) {
            Var a = tape.param(Tensor.of(scope, new double[] {1, 2, 3}, 3));
            Var b = other.param(Tensor.of(scope, new double[] {1, 2, 3}, 3));
            assertThrows(IllegalArgumentException.class, () -> a.add(b));
            assertThrows(IllegalArgumentException.class, () -> a.add(tape.param(Tensor.of(scope, new double[4], 4))));
            assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
            assertThrows(IllegalArgumentException.class, () -> a.reshape(2, 2));
            assertThrows(IllegalArgumentException.class, () -> a.add(tape.param(Tensor.of(scope, new float[3], 3))));
            assertThrows(IllegalArgumentException.class, () -> a.softmaxCrossEntropy(new int[] {0}));
            assertThrows(IllegalArgumentException.class, () -> tape.param(Tensor.zeros(scope, DType.BF16, 2)));
            assertThrows(IllegalStateException.class, () -> a.mul(a).setTangent(null));
        }
    }
}
