package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvFormatException;
import dev.inertia.data.CsvOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * CSV files through the three ways the command line reads them (train, eval, predict); the first
 * byte picks the way, the rest is the file.
 */
class CsvFuzzTest {
    @FuzzTest
    // libFuzzer's dictionary syntax: bytes other than printable ASCII are written \xNN
    @DictionaryEntries({"a", "b", "y", ",", ";", "\\x09", "\\x22", "\\x22\\x22", "\\x0d\\x0a", "\\x0a",
            "\\xef\\xbb\\xbf", "1e308", "1e39", "-0.5", "nan", "inf", "0x1p3"})
    void csv(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        Path file = FuzzFiles.write("fuzz.csv", Arrays.copyOfRange(input, 1, input.length));
        try {
            CsvDataset data = switch (input[0] & 3) {
                case 0 -> CsvDataset.read(file, CsvOptions.target("y"));
                case 1 -> CsvDataset.read(file, CsvOptions.target("y").regression());
                case 2 -> CsvDataset.read(file, CsvOptions.target("y").classNames(List.of("x", "z")),
                        List.of("a", "b"));
                default -> CsvDataset.features(file, CsvOptions.noTarget(), List.of("b", "a"));
            };
            float[] row = new float[data.features()];
            for (int i = 0; i < data.size(); i++) {
                data.copyFeatures(i, row, 0);
            }
        } catch (CsvFormatException e) {
            FuzzFiles.requireDocumented(e, file);
        }
    }
}
