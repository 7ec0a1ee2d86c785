package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.data.Dataset;
import dev.inertia.data.Idx;
import dev.inertia.data.IdxArray;
import dev.inertia.data.IdxFormatException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * IDX files (raw or gzip) as the command line reads Fashion-MNIST: the same bytes as images and as
 * labels, and images that parse are paired with labels as a data set is.
 */
class IdxFuzzTest {
    @FuzzTest
    void idx(byte[] input) throws IOException {
        Path file = FuzzFiles.write("fuzz-idx", input);
        for (int rank : new int[] {3, 1}) {
            try {
                IdxArray array = Idx.read(file, rank);
                if (rank == 3) {
                    // as many labels as the images' bytes allow: a real label file holds one byte per label
                    int count = Math.min(array.dim(0), array.data().length);
                    IdxArray labels = new IdxArray("labels", new int[] {count}, new byte[count]);
                    Dataset.of("fuzzed", array, labels, 10);
                }
            } catch (IdxFormatException e) {
                FuzzFiles.requireDocumented(e, file);
            }
        }
    }
}
