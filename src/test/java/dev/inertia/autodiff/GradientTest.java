package dev.inertia.autodiff;

import static dev.inertia.autodiff.GradCheck.check;
import static dev.inertia.autodiff.GradCheck.distinct;
import static dev.inertia.autodiff.GradCheck.random;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every op's reverse rule against central finite differences in F64, away from kinks, and its
 * tangent rule against the reverse one (jvp = <grad, v>). Each function ends in a weighted sum
 * with random constant weights, so that every output element matters differently.
 */
class GradientTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private Tensor tensor(double[] v, int... shape) {
        return Tensor.of(scope, v, shape);
    }

    /** f(x) = sum(op(x) * W) with W random of op(x)'s shape. */
    private Function<Var, Var> weighted(Random r, Function<Var, Var> op) {
        return x -> {
            Var y = op.apply(x);
            Tensor w = tensor(random(r, (int) y.size(), 1, 0), y.shape());
            return y.mul(x.tape().constant(w)).sum();
        };
    }

    private Function<Var, Var> weightedFixed(long seed, Function<Var, Var> op) {
        // The same weights at every evaluation: the weights' generator restarts with the seed.
        return x -> weighted(new Random(seed), op).apply(x);
    }

    private void unary(String name, long seed, Function<Var, Var> op, double[] x, int... shape) {
        check(name, seed, weightedFixed(seed, op), x, shape);
    }

    @Test
    void arithmeticSameShape() {
        long seed = 11;
        Random r = new Random(seed);
        double[] c = random(r, 12, 2, 0.2);
        double[] x = random(r, 12, 2, 0.2);
        unary("add", seed, v -> v.add(v.tape().constant(tensor(c, 3, 4))), x, 3, 4);
        unary("sub", seed, v -> v.tape().constant(tensor(c, 3, 4)).sub(v), x, 3, 4);
        unary("mul", seed, v -> v.mul(v.tape().constant(tensor(c, 3, 4))), x, 3, 4);
        unary("mul self", seed, v -> v.mul(v), x, 3, 4);
        unary("div numerator", seed, v -> v.div(v.tape().constant(tensor(c, 3, 4))), x, 3, 4);
        unary("div divisor", seed, v -> v.tape().constant(tensor(c, 3, 4)).div(v), x, 3, 4);
        unary("neg", seed, Var::neg, x, 3, 4);
        unary("scale", seed, v -> v.scale(-2.5), x, 3, 4);
        unary("add scalar", seed, v -> v.add(1.5).mul(v), x, 3, 4);
        unary("sub scalar", seed, v -> v.sub(0.5).mul(v), x, 3, 4);
    }

    @Test
    void broadcasting() {
        long seed = 12;
        Random r = new Random(seed);
        double[] big = random(r, 24, 2, 0.3);
        double[] small = random(r, 4, 2, 0.3);
        double[] one = {1.7};
        Function<Var, Var> bigC = v -> v.tape().constant(tensor(big, 2, 3, 4));
        // the small operand as the variable, broadcast over the big constant
        unary("big + b", seed, b -> bigC.apply(b).add(b), small, 4);
        unary("b + big", seed, b -> b.add(bigC.apply(b)), small, 4);
        unary("big - b", seed, b -> bigC.apply(b).sub(b), small, 4);
        unary("b - big", seed, b -> b.sub(bigC.apply(b)), small, 4);
        unary("big * b", seed, b -> bigC.apply(b).mul(b), small, 4);
        unary("b * big", seed, b -> b.mul(bigC.apply(b)), small, 4);
        unary("big / b", seed, b -> bigC.apply(b).div(b), small, 4);
        unary("big * scalar", seed, s -> bigC.apply(s).mul(s), one, 1);
        // the big operand as the variable
        Function<Var, Var> smallC = v -> v.tape().constant(tensor(small, 4));
        unary("x + b", seed, x -> x.add(smallC.apply(x)), big, 2, 3, 4);
        unary("x - b", seed, x -> x.sub(smallC.apply(x)), big, 2, 3, 4);
        unary("b - x", seed, x -> smallC.apply(x).sub(x), big, 2, 3, 4);
        unary("x * b", seed, x -> x.mul(smallC.apply(x)), big, 2, 3, 4);
        unary("x / b", seed, x -> x.div(smallC.apply(x)), big, 2, 3, 4);
        // a channel bias over NCHW, as parameter and as input
        double[] bias = random(r, 3, 1, 0);
        unary("addBias wrt b", seed, b -> bigC.apply(b).reshape(2, 3, 2, 2).addBias(b), bias, 3);
        unary("addBias wrt x", seed, x -> x.addBias(x.tape().constant(tensor(bias, 3))), big, 2, 3, 4);
    }

    @Test
    void matmulAllTransposes() {
        long seed = 13;
        Random r = new Random(seed);
        double[] a = random(r, 12, 1, 0);
        double[] b = random(r, 20, 1, 0);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int[] as = ta ? new int[] {4, 3} : new int[] {3, 4};
                int[] bs = tb ? new int[] {5, 4} : new int[] {4, 5};
                String name = "matmul " + (ta ? "T" : "N") + (tb ? "T" : "N");
                unary(name + " wrt A", seed, x -> x.matmul(x.tape().constant(tensor(b, bs)), ta, tb), a, as);
                unary(name + " wrt B", seed, x -> x.tape().constant(tensor(a, as)).matmul(x, ta, tb), b, bs);
                unary(name + " x·x", seed, x -> x.matmul(x, ta, tb), random(new Random(seed), 16, 1, 0), 4, 4);
            }
        }
    }

    @Test
    void reductions() {
        long seed = 14;
        Random r = new Random(seed);
        double[] x = distinct(r, 24);
        unary("sum", seed, v -> v.sum().scale(1.5), x, 2, 3, 4);
        unary("mean", seed, v -> v.mean().scale(-2), x, 2, 3, 4);
        unary("max all", seed, Var::max, x, 2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            int a = axis;
            unary("max axis " + axis, seed, v -> v.max(a), x, 2, 3, 4);
        }
        unary("max elementwise", seed, v -> v.max(v.tape().constant(tensor(distinct(new Random(3), 24), 2, 3, 4))),
                x, 2, 3, 4);
        unary("max elementwise, second", seed,
                v -> v.tape().constant(tensor(distinct(new Random(3), 24), 2, 3, 4)).max(v), x, 2, 3, 4);
    }

    @Test
    void smoothFunctions() {
        long seed = 15;
        Random r = new Random(seed);
        double[] x = random(r, 10, 2, 0);
        double[] positive = new double[10];
        for (int i = 0; i < 10; i++) {
            positive[i] = 0.2 + Math.abs(x[i]);
        }
        unary("exp", seed, Var::exp, x, 10);
        unary("log", seed, Var::log, positive, 10);
        unary("sqrt", seed, Var::sqrt, positive, 10);
        unary("tanh", seed, Var::tanh, x, 10);
        unary("sigmoid", seed, Var::sigmoid, x, 10);
        unary("sigmoid large", seed, v -> v.scale(20).sigmoid(), x, 10);
    }

    @Test
    void activationsAwayFromKinks() {
        long seed = 16;
        Random r = new Random(seed);
        double[] x = random(r, 30, 8, 1e-3, 0, 6, -1, 1, -0.5, 2);
        unary("relu", seed, Var::relu, x, 30);
        unary("leakyRelu", seed, v -> v.leakyRelu(0.1), x, 30);
        unary("relu6", seed, Var::relu6, x, 30);
        unary("hardtanh", seed, Var::hardtanh, x, 30);
        unary("clamp", seed, v -> v.clamp(-0.5, 2), x, 30);
        unary("abs", seed, Var::abs, x, 30);
    }

    @Test
    void shapes() {
        long seed = 17;
        Random r = new Random(seed);
        double[] x = random(r, 24, 1, 0);
        unary("reshape", seed, v -> v.reshape(4, 6).matmul(v.tape().constant(tensor(random(new Random(1), 6, 1, 0),
                6, 1))), x, 2, 3, 4);
        unary("flatten", seed, v -> v.flatten().tanh(), x, 2, 3, 4);
    }

    @Test
    void maxPool() {
        long seed = 18;
        Random r = new Random(seed);
        double[] x = distinct(r, 2 * 2 * 5 * 5);
        unary("maxPool 2", seed, v -> v.maxPool2d(2), x, 2, 2, 5, 5);
        unary("maxPool 3 stride 1", seed, v -> v.maxPool2d(3, 1, 0), x, 2, 2, 5, 5);
        unary("maxPool 3 stride 2 pad 1", seed, v -> v.maxPool2d(3, 2, 1), x, 2, 2, 5, 5);
    }

    @Test
    void conv2d() {
        long seed = 19;
        Random r = new Random(seed);
        double[] x = random(r, 2 * 3 * 5 * 4, 1, 0);
        double[] w = random(r, 4 * 3 * 3 * 3, 1, 0);
        double[] b = random(r, 4, 1, 0);
        for (int[] sp : new int[][] {{1, 0}, {1, 1}, {2, 1}, {2, 0}}) {
            int s = sp[0], p = sp[1];
            String name = "conv2d stride " + s + " pad " + p;
            unary(name + " wrt x", seed, v -> v.conv2d(v.tape().constant(tensor(w, 4, 3, 3, 3)),
                    v.tape().constant(tensor(b, 4)), s, p), x, 2, 3, 5, 4);
            unary(name + " wrt w", seed, v -> v.tape().constant(tensor(x, 2, 3, 5, 4)).conv2d(v,
                    v.tape().constant(tensor(b, 4)), s, p), w, 4, 3, 3, 3);
            unary(name + " wrt b", seed, v -> v.tape().constant(tensor(x, 2, 3, 5, 4)).conv2d(
                    v.tape().constant(tensor(w, 4, 3, 3, 3)), v, s, p), b, 4);
        }
        unary("conv2d no bias, x and w shared", seed, v -> v.reshape(2, 3, 2, 2).conv2d(v.reshape(2, 3, 2, 2), null,
                1, 1), random(r, 24, 1, 0), 24);
    }

    /**
     * Rows of 13 (at least {@link Convolution#DIRECT_MIN_WIDTH}): the forward pass, the input
     * gradient (a convolution of dY with the flipped weights) and, for an input without gradient
     * and a shallow window, the weight gradient all run the direct kernels.
     */
    @Test
    void conv2dDirect() {
        long seed = 23;
        Random r = new Random(seed);
        double[] x = random(r, 2 * 2 * 12 * 13, 1, 0);
        double[] w = random(r, 3 * 2 * 3 * 3, 1, 0);
        double[] b = random(r, 3, 1, 0);
        unary("direct conv2d wrt x", seed, v -> v.conv2d(v.tape().constant(tensor(w, 3, 2, 3, 3)),
                v.tape().constant(tensor(b, 3)), 1, 1), x, 2, 2, 12, 13);
        unary("direct conv2d wrt w", seed, v -> v.tape().constant(tensor(x, 2, 2, 12, 13)).conv2d(v,
                v.tape().constant(tensor(b, 3)), 1, 1), w, 3, 2, 3, 3);
        unary("direct conv2d wrt b", seed, v -> v.tape().constant(tensor(x, 2, 2, 12, 13)).conv2d(
                v.tape().constant(tensor(w, 3, 2, 3, 3)), v, 1, 1), b, 3);
    }

    @Test
    void batchNorm() {
        long seed = 20;
        Random r = new Random(seed);
        double[] x = random(r, 4 * 3 * 2, 2, 0);
        double[] gamma = random(r, 3, 2, 0.2);
        double[] beta = random(r, 3, 1, 0);
        unary("batchNorm wrt x", seed, v -> v.batchNorm(v.tape().constant(tensor(gamma, 3)),
                v.tape().constant(tensor(beta, 3)), 1e-5), x, 4, 3, 2);
        unary("batchNorm [N, C] wrt x", seed, v -> v.batchNorm(v.tape().constant(tensor(gamma, 3)),
                v.tape().constant(tensor(beta, 3)), 1e-5), x, 8, 3);
        unary("batchNorm wrt gamma", seed, g -> g.tape().constant(tensor(x, 4, 3, 2)).batchNorm(g,
                g.tape().constant(tensor(beta, 3)), 1e-5), gamma, 3);
        unary("batchNorm wrt beta", seed, b -> b.tape().constant(tensor(x, 4, 3, 2)).batchNorm(
                b.tape().constant(tensor(gamma, 3)), b, 1e-5), beta, 3);
    }

    @Test
    void softmaxCrossEntropy() {
        long seed = 21;
        Random r = new Random(seed);
        double[] x = random(r, 5 * 4, 3, 0);
        int[] labels = {0, 3, 1, 1, 2};
        check("softmaxCrossEntropy", seed, v -> v.softmaxCrossEntropy(labels), x, 5, 4);
        double[] big = x.clone();
        for (int i = 0; i < big.length; i++) {
            big[i] *= 300; // exp would overflow without the max shift
        }
        check("softmaxCrossEntropy large logits", seed, v -> v.scale(0.01).softmaxCrossEntropy(labels), big, 5, 4);
    }

    /**
     * A value whose gradient first arrives as an alias (add and reshape pass theirs on without a
     * copy) and then gets a contribution from a kernel that accumulates in place (GEMM, bias
     * sums): a skip connection {@code x + f(x)}. The accumulation must go into the alias.
     */
    @Test
    void skipConnectionsAccumulateIntoAliasedGradients() {
        long seed = 24;
        Random r = new Random(seed);
        double[] x = random(r, 3 * 4, 1, 0);
        double[] w = random(r, 4 * 4, 1, 0), b = random(r, 4, 1, 0);
        Function<Var, Var> wc = v -> v.tape().constant(tensor(w, 4, 4));
        Function<Var, Var> bc = v -> v.tape().constant(tensor(b, 4));
        unary("x + linear(x)", seed, v -> v.add(v.linear(wc.apply(v), bc.apply(v))), x, 3, 4);
        unary("x + linearRelu(x)", seed, v -> v.add(v.linearRelu(wc.apply(v), bc.apply(v))), x, 3, 4);
        unary("x + x·W", seed, v -> v.add(v.matmul(wc.apply(v))), x, 3, 4);
        unary("x + W·x", seed, v -> v.add(wc.apply(v).matmul(v.reshape(4, 3)).reshape(3, 4)), x, 3, 4);
        unary("b + (X + b)", seed, v -> v.add(v.tape().constant(tensor(x, 3, 4)).add(v)), b, 4);
        unary("W + W0·W", seed, v -> v.add(v.tape().constant(tensor(w, 4, 4)).matmul(v)), w, 4, 4);
        unary("W + linear wrt W", seed, v -> v.add(v.tape().constant(tensor(w, 4, 4)).linear(v, bc.apply(v))),
                w, 4, 4);
        unary("b + linear wrt b", seed, v -> v.reshape(1, 4).add(v.tape().constant(tensor(x, 3, 4)).linear(wc.apply(v),
                v)), b, 4);
        double[] img = random(r, 2 * 3 * 4 * 4, 1, 0), k = random(r, 3 * 3 * 3 * 3, 1, 0);
        double[] b3 = random(r, 3, 1, 0);
        unary("x + conv2d(x)", seed, v -> v.add(v.conv2d(v.tape().constant(tensor(k, 3, 3, 3, 3)),
                v.tape().constant(tensor(b3, 3)), 1, 1)), img, 2, 3, 4, 4);
        unary("K + conv2d wrt K", seed, v -> v.add(v.tape().constant(tensor(img, 2, 3, 4, 4)).conv2d(v, null, 1, 1)
                .sum().reshape(1, 1, 1, 1)), k, 3, 3, 3, 3);
    }

    @Test
    void smallNetworks() {
        long seed = 22;
        Random r = new Random(seed);
        double[] x = random(r, 6 * 5, 1, 0);
        double[] w1 = random(r, 5 * 7, 1, 0), b1 = random(r, 7, 0.1, 0), w2 = random(r, 7 * 3, 1, 0);
        int[] labels = {0, 1, 2, 1, 0, 2};
        check("mlp wrt w1", seed, w -> w.tape().constant(tensor(x, 6, 5)).matmul(w).add(w.tape()
                .constant(tensor(b1, 7))).tanh().matmul(w.tape().constant(tensor(w2, 7, 3)))
                .softmaxCrossEntropy(labels), w1, 5, 7);
        double[] img = random(r, 2 * 1 * 6 * 6, 1, 0);
        double[] k = random(r, 2 * 1 * 3 * 3, 1, 0);
        double[] lin = random(r, 2 * 3 * 3 * 4, 1, 0);
        check("cnn wrt conv weight", seed, w -> w.tape().constant(tensor(img, 2, 1, 6, 6)).conv2d(w, null, 1, 1)
                .sigmoid().maxPool2d(2).flatten().matmul(w.tape().constant(tensor(lin, 18, 4)))
                .softmaxCrossEntropy(new int[] {3, 1}), k, 2, 1, 3, 3);
    }
}
