package dev.inertia.train;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Module;
import java.nio.file.Path;

/**
 * A model read by {@link ModelFile#load}: the rebuilt module with its weights, in evaluation
 * mode, and what the file says about its inputs and outputs. It owns the scope holding the
 * module's tensors: {@link #close()} frees them, after which using the module throws
 * {@link IllegalStateException}.
 */
public final class LoadedModel implements AutoCloseable {
    private final Path file;
    private final Scope scope;
    private final Module module;
    private final ModelInfo info;
    private final DType dtype;
    private final String architecture;

    LoadedModel(Path file, Scope scope, Module module, ModelInfo info, DType dtype, String architecture) {
        this.file = file;
        this.scope = scope;
        this.module = module;
        this.info = info;
        this.dtype = dtype;
        this.architecture = architecture;
    }

    /** The model, in evaluation mode (switch it with {@link Module#train()} to fine-tune it). */
    public Module module() {
        if (!scope.isOpen()) {
            throw new IllegalStateException("the model loaded from " + file + " was closed");
        }
        return module;
    }

    /** Task, class and feature names, input shape and preprocessing, as saved. */
    public ModelInfo info() {
        return info;
    }

    /** The dtype of the model's parameters (F32 or F64). */
    public DType dtype() {
        return dtype;
    }

    /** The architecture spec the module was built from (see {@link Architecture}). */
    public String architecture() {
        return architecture;
    }

    /** The file the model came from. */
    public Path file() {
        return file;
    }

    /** Frees the model's tensors; closing twice does nothing. */
    @Override
    public void close() {
        scope.close();
    }
}
