package dev.inertia.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.CsvDataset;
import dev.inertia.data.Dataset;
import dev.inertia.data.Scaling;
import dev.inertia.data.Splits;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.optim.AdamW;
import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: local SGD with two workers on digits.csv reaches the single-process test accuracy
 * within one point, for the same epochs (the same model, optimizer and per-worker batch).
 */
class DigitsLocalSgdTest {
    private static final int EPOCHS = 15;
    private static final int BATCH = 32;

    static Module digitsMlp(Scope scope) {
        return Models.mlp(scope, DType.F32, 64, new int[] {64}, 10, "relu", 7);
    }

    static TensorOptimizer<?> adamw() {
        return AdamW.builder().lr(3e-3).weightDecay(1e-4).build();
    }

    @Test
    void localSgdOnTwoWorkersIsWithinOnePointOfOneProcess() throws Exception {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        CsvDataset digits = SparkTests.digits();
        Splits.Result splits = Splits.split(digits, 0, 0.2, 42);
        Scaling scaling = Scaling.standardize(splits.train());
        Dataset test = splits.test();
        double single;
        try (Scope scope = Scope.open()) {
            Module model = digitsMlp(scope);
            try (Trainer trainer = Trainer.builder(model).optimizer(adamw()).batchSize(BATCH).epochs(EPOCHS)
                    .transform(scaling).seed(3).build()) {
                trainer.fit(splits.train());
                single = trainer.evaluate(test).get("accuracy");
            }
        }
        double spark;
        try (SparkSession session = SparkTests.session("local[2]")) {
            JavaRDD<Example> rdd = JavaSparkContext.fromSparkContext(session.sparkContext())
                    .parallelize(SparkTests.examples(splits.train(), scaling), 2);
            SparkTrainer trainer = SparkTrainer.builder(DigitsLocalSgdTest::digitsMlp)
                    .optimizer(DigitsLocalSgdTest::adamw).mode(Mode.LOCAL_SGD).syncEvery(8).batchSize(BATCH)
                    .seed(3).build();
            try (SparkFit fit = trainer.fit(rdd, EPOCHS)) {
                spark = accuracy(fit.model(), test, scaling);
            }
        }
        System.out.printf("digits.csv test accuracy: single process %.4f, local SGD (2 workers, K=8) %.4f%n", single,
                spark);
        assertTrue(single > 0.95, "single process " + single);
        assertTrue(spark >= single - 0.01, "local SGD " + spark + " vs single process " + single);
    }

    /** The Spark model's accuracy on the raw test split, scaled as its training data was. */
    private static double accuracy(Module model, Dataset test, Scaling scaling) {
        return Evaluation.metric(model, SparkTests.asDataset(SparkTests.examples(test, scaling), 10), 64);
    }
}
