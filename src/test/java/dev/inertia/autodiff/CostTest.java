package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The operation-cost model: exact counts on a small function, the cheap gradient principle
 * (reverse sweep within a constant factor of the forward pass whatever the width and depth) and
 * forward mode's full gradient costing p tangent sweeps.
 */
class CostTest {
    @Test
    void exactCountsOfSquareSum() {
        try (Scope scope = Scope.open()) {
            int n = 7;
            Cost c = AD.cost(x -> x.mul(x).sum(), Tensor.of(scope, new double[n], n), Kinks.defaults());
            assertEquals(2L * n, c.forwardOps(), "mul, then sum");
            assertEquals(3L * n, c.backwardOps(), "dy·x for each operand, plus accumulating x's two contributions");
            assertEquals(4L * n, c.jvpOps(), "tx·x + x·tx, then sum");
            assertEquals(1.5, c.backwardOverForward(), 1e-15);
        }
    }

    /** An MLP of the given width and depth in F64, from the input features x: ReLU, softmax cross-entropy. */
    private static Function<Var, Var> mlp(Scope scope, int in, int width, int depth, long seed) {
        return x -> {
            Random r = new Random(seed);
            Var h = x;
            int fanIn = in;
            for (int layer = 0; layer <= depth; layer++) {
                int out = layer == depth ? 10 : width;
                Var w = x.tape().constant(Tensor.of(scope, GradCheck.random(r, fanIn * out, 1 / Math.sqrt(fanIn), 0),
                        out, fanIn));
                Var b = x.tape().constant(Tensor.of(scope, GradCheck.random(r, out, 0.1, 0), out));
                h = h.matmul(w, false, true).add(b);
                if (layer < depth) {
                    h = h.relu();
                }
                fanIn = out;
            }
            int[] labels = new int[h.shape()[0]];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 10;
            }
            return h.softmaxCrossEntropy(labels);
        };
    }

    @Test
    void reverseModeStaysWithinAConstantFactorAsWidthAndDepthGrow() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            double lowest = Double.MAX_VALUE, highest = 0;
            for (int width : new int[] {16, 64, 256}) {
                for (int depth : new int[] {1, 2, 4, 8}) {
                    // Every weight is a param here: the cost of the full training gradient.
                    tape.reset();
                    Random r = new Random(width * 31L + depth);
                    Var x = tape.constant(Tensor.of(scope, GradCheck.random(r, 4 * 32, 1, 0), 4, 32));
                    Var h = x;
                    int fanIn = 32;
                    for (int layer = 0; layer <= depth; layer++) {
                        int out = layer == depth ? 10 : width;
                        Var w = tape.param(Tensor.of(scope, GradCheck.random(r, fanIn * out, 0.1, 0), out, fanIn));
                        Var b = tape.param(Tensor.of(scope, new double[out], out));
                        h = h.matmul(w, false, true).add(b);
                        h = layer < depth ? h.relu() : h;
                        fanIn = out;
                    }
                    Cost c = tape.cost(h.softmaxCrossEntropy(new int[] {1, 2, 3, 4}));
                    double ratio = c.backwardOverForward();
                    lowest = Math.min(lowest, ratio);
                    highest = Math.max(highest, ratio);
                    assertTrue(ratio <= 3, "backward/forward = " + ratio + " at width " + width + ", depth " + depth);
                }
            }
            System.out.printf("backward/forward over widths 16..256, depths 1..8: %.3f .. %.3f%n", lowest, highest);
            assertTrue(highest / lowest < 2, "the constant does not drift: " + lowest + " .. " + highest);
        }
    }

    @Test
    void forwardModeFullGradientCostsPJvps() {
        try (Scope scope = Scope.open()) {
            double previousForwardMode = 0;
            for (int p : new int[] {8, 32, 128}) {
                Random r = new Random(p);
                double[] x = GradCheck.random(r, 2 * p, 1, 0.01);
                Tensor xt = Tensor.of(scope, x, 2, p);
                Function<Var, Var> f = mlp(scope, p, 16, 2, p);
                // the full gradient by p·2 JVPs along the unit vectors equals the reverse gradient
                double[] reverse = AD.grad(f, xt, Kinks.defaults()).toDoubleArray();
                double[] forward = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    double[] e = new double[x.length];
                    e[i] = 1;
                    forward[i] = AD.jvp(f, xt, Tensor.of(scope, e, 2, p), Kinks.defaults()).getDouble(0);
                }
                assertArrayEquals(reverse, forward, 1e-12, "p = " + p);

                Cost c = AD.cost(f, xt, Kinks.defaults());
                long inputs = x.length;
                double reverseRatio = (double) c.gradientOps() / c.forwardOps();
                double forwardModeRatio = (double) c.forwardModeGradientOps(inputs) / c.forwardOps();
                assertTrue(reverseRatio <= 4, "reverse mode: " + reverseRatio + " evaluations at p = " + p);
                assertEquals(c.forwardOps() + inputs * c.jvpOps(), c.forwardModeGradientOps(inputs));
                assertTrue(forwardModeRatio > inputs / 2.0, "forward mode grows with p: " + forwardModeRatio);
                assertTrue(forwardModeRatio > 3 * previousForwardMode, "forward mode grows with p");
                previousForwardMode = forwardModeRatio;
            }
        }
    }
}
