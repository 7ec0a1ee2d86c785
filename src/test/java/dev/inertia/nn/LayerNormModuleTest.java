package dev.inertia.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The LayerNorm layer: PyTorch's names and initialization, values by hand, gradients into its parameters. */
class LayerNormModuleTest {
    @Test
    void namesInitializationAndDescription() {
        try (Scope scope = Scope.open()) {
            LayerNorm ln = new LayerNorm(scope, DType.F32, 3);
            assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
            assertArrayEquals(new float[] {1, 1, 1}, ln.weight().value().toFloatArray());
            assertArrayEquals(new float[] {0, 0, 0}, ln.bias().value().toFloatArray());
            assertEquals(6, ln.parameterCount());
            assertEquals("LayerNorm((3,), eps=1.0E-5)", ln.toString());
            Sequential net = new Sequential(new Linear(scope, DType.F32, 3, 3, new java.util.SplittableRandom(1)),
                    new LayerNorm(scope, DType.F32, 3, 1e-6));
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(net.stateDict().keySet()));
            assertThrows(IllegalArgumentException.class, () -> new LayerNorm(scope, DType.F32, 0));
        }
    }

    @Test
    void forwardByHandAndGradientsIntoParameters() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            LayerNorm ln = new LayerNorm(scope, DType.F64, 2, 1e-5);
            ln.weight().value().setDouble(1, 3);
            ln.bias().value().setDouble(0, 0.5);
            Var x = tape.constant(Tensor.of(scope, new double[] {1, 3, 10, 10}, 2, 2));
            Var y = ln.forward(x);
            double s = 1 / Math.sqrt(1 + 1e-5); // row 0: mean 2, variance 1
            assertArrayEquals(new double[] {-s + 0.5, 3 * s, 0.5, 0}, y.value().toDoubleArray(), 1e-15);
            tape.backward(y.sum());
            assertArrayEquals(new double[] {-s, s}, ln.weight().grad().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {2, 2}, ln.bias().grad().toDoubleArray(), 1e-15);
            ln.eval();
            tape.reset();
            assertArrayEquals(new double[] {-s + 0.5, 3 * s, 0.5, 0},
                    ln.forward(tape.constant(Tensor.of(scope, new double[] {1, 3, 10, 10}, 2, 2))).value()
                            .toDoubleArray(), 1e-15, "no running statistics: the same in evaluation mode");
            Var wrong = tape.constant(Tensor.of(scope, new double[3], 1, 3));
            assertThrows(IllegalArgumentException.class, () -> ln.forward(wrong));
        }
    }
}
