package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * In training mode, zeroes each element with probability {@code p} and scales the others by
 * {@code 1 / (1 - p)}; the identity in evaluation mode. The mask comes from a SplitMix64
 * generator seeded at construction whose whole state is one {@code long} ({@link #rngState()}),
 * so a checkpoint can save it and a resumed run draws the same masks.
 */
public final class Dropout extends Module {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Scope scope;
    private final double p;
    private long state;
    private MemorySegment mask;

    public Dropout(Scope scope, double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.scope = scope;
        this.p = p;
        this.state = seed;
    }

    /** The probability of zeroing an element in training mode. */
    public double p() {
        return p;
    }

    @Override
    public Var forward(Var x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        long bytes = x.size() * x.dtype().byteSize();
        if (mask == null || mask.byteSize() < bytes) {
            mask = scope.allocate(bytes);
        }
        Tensor m = Tensor.wrap(mask.asSlice(0, bytes), x.dtype(), x.shape());
        double keep = 1 / (1 - p);
        for (long i = 0; i < m.size(); i++) {
            m.setDouble(i, nextDouble() < p ? 0 : keep);
        }
        return x.mul(x.tape().constant(m));
    }

    private double nextDouble() {
        long z = (state += GOLDEN);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    /** The generator's state (restore it with {@link #setRngState} to repeat the masks from here). */
    public long rngState() {
        return state;
    }

    public void setRngState(long state) {
        this.state = state;
    }

    @Override
    protected String describe() {
        return "Dropout(p=" + p + ")";
    }
}
