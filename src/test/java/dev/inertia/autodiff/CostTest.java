package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.List;
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

    @Test
    void exactCountsOfTheFusedLosses() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            int n = 6;
            Var p = tape.param(Tensor.of(scope, new double[n], 2, 3));
            Var t = tape.constant(Tensor.of(scope, new double[n], 2, 3));
            Cost c = tape.cost(p.mseLoss(t));
            assertEquals(3L * n + 1, c.forwardOps(), "subtract, square, add; one divide");
            assertEquals(3L * n + 1, c.backwardOps(), "dy/n once, then subtract, double, scale");
            assertEquals(4L * n + 1, c.jvpOps(), "the reverse products and a running sum");
            Var tp = tape.param(Tensor.of(scope, new double[n], 2, 3));
            Cost both = tape.cost(p.mseLoss(tp));
            assertEquals(6L * n + 1, both.backwardOps(), "the target's gradient too");
        }
    }

    /**
     * A graph of pooling, layer norm, softmax and the fused losses: costs of a sum of losses add
     * up (plus the scalar additions), and reverse mode stays within the cheap-gradient bound.
     */
    @Test
    void newOpsAddUpAndKeepTheCheapGradient() {
        try (Scope scope = Scope.open()) {
            Random r = new Random(9);
            Tensor img = Tensor.of(scope, GradCheck.random(r, 4 * 3 * 8 * 8, 1, 0), 4, 3, 8, 8);
            Tensor gamma = Tensor.of(scope, GradCheck.random(r, 3, 1, 0), 3);
            Tensor beta = Tensor.of(scope, GradCheck.random(r, 3, 1, 0), 3);
            Tensor target = Tensor.of(scope, GradCheck.random(r, 12, 1, 0), 4, 3);
            Function<Var, Var> features = x -> x.avgPool2d(3, 2, 1).avgPool2d(2).globalAvgPool2d()
                    .layerNorm(x.tape().constant(gamma), x.tape().constant(beta), 1e-5);
            List<Function<Var, Var>> losses = List.of(
                    x -> features.apply(x).softmax().mseLoss(x.tape().constant(target)),
                    x -> features.apply(x).logSoftmax().l1Loss(x.tape().constant(target)),
                    x -> features.apply(x).huberLoss(x.tape().constant(target), 0.5),
                    x -> features.apply(x).bceWithLogits(x.tape().constant(target).sigmoid()));
            long forward = 0, backward = 0, jvp = 0;
            for (Function<Var, Var> f : losses) {
                Cost c = AD.cost(f, img, Kinks.defaults());
                assertTrue(c.backwardOverForward() <= 3, "backward/forward = " + c.backwardOverForward());
                forward += c.forwardOps();
                backward += c.backwardOps();
                jvp += c.jvpOps();
            }
            Cost total = AD.cost(x -> losses.get(0).apply(x).add(losses.get(1).apply(x)).add(losses.get(2).apply(x))
                    .add(losses.get(3).apply(x)), img, Kinks.defaults());
            assertEquals(forward + 3, total.forwardOps(), "three scalar additions");
            // the image's gradient: three more additions of its four contributions, per element
            assertEquals(backward + 3 * img.size(), total.backwardOps());
            assertEquals(jvp + 3, total.jvpOps());
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
