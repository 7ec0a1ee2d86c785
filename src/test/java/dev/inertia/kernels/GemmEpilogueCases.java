package dev.inertia.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** The epilogues the GEMM bit-equality tests cycle through, and their random bias vectors. */
final class GemmEpilogueCases {
    private GemmEpilogueCases() {
    }

    /** Case {@code combo} of six: none, column or row biases, each activation once. */
    static Epilogue epilogue(int combo, MemorySegment bias) {
        return switch (combo % 6) {
            case 0 -> Epilogue.NONE;
            case 1 -> Epilogue.NONE.withColumnBias(bias, 3).relu();
            case 2 -> Epilogue.NONE.withRowBias(bias, 1).leakyRelu(0.1);
            case 3 -> Epilogue.NONE.relu6();
            case 4 -> Epilogue.NONE.withColumnBias(bias, 0);
            default -> Epilogue.NONE.withRowBias(bias, 2).clamp(-0.4, 0.3);
        };
    }

    /** {@code count} values uniform in [-1, 1) from {@code seed}, as floats or doubles. */
    static MemorySegment bias(Arena arena, int count, boolean f64, long seed) {
        MemorySegment s = arena.allocate(8L * count, 64);
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            double v = r.nextDouble() * 2 - 1;
            if (f64) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            } else {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            }
        }
        return s;
    }
}
