package dev.inertia.cli;

import dev.inertia.train.LoadedModel;
import dev.inertia.train.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code predict} and {@code eval} share: their file flags and the predictor of a saved model. */
final class ModelCommands {
    private ModelCommands() {}

    /** The file flag {@code name}, which must be given and exist. */
    static Path requiredFile(Args args, String name) {
        if (!args.has(name)) {
            throw new UsageException(args.command() + " needs --" + name + " FILE");
        }
        Path file = Path.of(args.string(name, ""));
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--" + name + " " + file + ": no such file");
        }
        return file;
    }

    /** A predictor of {@code model} with its preprocessing and input layout. */
    static Predictor predictor(LoadedModel model) {
        return Predictor.builder(model.module()).info(model.info()).build();
    }
}
