package dev.inertia.spark;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The entry point of {@code bench/spark_vs_single.sh}: trains a model with the plain
 * {@link Trainer} on one thread, then on Spark for each master and mode asked for, and prints one
 * JSON line per Spark run next to the single-process figures of the same invocation.
 *
 * <pre>
 * SparkBench [--data-dir DIR | --csv FILE --target COLUMN] [--masters local[2],local-cluster[2,1,1536]]
 *            [--runs exact,local:1,local:8,local:32] [--workers 2] [--epochs 1] [--batch 64]
 *            [--optimizer innaprop] [--lr X] [--seed 1]
 * </pre>
 *
 * The model is the mlp of docs/DESIGN.md for Fashion-MNIST, and a 64-64 relu mlp for a CSV.
 */
public final class SparkBench {
    private SparkBench() {
    }

    /** What to run, from the command line. */
    record Options(BenchData data, List<String> masters, List<String> runs, int workers, int epochs, int batch,
            String optimizer, double lr, long seed, long maxSteps) {
    }

    static final String USAGE = """
            usage: bench/spark_vs_single.sh [flags]      (the class: dev.inertia.spark.SparkBench)
              --data-dir DIR            Fashion-MNIST (IDX files); the mlp of docs/DESIGN.md
              --csv FILE --target COL   a CSV with a class column, split 80/20; a 64-64 relu mlp
              --masters M1,M2           Spark masters, one after the other (default local[2],local-cluster[2,1,1536])
              --runs R1,R2              exact and/or local:K (local SGD averaging every K steps), each
                                        optionally @N: at most N steps (default exact,local:1,local:8,local:32)
              --workers N               partitions, one worker each (default 2)
              --epochs E                epochs of every run, the single-process one included (default 1)
              --batch B                 examples per worker and step; the single process's batch (default 64)
              --optimizer NAME --lr X   innaprop (default), inna, adamw, sgd, rmsprop; default learning rate
              --seed S                  the order examples are visited in (default 1)
              --max-steps N             stop each Spark run after N optimizer steps (its throughput and
                                        round times, not its accuracy, compare with the full runs)
            Prints one JSON line per Spark run; progress and Spark's warnings go to stderr.
            """;

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(USAGE);
            return;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SparkBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        BenchData.Loaded data = o.data().load();
        SingleRun single = single(o, data);
        System.err.printf(Locale.ROOT, "single process (1 thread): %.0f samples/s, test accuracy %.4f%n",
                single.samplesPerSecond(), single.testAccuracy());
        for (String master : o.masters()) {
            SparkSession session = session(master);
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
                JavaRDD<Example> rdd = o.data().trainingRdd(sc, o.workers());
                for (String run : o.runs()) {
                    System.out.println(sparkRun(o, data, single, master, rdd, run));
                    System.out.flush();
                }
            } finally {
                session.stop();
            }
        }
    }

    private record SingleRun(double samplesPerSecond, double testAccuracy) {
    }

    private static SingleRun single(Options o, BenchData.Loaded data) throws IOException {
        try (Scope scope = Scope.open()) {
            Module model = model(o.data(), data.exampleShape()[0], data.classes()).create(scope);
            try (Trainer trainer = Trainer.builder(model).optimizer(optimizer(o).get()).batchSize(o.batch())
                    .epochs(o.epochs()).seed(o.seed()).transform(data.transform()).flattenInputs(true).threads(1).build()) {
                long t0 = System.nanoTime();
                trainer.fit(data.train());
                double seconds = (System.nanoTime() - t0) / 1e9;
                long samples = (long) o.epochs() * (data.train().size() / o.batch()) * o.batch();
                double acc = trainer.evaluate(data.test()).get("accuracy");
                return new SingleRun(samples / seconds, acc);
            }
        }
    }

    private static String sparkRun(Options o, BenchData.Loaded data, SingleRun single, String master,
            JavaRDD<Example> rdd, String run) {
        String[] parts = run.split("@");
        long maxSteps = parts.length > 1 ? Long.parseLong(parts[1]) : o.maxSteps();
        boolean exact = parts[0].equals("exact");
        int k = exact ? 1 : Integer.parseInt(parts[0].substring("local:".length()));
        SparkTrainer trainer = SparkTrainer.builder(model(o.data(), data.exampleShape()[0], data.classes()))
                .optimizer(optimizer(o)).mode(exact ? Mode.EXACT : Mode.LOCAL_SGD).syncEvery(k)
                .batchSize(o.batch()).seed(o.seed()).threadsPerTask(1).maxSteps(maxSteps).build();
        try (SparkFit fit = trainer.fit(rdd, o.epochs())) {
            SparkHistory h = fit.history();
            // the test set is scaled by the predictor's caller: apply the training transform here
            double acc = Evaluation.metric(fit.model(), scaled(data), data.exampleShape());
            double sps = h.samplesPerSecond();
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"master\":\"%s\",\"workers\":%d,\"sync_every\":%d,"
                    + "\"epochs\":%d,\"batch_per_worker\":%d,\"rounds\":%d,\"steps\":%d,\"samples_per_s\":%.1f,"
                    + "\"single_process_samples_per_s\":%.1f,\"scaling_efficiency\":%.3f,\"test_acc\":%.4f,"
                    + "\"single_process_test_acc\":%.4f,\"bytes_per_round\":%d,\"sync_ms_p50\":%.1f,"
                    + "\"compute_ms_p50\":%.1f,\"seconds\":%.1f,\"setup_s\":%.1f,\"data\":\"%s\"}",
                    exact ? "exact" : "local_sgd", master, o.workers(), k, o.epochs(), o.batch(), h.rounds().size(),
                    h.rounds().stream().mapToLong(RoundReport::steps).sum(), sps, single.samplesPerSecond(), sps / (o.workers() * single.samplesPerSecond()), acc,
                    single.testAccuracy(), h.bytesPerRound(), h.syncMsP50(), h.computeMsP50(), h.seconds(),
                    h.setupSeconds(), o.data().describe());
        }
    }

    /** The test set with the training transform applied, for the predictor (which the model was trained without). */
    private static dev.inertia.data.Dataset scaled(BenchData.Loaded data) {
        dev.inertia.data.Dataset test = data.test();
        float[][] x = new float[test.size()][test.features()];
        int[] y = new int[test.size()];
        for (int i = 0; i < x.length; i++) {
            test.copyFeatures(i, x[i], 0);
            data.transform().apply(x[i], 0, x[i].length);
            y[i] = test.label(i);
        }
        return dev.inertia.data.ArrayDataset.classification(x, y, data.classes());
    }

    static ModelFactory model(BenchData data, int features, int classes) {
        if (data.fashionDir() != null) {
            return SparkBench::fashionMlp;
        }
        return scope -> Models.mlp(scope, DType.F32, features, new int[] {64, 64}, classes, "relu", 7);
    }

    static Module fashionMlp(Scope scope) {
        return Models.mlp(scope, DType.F32, 7);
    }

    static SerializableSupplier<TensorOptimizer<?>> optimizer(Options o) {
        String name = o.optimizer();
        double lr = o.lr();
        return Double.isNaN(lr) ? () -> OptimizerRegistry.create(name) : () -> OptimizerRegistry.create(name, lr);
    }

    /** A session for {@code master}; separate executor JVMs (local-cluster) get this JVM's class path and flags. */
    static SparkSession session(String master) {
        SparkSession.Builder b = SparkSession.builder().master(master).appName("inertia-spark-bench")
                .config("spark.ui.enabled", "false");
        if (master.startsWith("local-cluster")) {
            String flags = System.getProperty("inertia.spark.executorJavaOptions", "");
            b.config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector "
                            + "-Dinertia.threads=1 " + flags)
                    .config("spark.executor.memory", "1g");
        }
        return b.getOrCreate();
    }

    static Options parse(String[] args) {
        Path dataDir = null, csv = null;
        String target = null;
        List<String> masters = List.of("local[2]", "local-cluster[2,1,1536]");
        List<String> runs = List.of("exact", "local:1", "local:8", "local:32");
        int workers = 2, epochs = 1, batch = 64;
        String optimizer = "innaprop";
        double lr = Double.NaN;
        long seed = 1;
        long maxSteps = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String v = args[++i];
            switch (flag) {
                case "--data-dir" -> dataDir = Path.of(v).toAbsolutePath();
                case "--csv" -> csv = Path.of(v).toAbsolutePath();
                case "--target" -> target = v;
                case "--masters" -> masters = List.of(v.split(",(?![^\\[]*\\])")); // not the commas of local-cluster[2,1,M]
                case "--runs" -> runs = checkRuns(List.of(v.split(",")));
                case "--workers" -> workers = positive(flag, v);
                case "--epochs" -> epochs = positive(flag, v);
                case "--batch" -> batch = positive(flag, v);
                case "--optimizer" -> optimizer = v;
                case "--lr" -> lr = Double.parseDouble(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--max-steps" -> maxSteps = positive(flag, v);
                default -> throw new IllegalArgumentException("unknown flag " + flag + " (--help lists them)");
            }
        }
        if ((dataDir == null) == (csv == null)) {
            throw new IllegalArgumentException("give either --data-dir (Fashion-MNIST) or --csv FILE --target COLUMN");
        }
        if (csv != null && target == null) {
            throw new IllegalArgumentException("--csv needs --target COLUMN");
        }
        Path file = dataDir != null ? dataDir : csv;
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " does not exist");
        }
        OptimizerRegistry.create(optimizer); // an unknown name fails here, naming the known ones
        return new Options(new BenchData(dataDir == null ? null : dataDir.normalize().toString(),
                csv == null ? null : csv.normalize().toString(), target), masters, runs, workers, epochs, batch, optimizer, lr,
                seed, maxSteps);
    }

    private static List<String> checkRuns(List<String> runs) {
        List<String> out = new ArrayList<>();
        for (String r : runs) {
            if (!r.matches("(exact|local:[1-9][0-9]*)(@[1-9][0-9]*)?")) {
                throw new IllegalArgumentException("--runs takes exact or local:K (K >= 1), each optionally @N (at"
                        + " most N steps), got '" + r + "'");
            }
            out.add(r);
        }
        return out;
    }

    private static int positive(String flag, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException(flag + " needs a positive integer, got '" + v + "'");
    }
}
