package dev.inertia.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build's seeded mutation budget: a fixed number of mutants of each target's committed corpus
 * through the same checks as its {@code @FuzzTest} (which the build runs only on the corpus
 * itself), each within 5 s. Coverage-guided fuzzing is {@code scripts/fuzz.sh}; why the build does
 * not run Jazzer's fuzzing mode is in docs/RELIABILITY.md. {@code -Dinertia.fuzz.seed=N} replays
 * another seed, {@code -Dinertia.fuzz.scale=K} runs K times as many mutants.
 */
class MutationBudgetTest {
    private static final long SEED = Long.getLong("inertia.fuzz.seed", 20261203L);
    private static final int SCALE = Integer.getInteger("inertia.fuzz.scale", 1);
    private static final long LIMIT_MILLIS = 5000;

    private static void budget(String testClass, String method, int count, Campaign.Target target) {
        List<byte[]> corpus = Mutator.corpus(testClass, method);
        Campaign.Result r = Campaign.run(method, corpus, count * SCALE, SEED, LIMIT_MILLIS, target);
        System.out.println(r);
        assertEquals(count * SCALE, r.outcomes().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void idx() {
        IdxFuzzTest t = new IdxFuzzTest();
        budget("IdxFuzzTest", "idx", 1500, in -> {
            t.idx(in);
            return "checked";
        });
    }

    @Test
    void csv() {
        CsvFuzzTest t = new CsvFuzzTest();
        budget("CsvFuzzTest", "csv", 1500, in -> {
            t.csv(in);
            return "checked";
        });
    }

    @Test
    void json() {
        JsonFuzzTest t = new JsonFuzzTest();
        budget("JsonFuzzTest", "json", 3000, in -> {
            t.json(in);
            return "checked";
        });
    }

    @Test
    void safetensors() {
        SafeTensorsFuzzTest t = new SafeTensorsFuzzTest();
        budget("SafeTensorsFuzzTest", "safetensors", 1000, in -> {
            t.safetensors(in);
            return "checked";
        });
    }

    @Test
    void checkpoint() {
        CheckpointFuzzTest t = new CheckpointFuzzTest();
        budget("CheckpointFuzzTest", "checkpoint", 1000, in -> {
            t.checkpoint(in);
            return "checked";
        });
    }

    @Test
    void modelFile() {
        ModelFileFuzzTest t = new ModelFileFuzzTest();
        budget("ModelFileFuzzTest", "modelFile", 1000, in -> {
            t.modelFile(in);
            return "checked";
        });
    }
}
