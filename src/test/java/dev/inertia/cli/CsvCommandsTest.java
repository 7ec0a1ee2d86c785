package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.Splits;
import dev.inertia.data.Subset;
import dev.inertia.train.LoadedModel;
import dev.inertia.train.ModelFile;
import dev.inertia.train.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --csv}, {@code predict} and {@code eval} through {@link Main#run}, on CSV files. */
class CsvCommandsTest extends CommandHarness {
    private static final Path DIGITS = Path.of("../shared/data/tabular/digits.csv");

    @TempDir
    Path tmp;

    /** Three classes named by words, decided by which of three noisy features is largest; a shifted fourth. */
    private Path classesCsv(int rows, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("id;a;b;c;offset;kind\n");
        String[] names = {"low", "mid", "high"};
        for (int i = 0; i < rows; i++) {
            double[] v = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            int best = v[0] > v[1] ? (v[0] > v[2] ? 0 : 2) : (v[1] > v[2] ? 1 : 2);
            csv.append(String.format(Locale.ROOT, "%d;%.4f;%.4f;%.4f;%.2f;\"%s\"%n", i, v[0], v[1], v[2],
                    1000 + 50 * r.nextGaussian(), names[best]));
        }
        Path file = tmp.resolve("classes.csv");
        Files.writeString(file, csv);
        return file;
    }

    /** y = 3a - 2b + 100, with a and b on different scales. */
    private Path regressionCsv(int rows, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < rows; i++) {
            double a = r.nextGaussian() * 10, b = r.nextGaussian() * 0.1;
            csv.append(String.format(Locale.ROOT, "%.5f,%.6f,%.5f%n", a, b, 3 * a - 2 * b + 100));
        }
        Path file = tmp.resolve("reg.csv");
        Files.writeString(file, csv);
        return file;
    }

    /** The held-out test rows of {@code file} as the train command splits them, written as a CSV. */
    private Path testRows(Path file, CsvOptions options, double testFraction, long seed) throws IOException {
        CsvDataset data = CsvDataset.read(file, options);
        Subset test = (Subset) Splits.split(data, 0, testFraction, seed).test();
        List<String> lines = Files.readAllLines(file);
        List<String> kept = new ArrayList<>();
        kept.add(lines.getFirst());
        for (int i = 0; i < test.size(); i++) {
            kept.add(lines.get(data.line(test.baseIndex(i)) - 1));
        }
        Path rows = tmp.resolve("test-rows.csv");
        Files.write(rows, kept);
        return rows;
    }

    @Test
    void trainsAClassifierWhosePredictionsAndEvaluationReproduceTheRun() throws IOException {
        Path csv = classesCsv(300, 1);
        Path model = tmp.resolve("model.safetensors");
        assertEquals(0, run("train", "--csv", csv.toString(), "--target", "kind", "--exclude", "id", "--epochs", "30",
                "--threads", "1", "--seed", "3", "--save-model", model.toString(), "--json"), stderr());
        List<String> lines = stdout().lines().toList();
        assertEquals(30, lines.size());
        String last = lines.getLast();
        for (String f : List.of("epoch", "train_loss", "test_loss", "test_acc", "samples_per_s", "step_ms_p50",
                "first_step_ms")) {
            assertTrue(last.contains("\"" + f + "\": "), f + " in " + last);
        }
        double acc = field(last, "test_acc");
        assertTrue(acc > 0.85, "test accuracy " + acc);
        assertTrue(stderr().contains("model written to " + model), stderr());

        Path rows = testRows(csv, CsvOptions.target("kind").exclude("id"), 0.2, 3);
        assertEquals(0, run("eval", "--model", model.toString(), "--csv", rows.toString(), "--target", "kind",
                "--json"), stderr());
        assertEquals(acc, field(stdout(), "test_acc"), 1e-12, "eval on the held-out rows gives the run's accuracy");

        Path predictions = tmp.resolve("predictions.csv");
        assertEquals(0, run("predict", "--model", model.toString(), "--csv", rows.toString(), "--out",
                predictions.toString()), stderr());
        List<String> predicted = Files.readAllLines(predictions);
        assertEquals("id,a,b,c,offset,kind,prediction,prob_high,prob_low,prob_mid", predicted.getFirst());
        CsvDataset features;
        float[][] expected;
        try (LoadedModel loaded = ModelFile.load(model);
                Predictor p = Predictor.builder(loaded.module()).exampleShape(loaded.info().exampleShape())
                        .transform(loaded.info().transform()).build()) {
            features = CsvDataset.features(rows, CsvOptions.noTarget(), loaded.info().featureNames());
            float[][] x = new float[features.size()][features.features()];
            for (int i = 0; i < x.length; i++) {
                features.copyFeatures(i, x[i], 0);
            }
            expected = p.predictProba(x);
        }
        int correct = 0;
        for (int i = 0; i < expected.length; i++) {
            String[] f = predicted.get(i + 1).split(",");
            assertEquals(10, f.length, predicted.get(i + 1));
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[i][c], Float.parseFloat(f[7 + c]), "row " + i + " class " + c);
            }
            correct += f[6].equals(f[5]) ? 1 : 0;
        }
        assertEquals(acc, (double) correct / expected.length, 1e-12, "predict's classes give the run's accuracy");
    }

    @Test
    void regressionReportsRmseAndMae() throws IOException {
        Path csv = regressionCsv(400, 2);
        Path model = tmp.resolve("reg.safetensors");
        assertEquals(0, run("train", "--csv", csv.toString(), "--target", "y", "--task", "regression", "--epochs",
                "40", "--threads", "1", "--save-model", model.toString(), "--json"), stderr());
        String last = stdout().lines().toList().getLast();
        double rmse = field(last, "test_rmse");
        assertTrue(rmse < 1.5, "rmse " + rmse + " (targets have std ~30)");
        assertTrue(field(last, "test_mae") <= rmse);
        assertTrue(!last.contains("test_acc"), last);
        Path rows = testRows(csv, CsvOptions.target("y").regression(), 0.2, 1);
        assertEquals(0, run("eval", "--model", model.toString(), "--csv", rows.toString(), "--target", "y", "--json"),
                stderr());
        assertEquals(rmse, field(stdout(), "test_rmse"), 1e-4 * rmse);
        assertEquals(0, run("predict", "--model", model.toString(), "--csv", rows.toString()), stderr());
        assertTrue(stdout().startsWith("a,b,y,prediction\n"), stdout());
    }

    @Test
    void digitsReachTheAdvertisedAccuracy() {
        assumeTrue(Files.isRegularFile(DIGITS), "no " + DIGITS);
        assertEquals(0, run("train", "--csv", DIGITS.toString(), "--target", "digit", "--seed", "1", "--epochs", "30",
                "--json"), stderr());
        double acc = field(stdout().lines().toList().getLast(), "test_acc");
        assertTrue(acc >= 0.96, "digits test accuracy " + acc);
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws IOException {
        Path csv = classesCsv(60, 3);
        assertEquals(2, run("train", "--csv", csv.toString()));
        assertTrue(stderr().contains("needs --target COLUMN"), stderr());
        assertEquals(1, run("train", "--csv", csv.toString(), "--target", "nope"));
        assertTrue(stderr().startsWith("inertia: ") && stderr().contains("nope"), stderr());
        assertEquals(1, stderr().lines().count(), stderr());
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "a,b,y\n1,2,x\n3,oops,y\n");
        assertEquals(1, run("train", "--csv", bad.toString(), "--target", "y"));
        assertTrue(stderr().contains("line 3") && stderr().contains("'b'") && stderr().contains("oops"), stderr());
        assertEquals(2, run("train", "--csv", csv.toString(), "--target", "kind", "--patience", "3"));
        assertTrue(stderr().contains("--validation-fraction"), stderr());
        assertEquals(2, run("train", "--csv", csv.toString(), "--target", "kind", "--model", "cnn"));
        assertTrue(stderr().contains("unknown flag --model for 'train --csv'"), stderr());
        assertEquals(2, run("predict", "--model", tmp.resolve("missing.st").toString(), "--csv", csv.toString()));
        assertTrue(stderr().contains("no such file"), stderr());
        assertEquals(1, run("train", "--csv", csv.toString(), "--target", "kind", "--exclude", "id", "--lr", "1e30",
                "--optimizer", "sgd", "--schedule", "constant", "--threads", "1"));
        assertTrue(stderr().contains("training diverged at step"), stderr());
    }

    @Test
    void everyCommandHasHelpAndThereIsAVersion() {
        for (String command : List.of("train", "predict", "eval", "info", "cost", "bench", "bifurcation",
                "relu0-sweep", "optimizer-study", "alpha-beta-grid")) {
            assertEquals(0, run(command, "--help"), command);
            assertTrue(stdout().startsWith("usage: inertia " + command), command + ": " + stdout());
        }
        assertEquals(0, run("train", "--csv", "x.csv", "-h"));
        assertTrue(stdout().contains("--save-model FILE"), stdout());
        assertEquals(0, run("--version"));
        assertTrue(stdout().matches("inertia \\d+\\.\\d+\\.\\d+.*\\n"), stdout());
    }
}
