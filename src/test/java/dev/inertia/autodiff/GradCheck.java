package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import java.util.function.Function;

/** Central finite differences and seeded random data for the autodiff tests (F64). */
final class GradCheck {
    static final double H = 1e-6;

    private GradCheck() {}

    /** Values uniform in ±scale, kept at least {@code gap} away from every point in {@code kinks}. */
    static double[] random(Random r, int n, double scale, double gap, double... kinks) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x;
            boolean near;
            do {
                x = (r.nextDouble() * 2 - 1) * scale;
                near = false;
                for (double k : kinks) {
                    near |= Math.abs(x - k) < gap;
                }
            } while (near);
            v[i] = x;
        }
        return v;
    }

    /** Distinct values (no ties for max ops), shuffled. */
    static double[] distinct(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2.0) * 0.37 + r.nextDouble() * 0.1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    /**
     * {@code sum(op(x) · W)} with W random of op(x)'s shape in {@code scope}, the same W at every
     * evaluation (its generator restarts with the seed): every output element matters differently.
     */
    static Function<Var, Var> weighted(Scope scope, long seed, Function<Var, Var> op) {
        return x -> {
            Var y = op.apply(x);
            Tensor w = Tensor.of(scope, random(new Random(seed), (int) y.size(), 1, 0), y.shape());
            return y.mul(x.tape().constant(w)).sum();
        };
    }

    static double scalar(Tensor t) {
        assertEquals(1, t.size(), "a scalar");
        return t.getDouble(0);
    }

    /** Central differences of a scalar f at x, one coordinate at a time. */
    static double[] numericGrad(Scope scope, Function<Var, Var> f, double[] x, int[] shape) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] p = x.clone(), m = x.clone();
            p[i] += H;
            m[i] -= H;
            double fp = scalar(AD.value(f, Tensor.of(scope, p, shape)));
            double fm = scalar(AD.value(f, Tensor.of(scope, m, shape)));
            g[i] = (fp - fm) / (2 * H);
        }
        return g;
    }

    /**
     * Checks the reverse gradient of f against central differences, and one JVP along a random
     * direction against {@code <grad, v>}.
     */
    static void check(String what, long seed, Function<Var, Var> f, double[] x, int... shape) {
        try (Scope scope = Scope.open()) {
            Tensor xt = Tensor.of(scope, x, shape);
            double[] g = AD.grad(f, xt, Kinks.defaults()).toDoubleArray();
            double[] num = numericGrad(scope, f, x, shape);
            for (int i = 0; i < x.length; i++) {
                double tol = 1e-6 * Math.max(1, Math.abs(num[i]));
                assertEquals(num[i], g[i], tol, what + ": d/dx[" + i + "] (seed " + seed + ")");
            }
            Random r = new Random(seed ^ 0x5DEECE66DL);
            double[] v = new double[x.length];
            double dot = 0, scale = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() * 2 - 1;
                dot += g[i] * v[i];
                scale += Math.abs(g[i] * v[i]);
            }
            double jvp = scalar(AD.jvp(f, xt, Tensor.of(scope, v, shape), Kinks.defaults()));
            assertEquals(dot, jvp, 1e-12 * Math.max(1, scale), what + ": jvp = <grad, v> (seed " + seed + ")");
        }
    }

    /** f at the given leaves, all constants of a fresh tape. */
    private static double valueOf(Scope scope, Function<Var[], Var> f, double[][] xs, int[][] shapes) {
        try (Tape tape = new Tape()) {
            Var[] in = new Var[xs.length];
            for (int i = 0; i < xs.length; i++) {
                in[i] = tape.constant(Tensor.of(scope, xs[i], shapes[i]));
            }
            return scalar(f.apply(in).value());
        }
    }

    /**
     * {@link #check} for a scalar f of several leaves, all params: each leaf's reverse gradient
     * against central differences, and one tangent sweep with random tangents on every leaf at
     * once against {@code sum_i <grad_i, v_i>}.
     */
    static void checkAll(String what, long seed, Function<Var[], Var> f, double[][] xs, int[]... shapes) {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var[] in = new Var[xs.length];
            for (int i = 0; i < xs.length; i++) {
                in[i] = tape.param(Tensor.of(scope, xs[i], shapes[i]));
            }
            tape.backward(f.apply(in));
            double[][] g = new double[xs.length][];
            for (int i = 0; i < xs.length; i++) {
                g[i] = in[i].grad().toDoubleArray();
            }
            for (int i = 0; i < xs.length; i++) {
                for (int j = 0; j < xs[i].length; j++) {
                    double[][] p = xs.clone(), m = xs.clone();
                    p[i] = xs[i].clone();
                    m[i] = xs[i].clone();
                    p[i][j] += H;
                    m[i][j] -= H;
                    double num = (valueOf(scope, f, p, shapes) - valueOf(scope, f, m, shapes)) / (2 * H);
                    assertEquals(num, g[i][j], 1e-6 * Math.max(1, Math.abs(num)),
                            what + ": d/dx" + i + "[" + j + "] (seed " + seed + ")");
                }
            }
            Random r = new Random(seed ^ 0x5DEECE66DL);
            tape.reset();
            double dot = 0, scale = 0;
            for (int i = 0; i < xs.length; i++) {
                double[] v = new double[xs[i].length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = r.nextDouble() * 2 - 1;
                    dot += g[i][j] * v[j];
                    scale += Math.abs(g[i][j] * v[j]);
                }
                in[i] = tape.param(Tensor.of(scope, xs[i], shapes[i])).setTangent(Tensor.of(scope, v, shapes[i]));
            }
            Var y = f.apply(in);
            tape.computeTangents();
            assertEquals(dot, scalar(y.tangent()), 1e-12 * Math.max(1, scale),
                    what + ": jvp = sum <grad_i, v_i> (seed " + seed + ")");
        }
    }
}
