package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.Tensor;
import java.util.List;
import java.util.function.Consumer;

/** Modules applied in order, named {@code 0}, {@code 1}, ... as in {@code torch.nn.Sequential}. */
public final class Sequential extends Module {
    private final Module[] layers;

    public Sequential(Module... layers) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("Sequential needs at least one module");
        }
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) {
            registerChild(Integer.toString(i), layers[i]);
        }
    }

    public List<Module> layers() {
        return List.of(layers);
    }

    /**
     * Applies the layers in order. A {@link Linear} followed by a {@link ReLU} is recorded as one
     * op ({@link Linear#forwardRelu}): the same values and gradients, fewer passes over memory.
     */
    @Override
    public Var forward(Var x) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] instanceof Linear linear && i + 1 < layers.length && layers[i + 1] instanceof ReLU relu) {
                x = linear.forwardRelu(x, relu.kinks());
                i++;
            } else {
                x = layers[i].forward(x);
            }
        }
        return x;
    }

    /**
     * The forward pass, handing each layer's output value to {@code eachOutput} before the next
     * layer reads it (which may change it in place, e.g. round it to an emulated precision);
     * every layer is its own op here.
     */
    public Var forward(Var x, Consumer<Tensor> eachOutput) {
        for (Module m : layers) {
            x = m.forward(x);
            eachOutput.accept(x.value());
        }
        return x;
    }
}
