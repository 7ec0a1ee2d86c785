package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tape's precision emulation: what it rounds, and that fp32 (or none) changes nothing. */
class TapePrecisionTest {
    private static final long SEED = 31;

    /** Every value of a small CNN-and-MLP computation, in recording order; the params first. */
    private static List<Var> model(Tape tape, Scope scope, boolean tangents) {
        Random r = new Random(SEED);
        List<Var> vars = new ArrayList<>();
        Var x = tape.constant(f32(scope, r, 3, 2, 6, 6));
        Var w = tape.param(f32(scope, r, 4, 2, 3, 3));
        Var b = tape.param(f32(scope, r, 4));
        Var w2 = tape.param(f32(scope, r, 5, 36));
        Var b2 = tape.param(f32(scope, r, 5));
        vars.addAll(List.of(w, b, w2, b2, x));
        Var h = x.conv2d(w, b, 1, 1);
        Var a = h.relu();
        Var p = a.maxPool2d(2);
        Var f = p.flatten();
        Var z = f.matmul(w2, false, true);
        Var zb = z.add(b2);
        Var t = zb.tanh().mul(zb);
        Var loss = t.softmaxCrossEntropy(new int[] {0, 3, 4});
        vars.addAll(List.of(h, a, p, f, z, zb, t, loss));
        if (tangents) {
            for (Var param : List.of(w, b, w2, b2)) {
                param.setTangent(f32(scope, r, param.shape()));
            }
            tape.computeTangents();
        } else {
            tape.backward(loss);
        }
        return vars;
    }

    private static Tensor f32(Scope scope, Random r, int... shape) {
        Tensor t = Tensor.zeros(scope, DType.F32, shape);
        for (long i = 0; i < t.size(); i++) {
            t.setDouble(i, r.nextGaussian());
        }
        return t;
    }

    private static boolean isHalf(float v) {
        return Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(v))) == Float.floatToRawIntBits(v);
    }

    private static boolean isBf16(float v) {
        return (Float.floatToRawIntBits(v) & 0xFFFF) == 0;
    }

    private static void assertAll(Tensor t, Precision p, String what) {
        assertNotNull(t, what);
        for (float v : t.toFloatArray()) {
            boolean ok = p == Precision.FP16 ? isHalf(v) : isBf16(v);
            assertTrue(ok, what + ": " + v + " is not a " + p + " value (seed " + SEED + ")");
        }
    }

    @Test
    void fp16AndBf16TapesHoldOnlyValuesOfTheirFormat() {
        for (Precision p : List.of(Precision.FP16, Precision.BF16)) {
            for (boolean tangents : new boolean[] {false, true}) {
                try (Scope scope = Scope.open(); Tape tape = new Tape()) {
                    tape.setPrecision(p);
                    assertEquals(p, tape.precision());
                    List<Var> vars = model(tape, scope, tangents);
                    for (Var v : vars) {
                        assertAll(v.value(), p, v.op() + " value");
                        if (tangents && v.requiresGrad()) {
                            assertAll(v.tangent(), p, v.op() + " tangent");
                        } else if (!tangents && v.requiresGrad()) {
                            assertAll(v.grad(), p, v.op() + " gradient");
                        }
                    }
                }
            }
        }
    }

    @Test
    void withoutEmulationTheValuesAreNotAllHalfValues() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            List<Var> vars = model(tape, scope, false);
            boolean allHalf = true;
            for (float v : vars.get(0).grad().toFloatArray()) {
                allHalf &= isHalf(v);
            }
            assertFalse(allHalf, "the fp16 test would prove nothing on these data (seed " + SEED + ")");
        }
    }

    @Test
    void fp32AndFp64OnF32ChangeNothingBitwise() {
        for (boolean tangents : new boolean[] {false, true}) {
            List<float[]> reference = run(null, tangents);
            for (Precision p : List.of(Precision.FP32, Precision.FP64)) {
                List<float[]> got = run(p, tangents);
                assertEquals(reference.size(), got.size());
                for (int i = 0; i < got.size(); i++) {
                    assertArrayEquals(reference.get(i), got.get(i), p + " array " + i + " (tangents " + tangents + ")");
                }
            }
        }
    }

    private static List<float[]> run(Precision p, boolean tangents) {
        List<float[]> out = new ArrayList<>();
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            tape.setPrecision(p);
            for (Var v : model(tape, scope, tangents)) {
                out.add(v.value().toFloatArray());
                Tensor d = tangents ? v.tangent() : v.grad();
                if (d != null) {
                    out.add(d.toFloatArray());
                }
            }
        }
        return out;
    }

    @Test
    void fp32OnF64RoundsToFloatValues() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            tape.setPrecision(Precision.FP32);
            Var x = tape.param(Tensor.of(scope, new double[] {0.1, 1.0 / 3, -2.7}, 3));
            Var y = x.mul(x).scale(1.0 / 7);
            tape.backward(y.sum());
            for (Tensor t : List.of(x.value(), y.value(), x.grad())) {
                for (double v : t.toDoubleArray()) {
                    assertEquals(v, (double) (float) v, "an F64 value under fp32 emulation: " + v);
                }
            }
        }
    }

    @Test
    void sixteenBitsOnF64IsRefused() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            tape.setPrecision(Precision.FP16);
            Tensor t = Tensor.of(scope, new double[] {1, 2}, 2);
            assertThrows(IllegalArgumentException.class, () -> tape.param(t));
        }
    }

    @Test
    void fp16OverflowGivesInfinityInForwardAndBackward() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            tape.setPrecision(Precision.FP16);
            Var x = tape.param(Tensor.of(scope, new float[] {300f, 1f}, 2));
            Var y = x.mul(x);
            assertEquals(Float.POSITIVE_INFINITY, y.value().getDouble(0), "300^2 = 90000 > 65504");
            assertEquals(1.0, y.value().getDouble(1));
            tape.backward(y.scale(200).sum());
            assertEquals(Float.POSITIVE_INFINITY, x.grad().getDouble(0));
            assertEquals(400.0, x.grad().getDouble(1));
        }
    }
}
