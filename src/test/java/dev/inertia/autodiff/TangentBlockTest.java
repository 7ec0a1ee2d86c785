package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * k-direction forward mode: the block sweep's row j is, to the last bit in F64, the single
 * tangent sweep along direction j, for elementwise ops, reductions, matmul (both layouts), the
 * fused linear layer, convolution, pooling and a small mlp and cnn; and its declared cost.
 */
class TangentBlockTest {
    private static final long SEED = 20260312;

    /** Programs of one input, with the input's shape. */
    private static Map<String, Program> programs(Scope scope, Random r) {
        Tensor w1 = Tensor.of(scope, GradCheck.random(r, 6 * 5, 0.5, 0), 6, 5);
        Tensor b1 = Tensor.of(scope, GradCheck.random(r, 6, 0.5, 0), 6);
        Tensor w2 = Tensor.of(scope, GradCheck.random(r, 3 * 6, 0.5, 0), 3, 6);
        Tensor m = Tensor.of(scope, GradCheck.random(r, 5 * 7, 0.5, 0), 5, 7);
        Tensor kc = Tensor.of(scope, GradCheck.random(r, 4 * 2 * 3 * 3, 0.5, 0), 4, 2, 3, 3);
        Tensor bc = Tensor.of(scope, GradCheck.random(r, 4, 0.5, 0), 4);
        Tensor wf = Tensor.of(scope, GradCheck.random(r, 3 * 4 * 3 * 3, 0.3, 0), 3, 4 * 3 * 3);
        return Map.of(
                "elementwise", new Program(new int[] {4, 5},
                        x -> x.tanh().mul(x).add(x.sigmoid()).relu().leakyRelu(0.1).abs().exp().sum()),
                "matmul", new Program(new int[] {4, 5}, x -> x.matmul(x.tape().constant(m)).max(1).sum()),
                "matmulTransposed", new Program(new int[] {5, 4},
                        x -> x.matmul(x.tape().constant(m), true, false).softmax()),
                "matmulBothSides", new Program(new int[] {5, 5}, x -> x.matmul(x).matmul(x, true, false)),
                "mlp", new Program(new int[] {4, 5}, x -> {
                    Tape t = x.tape();
                    Var h = x.linearRelu(t.constant(w1), t.constant(b1));
                    return h.linear(t.constant(w2), null).softmaxCrossEntropy(new int[] {0, 2, 1, 1});
                }),
                "cnn", new Program(new int[] {3, 2, 6, 6}, x -> {
                    Tape t = x.tape();
                    Var h = x.conv2d(t.constant(kc), t.constant(bc), 1, 1).relu().maxPool2d(2);
                    return h.flatten().linear(t.constant(wf), null).logSoftmax();
                }),
                "strided conv and pools", new Program(new int[] {2, 2, 7, 7},
                        x -> x.conv2d(x.tape().constant(kc), null, 2, 0).avgPool2d(2).add(x.max()).hardtanh()));
    }

    private record Program(int[] shape, Function<Var, Var> f) {}

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void blockRowsEqualSingleSweepsBitForBit(int k) {
        try (Scope scope = Scope.open()) {
            Random r = new Random(SEED + k);
            for (var e : programs(scope, r).entrySet()) {
                int[] shape = e.getValue().shape();
                int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                Tensor x = Tensor.of(scope, GradCheck.random(r, size, 1, 0), shape);
                int[] blockShape = new int[shape.length + 1];
                blockShape[0] = k;
                System.arraycopy(shape, 0, blockShape, 1, shape.length);
                Tensor dirs = Tensor.of(scope, GradCheck.random(r, k * size, 1, 0), blockShape);
                Tensor block = AD.jvps(e.getValue().f(), x, dirs, Kinks.defaults());
                for (int j = 0; j < k; j++) {
                    Tensor d = Tensor.of(scope, Arrays.copyOfRange(dirs.toDoubleArray(), j * size, (j + 1) * size),
                            shape);
                    double[] single = AD.jvp(e.getValue().f(), x, d, Kinks.defaults()).toDoubleArray();
                    double[] row = Arrays.copyOfRange(block.toDoubleArray(), j * single.length,
                            (j + 1) * single.length);
                    assertArrayEquals(single, row, 0, e.getKey() + ", direction " + j + " of " + k + ", seed " + SEED);
                }
            }
        }
    }

