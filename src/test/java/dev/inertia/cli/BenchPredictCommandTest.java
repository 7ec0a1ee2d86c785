package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.FeatureTransform;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.train.ModelFile;
import dev.inertia.train.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPredictCommandTest extends CommandHarness {
    @TempDir
    Path dir;

    /** The JSON line of a successful run: one line, the model, batch and threads echoed, sane figures. */
    private String oneLine(String model, int batch, int threads) {
        String line = stdout().strip();
        assertTrue(line.startsWith("{") && line.endsWith("}") && line.lines().count() == 1, line);
        assertTrue(line.contains("\"bench\": \"predict\"") && line.contains("\"model\": \"" + model + "\""), line);
        assertEquals(batch, field(line, "batch"), line);
        assertEquals(threads, field(line, "threads"), line);
        double p50 = field(line, "latency_ms_p50"), p99 = field(line, "latency_ms_p99");
        assertTrue(p50 > 0 && p99 >= p50, line);
        assertTrue(field(line, "samples_per_s") > 0, line);
        return line;
    }

    @Test
    void timesTheBuiltInModelsAtTheirShapes() {
        assertEquals(0, run("bench", "predict", "--model", "mlp", "--batch", "3", "--threads", "2", "--iterations",
                "4", "--warmup", "1", "--warmup-ms", "0", "--json"), stderr());
        String line = oneLine("mlp", 3, 2);
        assertEquals(4, field(line, "iterations"));
        assertEquals(1, field(line, "warmup_calls"));
        assertEquals(0, run("bench", "predict", "--model", "cnn", "--batch", "2", "--threads", "1", "--iterations",
                "2", "--warmup", "0", "--warmup-ms", "0", "--json"), stderr());
        oneLine("cnn", 2, 1);
        assertEquals(0, run("bench", "predict", "--model", "mlp", "--iterations", "2", "--threads", "1", "--warmup-ms",
                "0"), stderr());
        assertTrue(stdout().startsWith("predict mlp, batch 1, 1 thread(s): latency p50 "), stdout());
    }

    @Test
    void timesASavedModel() throws IOException {
        Path file = dir.resolve("small.model");
        try (Scope scope = Scope.open()) {
            ModelFile.save(file, Models.mlp(scope, DType.F32, 6, new int[] {5}, 3, "relu", 4),
                    ModelInfo.classification(List.of("a", "b", "c"), new int[] {6}, FeatureTransform.IDENTITY));
        }
        assertEquals(0, run("bench", "predict", "--model-file", file.toString(), "--batch", "7", "--threads", "1",
                "--iterations", "3", "--warmup-ms", "1", "--json"), stderr());
        oneLine("small.model", 7, 1);
    }

    @Test
    void helpNamesTheFlagsAndTheFields() {
        assertEquals(0, run("bench", "predict", "--help"));
        assertTrue(stdout().contains("inertia bench predict --model mlp|cnn | --model-file FILE"), stdout());
        assertTrue(stdout().contains("latency_ms_p50, latency_ms_p99, samples_per_s"), stdout());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[][] bad = {
            {"bench", "predict"},
            {"bench", "predict", "--model", "mlp", "--model-file", "x.model"},
            {"bench", "predict", "--model", "resnet"},
            {"bench", "predict", "--model", "mlp", "--batch", "0"},
            {"bench", "predict", "--model", "mlp", "--warmup", "-1"},
            {"bench", "predict", "--model", "mlp", "--warmup-ms", "-1"},
            {"bench", "predict", "--model", "cnn", "--batch", "2000000000"},
            {"bench", "predict", "--model-file", dir.resolve("missing.model").toString()},
            {"bench", "predict", "--model", "mlp", "--frobnicate"},
        };
        for (String[] argv : bad) {
            assertEquals(2, run(argv), String.join(" ", argv));
            String message = stderr().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("inertia: "), message);
        }
    }
}
