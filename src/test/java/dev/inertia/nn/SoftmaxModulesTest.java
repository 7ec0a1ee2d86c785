package dev.inertia.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import org.junit.jupiter.api.Test;

/** Softmax and LogSoftmax layers: shapes, values by hand, no state. */
class SoftmaxModulesTest {
    @Test
    void valuesShapesAndNoState() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.constant(Tensor.of(scope, new double[] {0, Math.log(3), 5, 5}, 2, 2));
            Var p = new Softmax().forward(x);
            assertArrayEquals(new int[] {2, 2}, p.shape());
            assertArrayEquals(new double[] {0.25, 0.75, 0.5, 0.5}, p.value().toDoubleArray(), 1e-15);
            Var l = new LogSoftmax().forward(x);
            assertArrayEquals(new double[] {Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)},
                    l.value().toDoubleArray(), 1e-15);
            assertTrue(new Softmax().stateDict().isEmpty());
            assertEquals(0, new LogSoftmax().parameterCount());
            assertEquals("Softmax(dim=-1)", new Softmax().toString());
            assertEquals("LogSoftmax(dim=-1)", new LogSoftmax().toString());
        }
    }
}
