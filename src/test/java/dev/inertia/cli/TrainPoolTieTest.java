package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.train.TinyData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inertia train --pool-tie}: parsed for the cnn, refused with one line otherwise. */
class TrainPoolTieTest extends CommandHarness {
    @TempDir
    Path tmp;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = TinyData.writeDataDir(tmp.resolve("data"), 16, 8);
    }

    private String[] train(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--batch", "4", "--threads",
                "1", "--max-steps", "2", "--optimizer", "sgd", "--json"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void everyFormTrainsTheCnn() {
        List<Double> losses = new ArrayList<>();
        for (String tie : List.of("first", "uniform", "beta:10000", "beta:-3")) {
            assertEquals(0, run(train("--model", "cnn", "--pool-tie", tie)), tie + ": " + stderr());
            losses.add(field(stdout(), "train_loss"));
        }
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
    }

    @Test
    void refusedWithOneLine() {
        for (String[] bad : new String[][] {{"--pool-tie", "uniform"}, {"--model", "mlp", "--pool-tie", "first"},
            {"--model", "cnn", "--pool-tie", "beta:NaN"}, {"--model", "cnn", "--pool-tie", "beta:inf"},
            {"--model", "cnn", "--pool-tie", "last"}}) {
            assertEquals(2, run(train(bad)), String.join(" ", bad) + ": " + stderr());
            assertEquals(1, stderr().strip().lines().count(), stderr());
            assertTrue(stderr().contains("--pool-tie"), stderr());
        }
        run(train("--model", "mlp", "--pool-tie", "first"));
        assertTrue(stderr().contains("the mlp has no max pooling"), stderr());
        run(train("--model", "cnn", "--pool-tie", "beta:NaN"));
        assertTrue(stderr().contains("first, uniform or beta:B"), stderr());
        assertEquals(0, run("train", "--help"));
        assertTrue(stdout().contains("--pool-tie first|uniform|beta:B"), stdout());
    }
}
