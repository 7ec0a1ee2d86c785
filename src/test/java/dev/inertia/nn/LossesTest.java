package dev.inertia.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import org.junit.jupiter.api.Test;

/** Losses delegates to the fused ops: values and gradients by hand. */
class LossesTest {
    @Test
    void regressionAndBinaryLosses() {
        try (Scope scope = Scope.open(); Tape tape = new Tape(Kinks.defaults().abs(0.5))) {
            Var p = tape.param(Tensor.of(scope, new double[] {1, 2, 4}, 3));
            Var t = tape.constant(Tensor.of(scope, new double[] {0, 2, 1}, 3));
            assertEquals(10 / 3.0, Losses.mse(p, t).value().getDouble(0), 1e-15);
            Var l1 = Losses.l1(p, t);
            assertEquals(4 / 3.0, l1.value().getDouble(0), 1e-15);
            tape.backward(l1);
            assertArrayEquals(new double[] {1 / 3.0, 0.5 / 3, 1 / 3.0}, p.grad().toDoubleArray(), 1e-15,
                    "abs'(0) of the tape's policy at the equal element");
            // r = 1, 0, 3 with delta 2: 0.5, 0, 2·(3 - 1)
            assertEquals((0.5 + 0 + 4) / 3, Losses.huber(p, t, 2).value().getDouble(0), 1e-15);
            Var zero = tape.constant(Tensor.of(scope, new double[] {0, 0, 0}, 3));
            Var half = tape.constant(Tensor.of(scope, new double[] {0.5, 0.5, 0.5}, 3));
            assertEquals(Math.log(2), Losses.bceWithLogits(zero, half).value().getDouble(0), 1e-15);
        }
    }
}
