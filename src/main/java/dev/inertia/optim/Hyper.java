package dev.inertia.optim;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Reads hyperparameters by name for {@link TensorOptimizer#withHyperparameters}, rejecting unknown names. */
final class Hyper {
    private final Map<String, Double> values;

    Hyper(String optimizer, Map<String, Double> values, Set<String> known) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(optimizer + " has no hyperparameter '" + k + "'; it has " + known);
            }
        }
        this.values = new HashMap<>(values);
    }

    double get(String name, double fallback) {
        Double v = values.get(name);
        return v == null ? fallback : v;
    }

    boolean flag(String name, boolean fallback) {
        Double v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException(name + " must be 0 or 1, got " + v);
        }
        return v == 1;
    }
}
