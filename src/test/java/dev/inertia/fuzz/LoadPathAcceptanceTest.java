package dev.inertia.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded sample of the acceptance run ({@link LoadPathAcceptance}; the full 10,000 of each is
 * {@code scripts/fuzz.sh --acceptance 10000}): no hang, no exception but a one-line IOException
 * naming the file, and both outcomes seen (a campaign that refuses everything tests little).
 */
class LoadPathAcceptanceTest {
    private static final long SEED = Long.getLong("inertia.fuzz.seed", 20261203L);

    @TempDir
    Path dir;

    @Test
    void mutatedIdxFilesLoadOrAreRefusedCleanly() throws IOException {
        assertBothOutcomes(LoadPathAcceptance.idx(dir, 600, SEED), "IdxFormatException");
    }

    @Test
    void mutatedCsvFilesLoadOrAreRefusedCleanly() throws IOException {
        assertBothOutcomes(LoadPathAcceptance.csv(dir, 1000, SEED), "CsvFormatException");
    }

    private static void assertBothOutcomes(Campaign.Result r, String refusal) {
        System.out.println(r);
        assertTrue(r.outcomes().containsKey("accepted") && r.outcomes().containsKey(refusal), r.toString());
    }
}
