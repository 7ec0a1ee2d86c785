package dev.inertia.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Residual: x + body(x), the body's state under "body.", gradients through both paths. */
class ResidualTest {
    @Test
    void stateDictNamesNestUnderBody() {
        try (Scope scope = Scope.open()) {
            Residual r = new Residual(new Sequential(new Linear(scope, DType.F32, 4, 4, new SplittableRandom(1)),
                    new ReLU(), new LayerNorm(scope, DType.F32, 4)));
            assertEquals(List.of("body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias"),
                    List.copyOf(r.stateDict().keySet()));
            Sequential net = new Sequential(new Linear(scope, DType.F32, 2, 4, new SplittableRandom(2)), r);
            assertTrue(net.stateDict().containsKey("1.body.0.weight"), net.stateDict().keySet().toString());
            assertTrue(r.toString().startsWith("Residual(\n  (body): Sequential("), r.toString());
            assertEquals(List.of("", "body", "body.0", "body.1", "body.2"), List.copyOf(r.namedModules().keySet()));
        }
    }

    @Test
    void forwardAddsTheInputAndGradientsFlowThroughBothPaths() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Linear lin = new Linear(scope, DType.F64, 2, 2, new SplittableRandom(3));
            double[] w = {1, 2, 3, 4}, b = {0.5, -0.5};
            lin.weight().value().copyFrom(Tensor.of(scope, w, 2, 2));
            lin.bias().value().copyFrom(Tensor.of(scope, b, 2));
            Residual r = new Residual(lin);
            Var x = tape.param(Tensor.of(scope, new double[] {1, -1}, 1, 2));
            Var y = r.forward(x);
            // x + x·Wᵀ + b = (1, -1) + (1 - 2, 3 - 4) + (0.5, -0.5)
            assertArrayEquals(new double[] {0.5, -2.5}, y.value().toDoubleArray(), 1e-15);
            tape.backward(y.sum());
            // d/dx sum(x + x Wᵀ + b) = 1 + column sums of W
            assertArrayEquals(new double[] {1 + 1 + 3, 1 + 2 + 4}, x.grad().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {1, -1, 1, -1}, lin.weight().grad().toDoubleArray(), 1e-15);
        }
    }

    @Test
    void aBodyThatChangesTheShapeIsRefused() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Residual r = new Residual(new Linear(scope, DType.F64, 2, 3, new SplittableRandom(4)));
            Var x = tape.constant(Tensor.of(scope, new double[] {1, 2}, 1, 2));
            assertThrows(IllegalArgumentException.class, () -> r.forward(x));
            assertThrows(NullPointerException.class, () -> new Residual(null));
        }
    }
}
