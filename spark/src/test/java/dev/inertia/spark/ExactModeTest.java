package dev.inertia.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.ArrayDataset;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Module;
import dev.inertia.optim.AdamW;
import dev.inertia.optim.INNAprop;
import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Schedule;
import dev.inertia.train.Trainer;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact mode against the single-process {@link Trainer}: in local[1] with one partition the same
 * bits; in local[2] with two partitions the same global batches, so the weights agree to float
 * summation order after 20 steps.
 */
class ExactModeTest {
    private static final long DATA_SEED = 3;

    @BeforeAll
    static void noSession() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    @AfterAll
    static void stop() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    static TensorOptimizer<?> adamw() {
        return AdamW.builder().lr(3e-3).weightDecay(1e-2).build();
    }

    static TensorOptimizer<?> innaprop() {
        return INNAprop.builder().lr(2e-3).build();
    }

    @Test
    void onePartitionInLocal1IsBitwiseTheSingleProcessRun() throws Exception {
        int batch = 16;
        List<Example> examples = SparkTests.synthetic(batch * 20 + 7, DATA_SEED); // 20 steps an epoch, 7 left over
        Map<String, float[]> spark;
        try (SparkSession session = SparkTests.session("local[1]")) {
            JavaRDD<Example> rdd = JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(examples, 1);
            SparkTrainer trainer = SparkTrainer.builder(SparkTests::smallMlp).optimizer(ExactModeTest::adamw)
                    .schedule(Schedule.cosine()).mode(Mode.EXACT).batchSize(batch).seed(9).build();
            try (SparkFit fit = trainer.fit(rdd, 2)) {
                spark = SparkTests.weights(fit.model());
                assertEquals(40, fit.history().rounds().size());
                assertEquals(2, fit.history().epochs().size());
            }
        }
        Map<String, float[]> single = singleProcess(examples, batch, 2, ExactModeTest.adamw(), Schedule.cosine());
        for (Map.Entry<String, float[]> e : single.entrySet()) {
            assertArrayEquals(e.getValue(), spark.get(e.getKey()), e.getKey() + " differs from the single-process run");
        }
    }

    @Test
    void twoPartitionsInLocal2MatchTheSingleProcessRunOnTheSameGlobalBatch() throws Exception {
        int perPartition = 16, global = 32;
        List<Example> examples = SparkTests.synthetic(global * 20 + 5, DATA_SEED + 1); // 20 steps
        Map<String, float[]> spark;
        try (SparkSession session = SparkTests.session("local[2]")) {
            JavaRDD<Example> rdd = JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(examples, 2);
            SparkTrainer trainer = SparkTrainer.builder(SparkTests::smallMlp).optimizer(ExactModeTest::innaprop)
                    .mode(Mode.EXACT).batchSize(perPartition).seed(4).build();
            try (SparkFit fit = trainer.fit(rdd, 1)) {
                spark = SparkTests.weights(fit.model());
                assertEquals(20, fit.history().rounds().size());
                assertEquals(global * 20, fit.history().rounds().stream().mapToLong(RoundReport::samples).sum());
            }
        }
        Map<String, float[]> single = singleProcess(examples, global, 1, ExactModeTest.innaprop(), null);
        double distance = SparkTests.maxRelativeDistance(spark, single);
        assertTrue(distance < 1e-5, "relative distance to the single-process weights after 20 steps: " + distance);
        Map<String, float[]> initial;
        try (Scope scope = Scope.open()) {
            initial = SparkTests.weights(SparkTests.smallMlp(scope));
        }
        // and training moved the weights far more than that: the comparison is not between two untrained models
        assertTrue(SparkTests.maxRelativeDistance(initial, single) > 1e-3);
    }

    private static Map<String, float[]> singleProcess(List<Example> examples, int batch, int epochs,
            TensorOptimizer<?> optimizer, Schedule schedule) throws Exception {
        ArrayDataset data = SparkTests.asDataset(examples, 4);
        try (Scope scope = Scope.open()) {
            Module model = SparkTests.smallMlp(scope);
            try (Trainer trainer = Trainer.builder(model).optimizer(optimizer).schedule(schedule).batchSize(batch)
                    .epochs(epochs).seed(seedOf(batch)).build()) {
                trainer.fit(data);
            }
            return SparkTests.weights(model);
        }
    }

    /** The seeds the two tests give the Spark trainer, by batch. */
    private static long seedOf(int batch) {
        return batch == 16 ? 9 : 4;
    }
}
