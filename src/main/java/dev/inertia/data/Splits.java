package dev.inertia.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded train / validation / test splits of a data set.
 *
 * <p><b>Classification</b> splits are stratified: each class is shuffled on its own and split in
 * the requested proportions, so every split has about the class balance of the whole. A class of
 * {@code n} examples sends {@code round(n * testFraction)} to test and
 * {@code round(n * validationFraction)} to validation (rounding half up, validation capped by
 * what test left), and keeps the rest for training. Rounding per class makes a split's total
 * differ from {@code size * fraction} by at most half an example per class.
 *
 * <p><b>Classes with very few examples:</b> rounding keeps a class entirely in training when its
 * share of a split is under half an example (a class of 1 with a test fraction of 0.2, or of 2
 * with 0.2), so the other splits simply lack it. A class whose examples all leave training (1
 * example and a fraction of 0.5 or more) is an error naming the class: a model cannot learn a
 * class it never sees, and its test examples would be scored against an untrained output.
 *
 * <p><b>Regression</b> splits shuffle all examples and cut {@code round(size * fraction)} for
 * test, then for validation.
 *
 * <p>The same data, fractions and seed give the same splits (a {@link SplittableRandom} drives
 * Fisher-Yates shuffles); each split lists its examples in the data set's order.
 */
public final class Splits {
    private Splits() {
    }

    /**
     * The three splits; each a {@link Subset} named like {@code "digits.csv (train split)"}. A
     * split whose fraction is 0 is empty (size 0), never null.
     */
    public record Result(Dataset train, Dataset validation, Dataset test) {
        public Result {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(validation, "validation");
            Objects.requireNonNull(test, "test");
        }

        /** Whether there is a validation split (its fraction was above 0). */
        public boolean hasValidation() {
            return validation.size() > 0;
        }

        /** Whether there is a test split (its fraction was above 0). */
        public boolean hasTest() {
            return test.size() > 0;
        }
    }

    /**
     * Splits {@code data} into train, validation and test, stratified by class for
     * classification, shuffled by {@code seed}. Fractions lie in {@code [0, 1)} and sum to less
     * than 1; a split with a positive fraction that would be empty is an error, as is a class
     * left out of training.
     */
    public static Result split(Dataset data, double validationFraction, double testFraction, long seed) {
        Objects.requireNonNull(data, "data");
        checkFraction("validation", validationFraction);
        checkFraction("test", testFraction);
        if (validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation fraction " + validationFraction + " and test fraction "
                    + testFraction + " sum to " + (validationFraction + testFraction)
                    + ": nothing would be left for training");
        }
        int n = data.size();
        SplittableRandom random = new SplittableRandom(seed);
        // which split each example goes to: 0 train, 1 validation, 2 test
        byte[] part = new byte[n];
        if (data.isClassification()) {
            int classes = data.classes();
            int[][] members = members(data);
            for (int c = 0; c < classes; c++) {
                int[] m = members[c];
                shuffle(m, random);
                int test = share(m.length, testFraction, m.length);
                int validation = share(m.length, validationFraction, m.length - test);
                if (m.length > 0 && test + validation == m.length) {
                    throw new IllegalArgumentException(data.name() + ": class '" + data.classNames().get(c) + "' has "
                            + plural(m.length, "example") + ", and the split puts "
                            + (m.length == 1 ? "it" : "them all") + " in " + where(test, validation)
                            + ", none in training; collect more examples of it, lower the fractions, or drop it");
                }
                assign(part, m, test, validation);
            }
        } else {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            shuffle(all, random);
            int test = share(n, testFraction, n);
            assign(part, all, test, share(n, validationFraction, n - test));
        }
        Dataset train = subset(data, part, 0, "train split");
        Dataset validation = subset(data, part, 1, "validation split");
        Dataset test = subset(data, part, 2, "test split");
        requireNonEmpty(data, "validation", validationFraction, validation);
        requireNonEmpty(data, "test", testFraction, test);
        if (train.size() == 0) {
            throw new IllegalArgumentException(data.name() + " has " + plural(n, "example")
                    + ": the split leaves none for training");
        }
        return new Result(train, validation, test);
    }

    private static void checkFraction(String what, double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException(what + " fraction must lie in [0, 1), not " + fraction);
        }
    }

    /** {@code round(n * fraction)} rounding half up, at most {@code cap}. */
    private static int share(int n, double fraction, int cap) {
        return (int) Math.min(cap, Math.floor(n * fraction + 0.5));
    }

    private static int[][] members(Dataset data) {
        int[] counts = new int[data.classes()];
        for (int i = 0; i < data.size(); i++) {
            counts[data.label(i)]++;
        }
        int[][] members = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            members[c] = new int[counts[c]];
        }
        int[] filled = new int[counts.length];
        for (int i = 0; i < data.size(); i++) {
            int c = data.label(i);
            members[c][filled[c]++] = i;
        }
        return members;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The first {@code test} of the shuffled indices go to test, the next {@code validation} to validation. */
    private static void assign(byte[] part, int[] shuffled, int test, int validation) {
        for (int k = 0; k < test; k++) {
            part[shuffled[k]] = 2;
        }
        for (int k = test; k < test + validation; k++) {
            part[shuffled[k]] = 1;
        }
    }

    private static Dataset subset(Dataset data, byte[] part, int which, String name) {
        int count = 0;
        for (byte p : part) {
            count += p == which ? 1 : 0;
        }
        int[] indices = new int[count];
        int k = 0;
        for (int i = 0; i < part.length; i++) {
            if (part[i] == which) {
                indices[k++] = i;
            }
        }
        return Subset.of(data, indices, name);
    }

    private static void requireNonEmpty(Dataset data, String what, double fraction, Dataset split) {
        if (fraction > 0 && split.size() == 0) {
            throw new IllegalArgumentException(what + " fraction " + fraction + " of the " + plural(data.size(),
                    "example") + " of " + data.name() + " selects none: raise the fraction or set it to 0");
        }
    }

    private static String where(int test, int validation) {
        return test > 0 && validation > 0 ? "the test and validation splits"
                : test > 0 ? "the test split" : "the validation split";
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
