package dev.inertia.cli;

import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Schedule;
import dev.inertia.train.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optimizer flags {@code train} (Fashion-MNIST and CSV) and the optimizer studies share:
 * {@code --alpha --beta --sigma --eps --weight-decay} set the optimizer's hyperparameters (by
 * their state-dict names, through {@link TensorOptimizer#withHyperparameters}), {@code
 * --warmup-steps --min-lr} shape the cosine schedule and {@code --clip-grad-norm} clips the
 * gradients. A flag the chosen optimizer or schedule has no use for is a usage error rather than
 * silently ignored, and so is what the optimizer's builder refuses (INNA and INNAprop need the
 * learning rate below beta).
 *
 * @param optimizer the optimizer's name in {@link OptimizerRegistry}
 * @param rule      the optimizer, its hyperparameters set
 * @param schedule  the learning-rate schedule
 * @param clipGradNorm the global gradient norm to clip to, 0 for none
 */
record OptimizerFlags(String optimizer, TensorOptimizer<?> rule, Schedule schedule, double clipGradNorm) {
    /** The valued flags this class reads, for {@link Args#parse}. */
    static final Set<String> FLAGS = Set.of("alpha", "beta", "sigma", "eps", "weight-decay", "warmup-steps", "min-lr",
            "clip-grad-norm");

    /** Which optimizers each hyperparameter flag applies to; weight decay applies to all. */
    private static final Map<String, List<String>> APPLIES_TO = Map.of(
            "alpha", List.of("innaprop", "inna"),
            "beta", List.of("innaprop", "inna"),
            "sigma", List.of("innaprop"),
            "eps", List.of("innaprop", "adamw", "rmsprop"));

    /** The flag's state-dict name: the hyperparameter {@link TensorOptimizer#hyperparameters()} calls it. */
    private static final Map<String, String> STATE_NAMES = Map.of("alpha", "alpha", "beta", "beta", "sigma", "sigma",
            "eps", "eps", "weight-decay", "weight_decay");

    /**
     * Reads the flags for {@code optimizer} at learning rate {@code lr} (NaN: the optimizer's
     * default) under the schedule called {@code schedule} ({@code cosine} or {@code constant}).
     *
     * @throws UsageException for a flag that does not apply, or values the optimizer refuses
     */
    static OptimizerFlags parse(Args args, String optimizer, double lr, String schedule) {
        return parse(args, optimizer, lr, schedule, Map.of());
    }

    /**
     * As {@link #parse(Args, String, double, String)} with {@code overrides} (state-dict names)
     * set after the flags: the studies' per-configuration alpha and beta.
     */
    static OptimizerFlags parse(Args args, String optimizer, double lr, String schedule,
            Map<String, Double> overrides) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String flag : List.of("alpha", "beta", "sigma", "eps", "weight-decay")) {
            if (!args.has(flag)) {
                continue;
            }
            List<String> users = APPLIES_TO.get(flag);
            if (users != null && !users.contains(optimizer)) {
                throw new UsageException("--" + flag + " does not apply to " + optimizer + "; it sets "
                        + String.join(" and ", users) + "'s " + STATE_NAMES.get(flag));
            }
            values.put(STATE_NAMES.get(flag), args.number(flag, 0));
        }
        values.putAll(overrides);
        TensorOptimizer<?> rule;
        try {
            rule = OptimizerRegistry.create(optimizer);
            if (!Double.isNaN(lr)) {
                values.put("lr", lr);
            }
            if (!values.isEmpty()) {
                rule = rule.withHyperparameters(values);
            }
        } catch (IllegalArgumentException e) { // out of range, or lr >= beta for INNA and INNAprop
            throw new UsageException(e.getMessage());
        }
        boolean cosine = schedule.equals("cosine");
        for (String flag : List.of("warmup-steps", "min-lr")) {
            if (args.has(flag) && !cosine) {
                throw new UsageException("--" + flag + " shapes the cosine schedule; it does not apply to --schedule "
                        + schedule);
            }
        }
        long warmup = args.has("warmup-steps") ? args.longInteger("warmup-steps", 0) : 0;
        if (warmup < 0) {
            throw new UsageException("--warmup-steps must be >= 0, got " + warmup);
        }
        double floor = 0;
        if (args.has("min-lr")) {
            double minLr = args.number("min-lr", 0);
            if (!(minLr >= 0) || minLr > rule.lr()) {
                throw new UsageException("--min-lr must be in [0, the learning rate " + rule.lr() + "], got " + minLr);
            }
            floor = rule.lr() > 0 ? minLr / rule.lr() : 0;
        }
        double clip = args.has("clip-grad-norm") ? args.number("clip-grad-norm", 0) : 0;
        if (!(clip >= 0) || !Double.isFinite(clip)) {
            throw new UsageException("--clip-grad-norm must be a finite norm >= 0 (0: off), got " + clip);
        }
        return new OptimizerFlags(optimizer, rule, cosine ? Schedule.cosine(warmup, floor) : Schedule.constant(),
                clip);
    }

    /** Sets the optimizer, the schedule and the clipping on a trainer's builder. */
    Trainer.Builder apply(Trainer.Builder builder) {
        return builder.optimizer(rule).schedule(schedule).clipGradNorm(clipGradNorm);
    }
}
