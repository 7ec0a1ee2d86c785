package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.Scope;
import java.io.IOException;
import java.nio.file.Path;

/** safetensors files: every tensor that reads back must convert to a tensor or say why not. */
class SafeTensorsFuzzTest {
    @FuzzTest
    void safetensors(byte[] input) throws IOException {
        Path file = FuzzFiles.write("fuzz.safetensors", input);
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents contents = SafeTensors.read(file, scope);
            for (SafeTensors.Entry e : contents.tensors().values()) {
                e.elementCount();
            }
        } catch (IOException e) {
            FuzzFiles.requireDocumented(e, file);
        }
    }
}
