package dev.inertia.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The order in which an epoch visits the examples: a uniform random permutation that depends
 * only on the seed and the epoch number (Fisher-Yates driven by a {@link SplittableRandom}
 * seeded with both), so a run and its resumption see the same batches.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** Fills {@code order} with the permutation of {@code 0..order.length-1} for this seed and epoch. */
    public static void shuffled(long seed, int epoch, int[] order) {
        Objects.requireNonNull(order, "order");
        identity(order);
        SplittableRandom random = new SplittableRandom(epochSeed(seed, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Fills {@code order} with {@code 0, 1, 2, ...}. */
    public static void identity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /**
     * Folds the epoch into the seed: the SplitMix64 finalizer over the seed plus the epoch times
     * the golden-ratio increment, so neighbouring seeds and epochs give unrelated streams.
     */
    static long epochSeed(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
