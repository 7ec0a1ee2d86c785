package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.data.Idx;
import dev.inertia.data.IdxFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;

class IdxFuzzTest {
    @FuzzTest(maxExecutions = 20000)
    void idx(byte[] input) throws IOException {
        try {
            Idx.read(new ByteArrayInputStream(input), "fuzz.idx", 3);
        } catch (IdxFormatException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("fuzz.idx: ")) {
                throw new AssertionError("message does not name the file: " + e.getMessage(), e);
            }
        }
    }
}
