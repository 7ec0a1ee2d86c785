package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.data.Dataset;
import dev.inertia.memory.Tensor;
import java.util.ArrayList;
import java.util.List;

/** A trained model's bits (every state tensor, then the test loss), for tests that compare whole runs exactly. */
final class TrainedBits {
    private TrainedBits() {
    }

    static List<long[]> of(Trainer t, Dataset test) {
        List<long[]> bits = new ArrayList<>();
        for (Tensor v : t.model().stateDict().values()) {
            float[] f = v.toFloatArray();
            long[] b = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                b[i] = Float.floatToRawIntBits(f[i]);
            }
            bits.add(b);
        }
        bits.add(new long[] {Double.doubleToRawLongBits(t.evaluate(test).get("loss"))});
        return bits;
    }

    static void assertSame(List<long[]> expected, List<long[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": tensor " + i + " differs");
        }
    }
}
