package dev.inertia.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /** One fuzz target's method, run as a campaign target. */
    private interface Check {
        void accept(byte[] input) throws Exception;
    }

    static Stream<Arguments> targets() {
        return Stream.of(
                budget("IdxFuzzTest", "idx", 1500, new IdxFuzzTest()::idx),
                budget("CsvFuzzTest", "csv", 1500, new CsvFuzzTest()::csv),
                budget("JsonFuzzTest", "json", 3000, new JsonFuzzTest()::json),
                budget("SafeTensorsFuzzTest", "safetensors", 1000, new SafeTensorsFuzzTest()::safetensors),
                budget("CheckpointFuzzTest", "checkpoint", 1000, new CheckpointFuzzTest()::checkpoint),
                budget("ModelFileFuzzTest", "modelFile", 1000, new ModelFileFuzzTest()::modelFile));
    }

    private static Arguments budget(String testClass, String method, int count, Check check) {
        return Arguments.of(testClass, method, count, check);
    }

    @ParameterizedTest(name = "{1}: {2} mutants")
    @MethodSource("targets")
    void mutantsAreReadOrRefusedCleanly(String testClass, String method, int count, Check check) {
        List<byte[]> corpus = Mutator.corpus(testClass, method);
        Campaign.Result r = Campaign.run(method, corpus, count * SCALE, SEED, LIMIT_MILLIS, input -> {
            check.accept(input);
            return "checked";
        });
        System.out.println(r);
        assertEquals(count * SCALE, r.outcomes().values().stream().mapToInt(Integer::intValue).sum());
    }
}
