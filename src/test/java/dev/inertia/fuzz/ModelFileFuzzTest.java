package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.train.LoadedModel;
import dev.inertia.train.ModelFile;
import java.io.IOException;
import java.nio.file.Path;

/** Model files as {@code inertia predict --model} and {@code eval} load them. */
class ModelFileFuzzTest {
    @FuzzTest
    void modelFile(byte[] input) throws IOException {
        Path file = FuzzFiles.write("fuzz-model.safetensors", input);
        try (LoadedModel model = ModelFile.load(file)) {
            model.info();
        } catch (IOException e) {
            FuzzFiles.requireDocumented(e, file);
        }
    }
}
