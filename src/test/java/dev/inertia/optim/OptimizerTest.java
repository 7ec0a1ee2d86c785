package dev.inertia.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The high-level optimizer: groups, schedules, clipping, fused zero-grad, state save and restore. */
class OptimizerTest {

    /** Parameters of several shapes, one of them large enough to be split over the pool. */
    private static List<Param> params(Scope scope, DType dtype, long seed) {
        return params(scope, dtype, seed, 66_001);
    }

    private static List<Param> params(Scope scope, DType dtype, long seed, int large) {
        int[][] shapes = {{7, 5}, {3}, {large}, {1}};
        List<Param> ps = new ArrayList<>();
        for (int[] shape : shapes) {
            Tensor v = Tensor.zeros(scope, dtype, shape);
            set(v, Reference.start((int) v.size(), seed++));
            ps.add(Param.of(scope, v));
        }
        return ps;
    }

    private static void set(Tensor t, double[] x) {
        if (t.dtype() == DType.F64) {
            t.copyFrom(Tensor.wrap(x, t.shape()));
        } else {
            float[] f = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                f[i] = (float) x[i];
            }
            t.copyFrom(Tensor.wrap(f, t.shape()));
        }
    }

    /** Fills every gradient from the test's gradient field at the current values. */
    private static void backward(List<Param> ps) {
        for (Param p : ps) {
            set(p.grad(), Reference.grad(p.value().toDoubleArray()));
        }
    }

    private static List<byte[]> bits(List<Param> ps) {
        List<byte[]> out = new ArrayList<>();
        for (Param p : ps) {
            out.add(p.value().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    private static final List<Supplier<TensorOptimizer<?>>> ALL = List.of(
            () -> INNAprop.builder().lr(0.01).build(),
            () -> INNAprop.builder().lr(0.02).alpha(2).beta(2).build(),
            () -> INNA.builder().weightDecay(0.01).build(),
            () -> AdamW.builder().lr(0.01).build(),
            () -> SGD.builder().momentum(0.9).nesterov(true).weightDecay(1e-3).build(),
            () -> SGD.builder().lr(0.05).build(),
            () -> RMSprop.builder().lr(1e-3).momentum(0.5).weightDecay(1e-3).build());

    /** Saving mid-trajectory, continuing, then restoring into a fresh optimizer gives the same bits. */
    @Test
    void saveRestoreMidTrajectoryGivesSameBits() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            for (Supplier<TensorOptimizer<?>> make : ALL) {
                try (Scope scope = Scope.open()) {
                    List<Param> a = params(scope, dtype, 1, 4099);
                    Optimizer oa = Optimizer.builder().group(make.get(), a).schedule(LrSchedule.cosine(2, 12, 0.1))
                            .build();
                    for (int k = 0; k < 6; k++) {
                        backward(a);
                        oa.step();
                        oa.scheduleAt(oa.steps());
                    }
                    // Save a snapshot; copy the parameters as a checkpoint would (TrainerTest saves through files).
                    StateDict saved = oa.stateDict();
                    assertEquals(oa.stateDict(), saved);
                    List<Param> b = params(scope, dtype, 99, 4099);
                    for (int i = 0; i < a.size(); i++) {
                        b.get(i).value().copyFrom(a.get(i).value());
                    }
                    Optimizer ob = Optimizer.builder().group(make.get(), b).schedule(LrSchedule.cosine(2, 12, 0.1))
                            .build();
                    ob.loadStateDict(saved);
                    for (int k = 0; k < 6; k++) {
                        backward(a);
                        oa.step();
                        oa.scheduleAt(6 + k + 1);
                        backward(b);
                        ob.step();
                        ob.scheduleAt(6 + k + 1);
                    }
                    String what = oa.groups().getFirst().optimizer() + " " + dtype;
                    List<byte[]> ba = bits(a), bb = bits(b);
                    for (int i = 0; i < ba.size(); i++) {
                        assertArrayEquals(ba.get(i), bb.get(i), what + " parameter " + i);
                    }
                    assertEquals(oa.stateDict(), ob.stateDict(), what);
                }
            }
        }
    }

    @Test
    void stateDictLayout() {
        try (Scope scope = Scope.open()) {
            List<Param> ps = params(scope, DType.F64, 3);
            Optimizer opt = Optimizer.builder()
                    .group(INNAprop.builder().lr(1e-3).build(), ps.subList(0, 2))
                    .group(INNAprop.builder().lr(5e-4).weightDecay(0).build(), ps.subList(2, 4))
                    .build();
            backward(ps);
            opt.step();
            StateDict sd = opt.stateDict();
            assertEquals("INNAprop", sd.optimizer());
            assertEquals(2, sd.paramGroups().size());
            assertArrayEquals(new int[] {2, 3}, sd.paramGroups().get(1).params());
            Map<String, Double> h = sd.paramGroups().get(1).hyperparameters();
            assertEquals(List.of("lr", "alpha", "beta", "sigma", "eps", "weight_decay", "initial_lr"),
                    List.copyOf(h.keySet()));
            assertEquals(5e-4, h.get("lr"));
            assertEquals(0.0, h.get("weight_decay"));
            assertEquals(List.of(0, 1, 2, 3), List.copyOf(sd.state().keySet()));
            StateDict.ParamState s0 = sd.state().get(0);
            assertEquals(1, s0.step());
            assertEquals(List.of("psi", "exp_avg_sq"), List.copyOf(s0.buffers().keySet()));
            assertArrayEquals(new int[] {7, 5}, s0.buffers().get("psi").shape());
            assertArrayEquals(((INNAprop.State) opt.state(0)).psi().toDoubleArray(),
                    s0.buffers().get("psi").toDoubleArray());
        }
    }

    @Test
    void loadRejectsMismatchesAndLeavesStateIntact() {
        try (Scope scope = Scope.open()) {
            List<Param> ps = params(scope, DType.F32, 3);
            Optimizer sgd = Optimizer.of(SGD.builder().momentum(0.9).build(), ps);
            Optimizer plain = Optimizer.of(SGD.builder().build(), ps);
            Optimizer adam = Optimizer.of(AdamW.builder().build(), ps);
            Optimizer fewer = Optimizer.of(SGD.builder().momentum(0.9).build(), ps.subList(0, 3));
            StateDict sd = sgd.stateDict();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(sd)).getMessage()
                    .contains("SGD"));
            assertThrows(IllegalArgumentException.class, () -> plain.loadStateDict(sd));
            assertThrows(IllegalArgumentException.class, () -> fewer.loadStateDict(sd));
            assertEquals(0.01, plain.groups().getFirst().lr());
        }
    }

    @Test
    void groupsUseTheirOwnHyperparameters() {
        try (Scope scope = Scope.open()) {
            List<Param> ps = params(scope, DType.F64, 5);
            List<Param> copy = params(scope, DType.F64, 5);
            Optimizer grouped = Optimizer.builder()
                    .group(AdamW.builder().lr(0.01).build(), ps.subList(0, 2))
                    .group(AdamW.builder().lr(0.002).weightDecay(0.1).build(), ps.subList(2, 4))
                    .build();
            AdamW first = AdamW.builder().lr(0.01).build();
            AdamW second = AdamW.builder().lr(0.002).weightDecay(0.1).build();
            List<AdamW.State> states = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                states.add((i < 2 ? first : second).init(copy.get(i).value()));
            }
            for (int k = 0; k < 3; k++) {
                backward(ps);
                grouped.step();
                backward(copy);
                for (int i = 0; i < 4; i++) {
                    (i < 2 ? first : second).step(copy.get(i).value(), copy.get(i).grad(), states.get(i));
                }
            }
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(copy.get(i).value().toDoubleArray(), ps.get(i).value().toDoubleArray(), 0.0);
            }
            assertThrows(IllegalArgumentException.class, () -> Optimizer.builder()
                    .group(AdamW.builder().build(), ps.subList(0, 1)).group(SGD.builder().build(), ps.subList(1, 2))
                    .build());
            assertThrows(IllegalArgumentException.class, () -> Optimizer.of(SGD.builder().build(),
                    List.of(ps.get(0), ps.get(0))));
        }
    }

    @Test
    void schedules() {
        assertEquals(1.0, LrSchedule.constant().factor(12345));
        LrSchedule step = LrSchedule.step(10, 0.5);
        assertEquals(1.0, step.factor(9));
        assertEquals(0.5, step.factor(10));
        assertEquals(0.25, step.factor(25));
        LrSchedule cos = LrSchedule.cosine(4, 14, 0.1);
        assertEquals(0.2, cos.factor(0), 1e-15);
        assertEquals(0.8, cos.factor(3), 1e-15);
        assertEquals(1.0, cos.factor(4), 1e-15);
        assertEquals(0.55, cos.factor(9), 1e-15);
        assertEquals(0.1, cos.factor(14), 1e-15);
        assertEquals(0.1, cos.factor(1000), 1e-15);
        LrSchedule inna = LrSchedule.inverseSqrt();
        assertEquals(1.0, inna.factor(0));
        assertEquals(0.5, inna.factor(3));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(5, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0, 0.5));

        try (Scope scope = Scope.open()) {
            List<Param> ps = params(scope, DType.F32, 7);
            Optimizer opt = Optimizer.builder()
                    .group(SGD.builder().lr(0.1).build(), ps.subList(0, 1)) // INNA's schedule, on groups of any rule
                    .group(SGD.builder().lr(0.4).build(), ps.subList(1, 2))
                    .schedule(LrSchedule.inverseSqrt()).build();
            opt.scheduleAt(3);
            assertEquals(0.05, opt.groups().get(0).lr(), 1e-15);
            assertEquals(0.2, opt.groups().get(1).lr(), 1e-15);
            assertEquals(0.1, opt.groups().get(0).initialLr());
            opt.setLr(1.0);
            opt.scheduleAt(0);
            assertEquals(1.0, opt.groups().get(1).lr());
        }
    }

    @Test
    void clippingScalesToTheMaximumNorm() {
        try (Scope scope = Scope.open()) {
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                List<Param> ps = params(scope, dtype, 11);
                backward(ps);
                double expected = 0;
                for (Param p : ps) {
                    for (double g : p.grad().toDoubleArray()) {
                        expected += g * g;
                    }
                }
                expected = Math.sqrt(expected);
                double norm = Optimizer.clipGradNorm(ps, 2.0);
                assertEquals(expected, norm, expected * (dtype == DType.F32 ? 1e-5 : 1e-12));
                double after = 0;
                for (Param p : ps) {
                    for (double g : p.grad().toDoubleArray()) {
                        after += g * g;
                    }
                }
                // torch's factor is maxNorm / (norm + 1e-6)
                assertEquals(2.0 * expected / (expected + 1e-6), Math.sqrt(after), dtype == DType.F32 ? 1e-5 : 1e-12);
                // Below the maximum nothing changes.
                double[] before = ps.get(0).grad().toDoubleArray();
                Optimizer.clipGradNorm(ps, 100);
                assertArrayEquals(before, ps.get(0).grad().toDoubleArray(), 0.0);
            }
            // In the optimizer: the step sees the clipped gradient.
            List<Param> a = params(scope, DType.F64, 13), b = params(scope, DType.F64, 13);
            Optimizer clipped = Optimizer.builder().group(SGD.builder().lr(0.1).build(), a).clipGradNorm(0.5).build();
            Optimizer manual = Optimizer.of(SGD.builder().lr(0.1).build(), b);
            backward(a);
            backward(b);
            clipped.step();
            Optimizer.clipGradNorm(b, 0.5);
            manual.step();
            assertTrue(clipped.lastGradNorm() > 0.5);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(b.get(i).value().toDoubleArray(), a.get(i).value().toDoubleArray(), 0.0);
            }
        }
    }

    @Test
    void fusedZeroGradEqualsStepThenZeroGrad() {
        for (Supplier<TensorOptimizer<?>> make : ALL) {
            try (Scope scope = Scope.open()) {
                List<Param> a = params(scope, DType.F32, 21, 1000), b = params(scope, DType.F32, 21, 1000);
                Optimizer fused = Optimizer.builder().group(make.get(), a).fuseZeroGrad(true).build();
                Optimizer separate = Optimizer.of(make.get(), b);
                for (int k = 0; k < 3; k++) {
                    backward(a);
                    fused.step();
                    backward(b);
                    separate.step();
                    separate.zeroGrad();
                }
                List<byte[]> ba = bits(a), bb = bits(b);
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(bb.get(i), ba.get(i));
                    for (double g : a.get(i).grad().toDoubleArray()) {
                        assertEquals(0.0, g);
                    }
                }
            }
        }
    }

    /** F32 follows F64 within float rounding over 20 steps. */
    @Test
    void f32TracksF64() {
        for (Supplier<TensorOptimizer<?>> make : ALL) {
            try (Scope scope = Scope.open()) {
                List<Param> s = params(scope, DType.F32, 31, 1000), d = params(scope, DType.F64, 31, 1000);
                for (int i = 0; i < s.size(); i++) { // the same starting values, exactly
                    set(d.get(i).value(), s.get(i).value().toDoubleArray());
                }
                Optimizer os = Optimizer.of(make.get(), s), od = Optimizer.of(make.get(), d);
                for (int k = 0; k < 20; k++) {
                    backward(d);
                    for (int i = 0; i < s.size(); i++) { // the F64 gradient, rounded: isolate the step's rounding
                        set(s.get(i).grad(), d.get(i).grad().toDoubleArray());
                    }
                    os.step();
                    od.step();
                }
                String what = os.groups().getFirst().optimizer().toString();
                for (int i = 0; i < s.size(); i++) {
                    double[] x = s.get(i).value().toDoubleArray(), y = d.get(i).value().toDoubleArray();
                    for (int j = 0; j < x.length; j++) {
                        double tol = 2e-5 * Math.max(1, Math.abs(y[j]));
                        assertEquals(y[j], x[j], tol, what + " parameter " + i + " element " + j);
                    }
                }
                assertNotEquals(0, s.getFirst().value().getDouble(0));
            }
        }
    }

    @Test
    void badArgumentsAreClear() {
        assertThrows(IllegalArgumentException.class, () -> INNAprop.builder().lr(-1).build());
        assertThrows(IllegalArgumentException.class, () -> INNAprop.builder().beta(0).build());
        assertThrows(IllegalArgumentException.class, () -> INNAprop.builder().sigma(1).build());
        assertThrows(IllegalArgumentException.class, () -> SGD.builder().nesterov(true).build());
        assertThrows(IllegalArgumentException.class, () -> AdamW.builder().beta1(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> OptimizerRegistry.create("adam"));
        assertThrows(IllegalArgumentException.class,
                () -> INNAprop.builder().build().withHyperparameters(Map.of("momentum", 0.9)));
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.zeros(scope, DType.F32, 4);
            Tensor wrong = Tensor.zeros(scope, DType.F64, 4);
            INNAprop opt = INNAprop.builder().lr(0.5).build();
            INNAprop.State st = opt.init(theta);
            assertThrows(IllegalArgumentException.class, () -> opt.step(theta, wrong, st));
            opt.setLr(0.9); // = beta: a schedule may raise it after build; the step refuses it
            assertThrows(IllegalStateException.class, () -> opt.step(theta, theta, st));
            assertThrows(IllegalArgumentException.class,
                    () -> opt.step(Tensor.zeros(scope, DType.F32, 5), Tensor.zeros(scope, DType.F32, 5), st));
            assertThrows(IllegalArgumentException.class, () -> opt.init(Tensor.zeros(scope, DType.BF16, 2)));
        }
    }

    /** INNA and INNAprop need lr < beta: the builder refuses lr >= beta naming both, and so does a step after setLr. */
    @Test
    void innaAndInnapropRefuseLearningRatesAtOrAboveBeta() {
        var e = assertThrows(IllegalArgumentException.class, () -> INNAprop.builder().lr(0.5).beta(0.1).build());
        assertEquals("INNAprop needs the learning rate below beta: lr 0.5 >= beta 0.1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> INNAprop.builder().lr(0.1).beta(0.1).build());
        e = assertThrows(IllegalArgumentException.class, () -> INNA.builder().lr(0.2).beta(0.1).build());
        assertEquals("INNA needs the learning rate below beta: lr 0.2 >= beta 0.1", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> INNAprop.builder().build().withHyperparameters(Map.of("beta", 1e-4)));
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerRegistry.create("innaprop", 2));
        assertEquals("INNAprop needs the learning rate below beta: lr 2.0 >= beta 0.9", e.getMessage());
        assertEquals(0.5, OptimizerRegistry.create("innaprop", 0.5).lr());
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.zeros(scope, DType.F32, 4);
            INNA inna = INNA.builder().lr(0.05).beta(0.1).build();
            INNA.State st = inna.init(theta);
            inna.step(theta, theta, st);
            inna.setLr(0.1);
            var s = assertThrows(IllegalStateException.class, () -> inna.step(theta, theta, st));
            assertEquals("INNA needs the learning rate below beta: lr 0.1 >= beta 0.1", s.getMessage());
        }
    }

    /** The example of docs/DESIGN.md's public contract, as written. */
    @Test
    void designExample() {
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.of(scope, new double[] {1, -2, 0.5}, 3);
            Tensor grad = Tensor.of(scope, new double[] {1.5, -3, 2}, 3);
            INNAprop opt = INNAprop.builder()
                    .lr(1e-3).alpha(0.1).beta(0.9).sigma(0.999).eps(1e-8).weightDecay(0.01).build();
            INNAprop.State st = opt.init(theta);
            opt.step(theta, grad, st);
            opt.setLr(5e-4);
            opt.step(theta, grad, st);
            assertEquals(2, st.step());
            assertEquals(5e-4, opt.lr());
            assertTrue(theta.getDouble(0) < 1 && theta.getDouble(1) > -2);
        }
    }
}
