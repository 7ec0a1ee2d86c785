package dev.inertia.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Issue 18, items 4 and 8: a state dict is checked in full before an optimizer changes, and its buffers' shapes are sane. */
class StateDictLoadTest {

    /** Two groups of INNAprop over three parameters, stepped twice so that every buffer and step is non-trivial. */
    private static Optimizer stepped(Scope scope, double lr) {
        List<Param> ps = new ArrayList<>();
        for (int[] shape : new int[][] {{3, 2}, {4}, {5}}) {
            Tensor v = Tensor.zeros(scope, DType.F32, shape);
            float[] x = new float[(int) v.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(lr * 1000 + i);
            }
            v.copyFrom(Tensor.wrap(x, shape));
            ps.add(Param.of(scope, v));
        }
        Optimizer opt = Optimizer.builder().group(INNAprop.builder().lr(lr).build(), ps.subList(0, 1))
                .group(INNAprop.builder().lr(lr / 2).build(), ps.subList(1, 3)).build();
        for (int k = 0; k < 2; k++) {
            for (Param p : ps) {
                p.grad().copyFrom(p.value());
            }
            opt.step();
        }
        return opt;
    }

    /** {@code sd} with group {@code g}'s hyperparameters changed by {@code edit}. */
    private static StateDict withGroup(StateDict sd, int g, UnaryOperator<Map<String, Double>> edit) {
        List<StateDict.Group> groups = new ArrayList<>(sd.paramGroups());
        StateDict.Group old = groups.get(g);
        groups.set(g, new StateDict.Group(edit.apply(new LinkedHashMap<>(old.hyperparameters())), old.params()));
        return new StateDict(sd.optimizer(), groups, sd.state());
    }

    private static StateDict withStep(StateDict sd, int param, long step) {
        Map<Integer, StateDict.ParamState> state = new LinkedHashMap<>(sd.state());
        state.put(param, new StateDict.ParamState(step, state.get(param).buffers()));
        return new StateDict(sd.optimizer(), sd.paramGroups(), state);
    }

    @Test
    void aFailedLoadChangesNothing() {
        try (Scope scope = Scope.open()) {
            Optimizer target = stepped(scope, 0.01);
            StateDict good = stepped(scope, 0.02).stateDict();
            StateDict before = target.stateDict();
            Map<String, StateDict> bad = new LinkedHashMap<>();
            // the last parameter's step is negative: its buffers used to be copied before the step was refused
            bad.put("step -5 for parameter 2", withStep(good, 2, -5));
            // group 0 is fine, group 1's beta is refused: group 0's hyperparameters used to be replaced already
            bad.put("beta must be a finite number > 0", withGroup(good, 1, h -> {
                h.put("beta", 0.0);
                return h;
            }));
            bad.put("initial_lr must be a finite number >= 0", withGroup(good, 1, h -> {
                h.put("initial_lr", Double.NaN);
                return h;
            }));
            Map<Integer, StateDict.ParamState> extra = new LinkedHashMap<>(good.state());
            extra.put(7, good.state().get(0));
            bad.put("a state for parameter 7", new StateDict(good.optimizer(), good.paramGroups(), extra));
            bad.put("state dict is for AdamW", new StateDict("AdamW", good.paramGroups(), good.state()));
            for (Map.Entry<String, StateDict> e : bad.entrySet()) {
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> target.loadStateDict(e.getValue()), e.getKey());
                assertTrue(ex.getMessage().contains(e.getKey()), ex.getMessage());
                assertThrows(IllegalArgumentException.class, () -> target.checkStateDict(e.getValue()));
                assertEquals(before, target.stateDict(), "unchanged after: " + e.getKey());
            }
            target.checkStateDict(good);
            assertEquals(before, target.stateDict(), "a check changes nothing");
            target.loadStateDict(good);
            assertEquals(good, target.stateDict());
        }
    }

    @Test
    void buffersRefuseNegativeAndOverflowingShapes() {
        MemorySegment six = MemorySegment.ofArray(new float[6]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StateDict.Buffer(DType.F32, new int[] {-2, -3}, six));
        assertTrue(e.getMessage().contains("[-2, -3] has a negative dimension"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new StateDict.Buffer(DType.F64,
                new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, six));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertEquals(6, new StateDict.Buffer(DType.F32, new int[] {2, 3}, six.asSlice(0, 24)).toDoubleArray().length);
    }

    @Test
    void rangesRefuseWhatOnlyDiverges() {
        HyperparameterRanges.check("initial_lr", 0.1);
        HyperparameterRanges.check("unknown", -1e300);
        for (Object[] bad : new Object[][] {{"initial_lr", 1e30}, {"beta", 1e9}, {"lr", Double.NaN},
            {"eps", -1.0}, {"momentum", Double.POSITIVE_INFINITY}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HyperparameterRanges.check((String) bad[0], (double) bad[1]));
            assertTrue(e.getMessage().startsWith(bad[0] + " is " + bad[1]), e.getMessage());
        }
    }
}
