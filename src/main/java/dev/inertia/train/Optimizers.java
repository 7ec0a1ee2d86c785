package dev.inertia.train;

import dev.inertia.optim.AdamW;
import dev.inertia.optim.INNA;
import dev.inertia.optim.INNAprop;
import dev.inertia.optim.RMSprop;
import dev.inertia.optim.SGD;
import dev.inertia.optim.TensorOptimizer;
import java.util.List;
import java.util.Locale;

/**
 * The optimizers {@code inertia train} offers by name, at their builders' defaults except SGD,
 * which gets momentum 0.9 as in the PyTorch comparison ({@code lr=0.01, momentum=0.9}).
 */
public final class Optimizers {
    /** The names, in the order the command line lists them. */
    public static final List<String> NAMES = List.of("innaprop", "inna", "adamw", "sgd", "rmsprop");

    private Optimizers() {}

    /** The optimizer called {@code name} (case-insensitive); {@code lr} NaN keeps its default. */
    public static TensorOptimizer<?> create(String name, double lr) {
        TensorOptimizer<?> o = switch (name.toLowerCase(Locale.ROOT)) {
            case "innaprop" -> INNAprop.builder().build();
            case "inna" -> INNA.builder().build();
            case "adamw" -> AdamW.builder().build();
            case "sgd" -> SGD.builder().momentum(0.9).build();
            case "rmsprop" -> RMSprop.builder().build();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': expected one of "
                    + String.join(", ", NAMES));
        };
        if (!Double.isNaN(lr)) {
            o.setLr(lr);
        }
        return o;
    }
}
