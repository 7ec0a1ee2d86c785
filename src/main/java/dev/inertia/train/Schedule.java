package dev.inertia.train;

import dev.inertia.optim.LrSchedule;
import java.util.Objects;

/**
 * A learning-rate schedule over a whole run, which the {@link Trainer} turns into an
 * {@link LrSchedule} once it knows how many steps the run plans (epochs × batches per epoch;
 * a step limit stops the run early without shortening the schedule). The factor multiplies each
 * parameter group's initial learning rate before every step.
 */
@FunctionalInterface
public interface Schedule {
    /** The factors for a run of {@code totalSteps} optimizer steps. */
    LrSchedule over(long totalSteps);

    /** The learning rate as given. */
    static Schedule constant() {
        return total -> LrSchedule.constant();
    }

    /** Multiplied by {@code gamma} every {@code everySteps} steps (PyTorch's StepLR). */
    static Schedule step(long everySteps, double gamma) {
        LrSchedule s = LrSchedule.step(everySteps, gamma);
        return total -> s;
    }

    /** Down to 0 along half a cosine over the run. */
    static Schedule cosine() {
        return cosine(0, 0);
    }

    /**
     * A linear warm-up over {@code warmupSteps}, then down to {@code floor} times the initial
     * rate along half a cosine until the run's last step.
     */
    static Schedule cosine(long warmupSteps, double floor) {
        if (warmupSteps < 0 || !(floor >= 0) || floor > 1) {
            throw new IllegalArgumentException("cosine schedule needs warm-up steps >= 0 and a floor in [0, 1], got "
                    + warmupSteps + " and " + floor);
        }
        return total -> {
            if (total <= warmupSteps) {
                throw new IllegalArgumentException("cosine schedule: " + warmupSteps + " warm-up steps leave none of"
                        + " the run's " + total + " steps to decay over");
            }
            return LrSchedule.cosine(warmupSteps, total, floor);
        };
    }

    /** A fixed schedule whatever the run's length. */
    static Schedule of(LrSchedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        return total -> schedule;
    }
}
