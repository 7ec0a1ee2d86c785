package dev.inertia.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.INNAprop;
import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Loss;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retried tasks, reproducible sums, the Dataset path and the errors a user gets, in local[2,2]
 * (two task threads; a task may fail once and is retried).
 */
class FaultsTest {
    private static SparkSession session;
    private static JavaSparkContext sc;

    /** Armed by the test; the first task attempt that reaches the fifth loss of partition 1 disarms it and throws. */
    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicInteger LOSSES = new AtomicInteger();
    static final AtomicBoolean RETRIED = new AtomicBoolean();

    @BeforeAll
    static void start() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        session = SparkTests.session("local[2,2]");
        sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    @AfterAll
    static void stop() {
        session.stop();
    }

    static TensorOptimizer<?> innaprop() {
        return INNAprop.builder().lr(2e-3).build();
    }

    /** Cross-entropy that fails one task attempt on purpose, in the middle of a local SGD round. */
    static Loss failingOnce() {
        Loss inner = Loss.crossEntropy();
        return new Loss() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public boolean usesLabels() {
                return true;
            }

            @Override
            public Var apply(Var output, Var targets, MemorySegment labels) {
                TaskContext task = TaskContext.get();
                if (task != null && task.partitionId() == 1) {
                    if (task.attemptNumber() > 0) {
                        RETRIED.set(true);
                    } else if (LOSSES.incrementAndGet() == 5 && ARMED.getAndSet(false)) {
                        throw new IllegalStateException("injected failure of task attempt 0, partition 1");
                    }
                }
                return inner.apply(output, targets, labels);
            }
        };
    }

    /** The small mlp with dropout: a retried task must draw the same masks. */
    static Module dropoutMlp(Scope scope) {
        SplittableRandom r = new SplittableRandom(11);
        return new Sequential(new Linear(scope, DType.F32, 16, 32, r), new ReLU(), new Dropout(scope, 0.3, 5),
                new Linear(scope, DType.F32, 32, 4, r));
    }

    private static SparkTrainer.Builder localSgd() {
        return SparkTrainer.builder(SparkTests::smallMlp).optimizer(FaultsTest::innaprop).mode(Mode.LOCAL_SGD)
                .syncEvery(3).batchSize(16).seed(2);
    }

    @Test
    void aTaskThatFailsItsFirstAttemptIsRetriedAndTheFitIsUnchanged() {
        JavaRDD<Example> rdd = sc.parallelize(SparkTests.synthetic(400, 5), 2);
        Map<String, float[]> clean, retried;
        SparkTrainer.Builder withDropout = SparkTrainer.builder(FaultsTest::dropoutMlp).optimizer(FaultsTest::innaprop)
                .syncEvery(3).batchSize(16).seed(2);
        try (SparkFit fit = withDropout.build().fit(rdd, 2)) {
            clean = SparkTests.weights(fit.model());
        }
        LOSSES.set(0);
        RETRIED.set(false);
        ARMED.set(true);
        try (SparkFit fit = withDropout.loss(FaultsTest::failingOnce).build().fit(rdd, 2)) {
            retried = SparkTests.weights(fit.model());
        }
        assertFalse(ARMED.get(), "the failure was never injected");
        assertTrue(RETRIED.get(), "Spark did not run a second attempt");
        for (Map.Entry<String, float[]> e : clean.entrySet()) {
            assertArrayEquals(e.getValue(), retried.get(e.getKey()), e.getKey() + " differs after the retry");
        }
    }

    @Test
    void reproducibleSumsGiveTheSameBitsAcrossRunsWithFourPartitions() {
        JavaRDD<Example> rdd = sc.parallelize(SparkTests.synthetic(520, 6), 4);
        SparkTrainer trainer = localSgd().reproducible(true).build();
        Map<String, float[]> first, second, tree;
        try (SparkFit fit = trainer.fit(rdd, 1)) {
            first = SparkTests.weights(fit.model());
        }
        try (SparkFit fit = trainer.fit(rdd, 1)) {
            second = SparkTests.weights(fit.model());
        }
        try (SparkFit fit = localSgd().build().fit(rdd, 1)) {
            tree = SparkTests.weights(fit.model());
        }
        for (Map.Entry<String, float[]> e : first.entrySet()) {
            assertArrayEquals(e.getValue(), second.get(e.getKey()), e.getKey());
        }
        // treeAggregate adds in arrival order: the same values up to float rounding
        assertTrue(SparkTests.maxRelativeDistance(tree, first) < 1e-5);
    }

    @Test
    void trainsFromADataFrameWithAnArrayColumnAndReportsTheRounds() {
        List<Row> rows = new ArrayList<>();
        for (Example e : SparkTests.synthetic(300, 8)) {
            List<Float> x = new ArrayList<>();
            for (float f : e.features()) {
                x.add(f);
            }
            rows.add(RowFactory.create(x, e.label()));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        Dataset<Row> df = session.createDataFrame(rows, schema).repartition(2);
        List<RoundReport> seen = new ArrayList<>();
        SparkTrainer trainer = localSgd().syncEvery(4).listener(seen::add).build();
        try (SparkFit fit = trainer.fit(df, "features", "label", 2)) {
            SparkHistory h = fit.history();
            // 300 examples, 2 partitions of batch 16: 9 steps an epoch, 18 steps, rounds of 4, 4, 4, 4, 2
            assertEquals(5, h.rounds().size());
            assertEquals(h.rounds(), seen);
            assertEquals(4 * 2 * 16, h.rounds().getFirst().samples());
            assertEquals(2 * 2 * 16, h.rounds().getLast().samples());
            assertEquals(2, h.epochs().size());
            assertTrue(h.epochs().get(1).trainLoss() < h.epochs().get(0).trainLoss());
            long stateBytes = 4L * 3 * (16 * 32 + 32 + 32 * 4 + 4); // parameters, psi and v
            assertEquals(stateBytes, h.rounds().getFirst().broadcastBytes());
            assertEquals(2 * stateBytes, h.rounds().getFirst().resultBytes());
            assertTrue(h.samplesPerSecond() > 0);
        }
        assertEquals(0, Workers.idle(""), "no workers left behind");
    }

    @Test
    void anUnserializableFactoryIsRefusedOnTheDriverNamingWhatItHolds() {
        Object notSerializable = new Object();
        ModelFactory capturing = scope -> {
            notSerializable.hashCode();
            return SparkTests.smallMlp(scope);
        };
        JavaRDD<Example> rdd = sc.parallelize(SparkTests.synthetic(100, 1), 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.builder(capturing).optimizer(FaultsTest::innaprop).build().fit(rdd, 1));
        assertTrue(e.getMessage().startsWith("the model factory is not serializable: it holds a java.lang.Object"),
                e.getMessage());
    }

    @Test
    void anEmptyPartitionIsNamed() {
        List<Example> examples = SparkTests.synthetic(100, 1);
        // three partitions, the middle one empty
        JavaRDD<Example> rdd = sc.parallelize(examples, 3).mapPartitionsWithIndex(
                (i, it) -> i == 1 ? List.<Example>of().iterator() : it, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> localSgd().batchSize(8).build().fit(rdd, 1));
        assertTrue(e.getMessage().startsWith("partition 1 of 3 is empty"), e.getMessage());
    }

    @Test
    void aModelTheFactoryBuildsInF64IsRefused() {
        JavaRDD<Example> rdd = sc.parallelize(SparkTests.synthetic(100, 1), 2);
        ModelFactory f64 = FaultsTest::f64Mlp;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.builder(f64).optimizer(FaultsTest::innaprop).build().fit(rdd, 1));
        assertTrue(e.getMessage().contains("trains F32 models"), e.getMessage());
    }

    static Module f64Mlp(Scope scope) {
        return Models.mlp(scope, DType.F64, 16, new int[] {8}, 4, "relu", 1);
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre() {
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.IntegerType);
        Dataset<Row> df = session.createDataFrame(List.of(RowFactory.create(1.0, 0)), schema);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> localSgd().build().fit(df, List.of("x"), "label", 1));
        assertEquals("no label column 'label' in the data (columns: x, y)", e.getMessage());
    }
}
