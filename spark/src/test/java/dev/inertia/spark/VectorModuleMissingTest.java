package dev.inertia.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.Simd;
import dev.inertia.optim.SGD;
import dev.inertia.optim.TensorOptimizer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Runs in a JVM started without {@code --add-modules jdk.incubator.vector} (the pom's
 * no-vector-module execution): the executors' tasks refuse to train on the scalar kernels and the
 * driver reports that, naming the flag; opting out trains anyway.
 */
class VectorModuleMissingTest {
    static TensorOptimizer<?> sgd() {
        return SGD.builder().lr(0.05).build();
    }

    @Test
    void executorsWithoutTheVectorModuleFailTheFitNamingTheFlag() throws Exception {
        assertFalse(Simd.vectorModuleReadable(), "this test needs a JVM without the vector module");
        try (SparkSession session = SparkTests.session("local[2]")) {
            JavaRDD<Example> rdd = JavaSparkContext.fromSparkContext(session.sparkContext())
                    .parallelize(SparkTests.synthetic(200, 1), 2);
            SparkTrainer.Builder b = SparkTrainer.builder(SparkTests::smallMlp).optimizer(VectorModuleMissingTest::sgd)
                    .batchSize(16).syncEvery(2);
            VectorModuleMissingException e = assertThrows(VectorModuleMissingException.class,
                    () -> b.build().fit(rdd, 1));
            assertTrue(e.getMessage().startsWith("executor driver cannot read the jdk.incubator.vector module"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--add-modules=jdk.incubator.vector"), e.getMessage());
            try (SparkFit fit = b.requireVectorModule(false).build().fit(rdd, 1)) {
                assertTrue(fit.history().rounds().size() == 3); // 200 / (2 x 16) = 6 steps, K = 2
            }
        }
    }
}
