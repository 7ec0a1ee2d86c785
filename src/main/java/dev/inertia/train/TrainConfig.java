package dev.inertia.train;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Precision;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link Trainer} run does.
 *
 * @param model        the model's name, kept in checkpoints (a resumed run must use the same)
 * @param imageInput   whether the model takes {@code [N, 1, rows, cols]} images, else flat rows
 * @param epochs       epochs to train (counting those a resumed checkpoint already did)
 * @param batch        training batch size (evaluation uses the same)
 * @param optimizer    innaprop, inna, adamw, sgd or rmsprop ({@link dev.inertia.optim.OptimizerRegistry})
 * @param lr           the learning rate, or NaN for the optimizer's default
 * @param relu0        ReLU'(0) used by the backward pass
 * @param seed         seeds the shuffling (the model's initialization is its builder's)
 * @param maxSteps     stop after this many optimizer steps in all (0: no limit)
 * @param dtype        the parameters' and activations' dtype, F32 or F64
 * @param precision    the precision's name for reports, like {@code fp32}
 * @param rounding     applied to every layer output and, after each step, to every parameter
 *                     (a coarse emulation: gradients are not rounded), or null
 * @param checkpoint   where to write checkpoints (after each epoch, at the end, on interrupt), or null
 * @param resume       a checkpoint to continue from, or null
 * @param emulation    a precision the tapes emulate op by op ({@code Tape#setPrecision}: every
 *                     value and gradient rounded), parameters rounded after each step too, or
 *                     null; not together with {@code rounding}
 * @param lossScaling  scales the loss before the reverse sweep and unscales the gradients before
 *                     the step (fp16 training), or null
 * @param schedule     the learning rate's schedule, {@code constant} or {@code cosine} (from the
 *                     learning rate down to 0 along half a cosine over the planned steps,
 *                     {@code epochs} × batches per epoch, whatever {@code maxSteps} says)
 * @param poolTies     how max-pool windows split their gradient at a tie ({@link Kinks#maxPool(Kinks.Ties)}),
 *                     as {@code relu0} is ReLU'(0): the rest of the policy is {@link Kinks#defaults()}
 */
public record TrainConfig(String model, boolean imageInput, int epochs, int batch, String optimizer, double lr,
        double relu0, long seed, long maxSteps, DType dtype, String precision, Consumer<Tensor> rounding,
        Path checkpoint, Path resume, Precision emulation, LossScaling lossScaling, String schedule,
        Kinks.Ties poolTies) {
    /** The schedules {@link Trainer} knows, the command line's default first. */
    public static final List<String> SCHEDULES = List.of("cosine", "constant");

    /** With max-pool ties to the first index ({@link Kinks.Ties#FIRST}, the default policy's). */
    public TrainConfig(String model, boolean imageInput, int epochs, int batch, String optimizer, double lr,
            double relu0, long seed, long maxSteps, DType dtype, String precision, Consumer<Tensor> rounding,
            Path checkpoint, Path resume, Precision emulation, LossScaling lossScaling, String schedule) {
        this(model, imageInput, epochs, batch, optimizer, lr, relu0, seed, maxSteps, dtype, precision, rounding,
                checkpoint, resume, emulation, lossScaling, schedule, Kinks.Ties.FIRST);
    }

    /** With a constant learning rate. */
    public TrainConfig(String model, boolean imageInput, int epochs, int batch, String optimizer, double lr,
            double relu0, long seed, long maxSteps, DType dtype, String precision, Consumer<Tensor> rounding,
            Path checkpoint, Path resume, Precision emulation, LossScaling lossScaling) {
        this(model, imageInput, epochs, batch, optimizer, lr, relu0, seed, maxSteps, dtype, precision, rounding,
                checkpoint, resume, emulation, lossScaling, "constant");
    }

    /** Without op-by-op emulation and loss scaling, with a constant learning rate. */
    public TrainConfig(String model, boolean imageInput, int epochs, int batch, String optimizer, double lr,
            double relu0, long seed, long maxSteps, DType dtype, String precision, Consumer<Tensor> rounding,
            Path checkpoint, Path resume) {
        this(model, imageInput, epochs, batch, optimizer, lr, relu0, seed, maxSteps, dtype, precision, rounding,
                checkpoint, resume, null, null, "constant");
    }

    public TrainConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(poolTies, "poolTies");
        if (!SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException("unknown learning-rate schedule " + schedule + ", expected one of "
                    + SCHEDULES);
        }
        if (epochs < 1 || batch < 1 || maxSteps < 0) {
            throw new IllegalArgumentException("epochs and batch must be >= 1 and max steps >= 0, got " + epochs + ", "
                    + batch + ", " + maxSteps);
        }
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("training computes in F32 or F64, not " + dtype);
        }
        if (!Double.isFinite(relu0)) {
            throw new IllegalArgumentException("ReLU'(0) must be finite, got " + relu0);
        }
        if (emulation != null && rounding != null) {
            throw new IllegalArgumentException("either op-by-op emulation or layer-output rounding, not both");
        }
        if (emulation != null && emulation.storage() != dtype) {
            throw new IllegalArgumentException(emulation + " is emulated on " + emulation.storage() + " tensors, the"
                    + " configuration says " + dtype);
        }
        if (!Double.isNaN(lr) && !(lr >= 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
    }

    /** Whether the run stops after a number of steps. */
    public boolean limitsSteps() {
        return maxSteps > 0;
    }
}
