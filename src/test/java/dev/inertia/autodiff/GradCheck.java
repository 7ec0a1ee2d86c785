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
}