    @Test
    void paramsWithTangentBlocksOnWeightsAndInputs() {
        try (Scope scope = Scope.open()) {
            Random r = new Random(SEED);
            int k = 4;
            Tensor x = Tensor.of(scope, GradCheck.random(r, 3 * 5, 1, 0), 3, 5);
            Tensor w = Tensor.of(scope, GradCheck.random(r, 2 * 5, 1, 0), 2, 5);
            Tensor b = Tensor.of(scope, GradCheck.random(r, 2, 1, 0), 2);
            Tensor tx = Tensor.of(scope, GradCheck.random(r, k * 15, 1, 0), k, 3, 5);
            Tensor tw = Tensor.of(scope, GradCheck.random(r, k * 10, 1, 0), k, 2, 5);
            Tensor tb = Tensor.of(scope, GradCheck.random(r, k * 2, 1, 0), k, 2);
            double[] block;
            try (Tape tape = new Tape()) {
                Var y = tape.param(x).setTangents(tx).linearRelu(tape.param(w).setTangents(tw),
                        tape.param(b).setTangents(tb));
                tape.computeTangentBlocks();
                block = y.tangents().toDoubleArray();
            }
            for (int j = 0; j < k; j++) {
                try (Tape tape = new Tape()) {
                    Var xv = tape.param(x).setTangent(row(scope, tx, j, 3, 5));
                    Var y = xv.linearRelu(tape.param(w).setTangent(row(scope, tw, j, 2, 5)),
                            tape.param(b).setTangent(row(scope, tb, j, 2)));
                    tape.computeTangents();
                    assertArrayEquals(y.tangent().toDoubleArray(), Arrays.copyOfRange(block, j * 6, j * 6 + 6), 0,
                            "direction " + j + ", seed " + SEED);
                }
            }
        }
    }

    private static Tensor row(Scope scope, Tensor block, int j, int... shape) {
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return Tensor.of(scope, Arrays.copyOfRange(block.toDoubleArray(), j * size, (j + 1) * size), shape);
    }

    @Test
    void blocksOfDifferentLengthsOrNoneAreRefused() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var a = tape.param(Tensor.zeros(scope, dev.inertia.memory.DType.F64, 2));
            assertThrows(IllegalArgumentException.class,
                    () -> a.setTangents(Tensor.zeros(scope, dev.inertia.memory.DType.F64, 3, 3)));
            Var b = tape.param(Tensor.zeros(scope, dev.inertia.memory.DType.F64, 2));
            a.add(b);
            assertThrows(IllegalStateException.class, tape::computeTangentBlocks);
            a.setTangents(Tensor.zeros(scope, dev.inertia.memory.DType.F64, 3, 2));
            b.setTangents(Tensor.zeros(scope, dev.inertia.memory.DType.F64, 2, 2));
            assertThrows(IllegalArgumentException.class, tape::computeTangentBlocks);
        }
    }

    @Test
    void declaredCostOfKDirections() {
        try (Scope scope = Scope.open()) {
            Random r = new Random(SEED);
            Tensor w = Tensor.of(scope, GradCheck.random(r, 6 * 5, 1, 0), 6, 5);
            Function<Var, Var> f = x -> x.linearRelu(x.tape().constant(w), null).sum();
            Cost c = AD.cost(f, Tensor.of(scope, GradCheck.random(r, 4 * 5, 1, 0), 4, 5), Kinks.defaults());
            for (long k : new long[] {1, 2, 7, 64}) {
                assertEquals(k * c.jvpOps(), c.jvpOps(k));
                assertEquals(c.forwardOps() + k * c.jvpOps(), c.blockJvpOps(k));
                assertEquals(k * (c.forwardOps() + c.jvpOps()), c.separateJvpsOps(k));
                assertEquals((k - 1) * c.forwardOps(), c.separateJvpsOps(k) - c.blockJvpOps(k),
                        "one evaluation instead of k");
            }
        }
    }
}
