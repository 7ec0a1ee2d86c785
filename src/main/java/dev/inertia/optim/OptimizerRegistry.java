package dev.inertia.optim;

import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The optimizers by name: the one list the library, the command line ({@code --optimizer}) and the
 * benchmarks ({@code inertia bench step}) share, each name with one default configuration.
 *
 * <table>
 * <caption>Names and defaults</caption>
 * <tr><th>name</th><th>optimizer</th><th>default</th></tr>
 * <tr><td>{@code innaprop}</td><td>{@link INNAprop}</td><td>the builder's: lr 1e-3, alpha 0.1,
 *     beta 0.9, sigma 0.999, eps 1e-8, weight decay 0.01</td></tr>
 * <tr><td>{@code inna}</td><td>{@link INNA}</td><td>the builder's: lr 0.01, alpha 0.1, beta 0.1,
 *     weight decay 0</td></tr>
 * <tr><td>{@code adamw}</td><td>{@link AdamW}</td><td>the builder's: lr 1e-3, betas (0.9, 0.999),
 *     eps 1e-8, weight decay 0.01</td></tr>
 * <tr><td>{@code sgd}</td><td>{@link SGD}</td><td>lr 0.01, <b>momentum 0.9</b>, dampening 0, no
 *     Nesterov, weight decay 0</td></tr>
 * <tr><td>{@code rmsprop}</td><td>{@link RMSprop}</td><td>the builder's: lr 0.01, alpha 0.99,
 *     eps 1e-8, momentum 0, weight decay 0</td></tr>
 * </table>
 *
 * <p>{@code sgd} is SGD with momentum 0.9, not {@link SGD.Builder}'s plain SGD (momentum 0, as
 * PyTorch's): the PyTorch comparison trains with {@code lr=0.01, momentum=0.9}, and the command
 * line's training runs, their checkpoints (which store the momentum buffer) and the step
 * benchmarks' figures were all made with it. Build {@code SGD.builder().build()} for plain SGD.
 */
public final class OptimizerRegistry {
    /** The names, in the order the command line lists them. */
    public static final List<String> NAMES = List.of("innaprop", "inna", "adamw", "sgd", "rmsprop");

    /** The momentum of the {@code sgd} entry. */
    public static final double SGD_MOMENTUM = 0.9;

    private OptimizerRegistry() {}

    /**
     * A new optimizer called {@code name} (ignoring case) in its default configuration.
     *
     * @throws IllegalArgumentException naming the known names when {@code name} is not one
     */
    public static TensorOptimizer<?> create(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "innaprop" -> INNAprop.builder().build();
            case "inna" -> INNA.builder().build();
            case "adamw" -> AdamW.builder().build();
            case "sgd" -> SGD.builder().momentum(SGD_MOMENTUM).build();
            case "rmsprop" -> RMSprop.builder().build();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': expected one of "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * {@link #create(String)} with the learning rate {@code lr}; NaN keeps the default's.
     *
     * @throws IllegalArgumentException when the optimizer's builder refuses {@code lr} (negative;
     *         for INNA and INNAprop, not below beta)
     */
    public static TensorOptimizer<?> create(String name, double lr) {
        TensorOptimizer<?> o = create(name);
        return Double.isNaN(lr) ? o : o.withHyperparameters(Map.of("lr", lr)); // checked as the builder checks
    }
}
