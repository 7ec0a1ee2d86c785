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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *            [--runs exact,local:1,local:8,local:32,local:128] [--workers 2] [--epochs 1] [--batch 64]
 *            [--optimizer innaprop] [--lr X] [--seed 1] [--single-runs 3] [--warmup-steps 128]
 *            [--conf KEY=VALUE]... [--spark-defaults]
 * </pre>
 *
 * The model is the mlp of docs/DESIGN.md for Fashion-MNIST, and a 64-64 relu mlp for a CSV.
 */
public final class SparkBench {
    private SparkBench() {
    }

    /** What to run, from the command line. */
    record Options(BenchData data, List<String> masters, List<String> runs, int workers, int epochs, int batch,
            String optimizer, double lr, long seed, long maxSteps, int singleRuns, int warmupSteps,
            Map<String, String> sparkConf) {
    }

    /**
     * Spark settings the bench applies unless {@code --spark-defaults}: an Inertia round moves a
     * float vector that barely compresses (compressing it cost ~50-100 ms a round here), and a task
     * result above {@code maxDirectResultSize} (1 MiB by default) takes a second trip through the
     * block manager; docs/spark.md has the measured difference.
     */
    static final Map<String, String> TUNED_CONF = Map.of("spark.broadcast.compress", "false",
            "spark.task.maxDirectResultSize", "128m");

    static final String USAGE = """
            usage: bench/spark_vs_single.sh [flags]      (the class: dev.inertia.spark.SparkBench)
              --data-dir DIR            Fashion-MNIST (IDX files); the mlp of docs/DESIGN.md
              --csv FILE --target COL   a CSV with a class column, split 80/20; a 64-64 relu mlp
              --masters M1,M2           Spark masters, one after the other (default local[2],local-cluster[2,1,1536])
              --runs R1,R2              exact and/or local:K (local SGD averaging every K steps), each
                                        optionally @N: at most N steps (default exact,local:1,local:8,local:32,local:128)
              --workers N               partitions, one worker each (default 2)
              --epochs E                epochs of every run, the single-process one included (default 1)
              --batch B                 examples per worker and step; the single process's batch (default 64)
              --optimizer NAME --lr X   innaprop (default), inna, adamw, sgd, rmsprop; default learning rate
              --seed S                  the order examples are visited in (default 1)
              --max-steps N             stop each Spark run after N optimizer steps (its throughput and
                                        round times, not its accuracy, compare with the full runs)
              --single-runs N           timed single-process runs, after one untimed warm-up run of
                                        --warmup-steps steps; the median counts (default 3)
              --warmup-steps N          untimed steps before the timed runs: the single process's, and a
                                        short Spark fit per master (local SGD, K 16); 0: none (default 128)
              --conf KEY=VALUE          a Spark setting for every session (repeatable)
              --spark-defaults          leave Spark's defaults: no spark.broadcast.compress=false and
                                        spark.task.maxDirectResultSize=128m (the bench's tuning)
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
        SingleRun single = singleRuns(o, data);
        Concurrent concurrent = concurrent(o, data);
        for (String master : o.masters()) {
            SparkSession session = session(master, o.sparkConf());
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
                JavaRDD<Example> rdd = o.data().trainingRdd(sc, o.workers());
                if (o.warmupSteps() > 0) {
                    sparkRun(o, data, single, concurrent, master, rdd,
                            "local:" + Math.min(16, o.warmupSteps()) + "@" + o.warmupSteps());
                    System.err.println("untimed Spark warm-up on " + master + " done");
                }
                for (String run : o.runs()) {
                    System.out.println(sparkRun(o, data, single, concurrent, master, rdd, run));
                    System.out.flush();
                }
            } finally {
                session.stop();
            }
        }
    }

    /**
     * The single-process reference: the median samples/s of {@code --single-runs} timed runs
     * (after an untimed warm-up, so that the JIT has compiled the kernels for the reference as
     * for the Spark runs that follow it in this JVM), with every run's figure for the JSON line.
     */
    private record SingleRun(double samplesPerSecond, double testAccuracy, double[] runs) {
    }

    /** {@code workers} single-process trainers at once on their own threads: what this machine gives without Spark. */
    private record Concurrent(double samplesPerSecond) {
    }

    private static SingleRun singleRuns(Options o, BenchData.Loaded data) throws IOException {
        if (o.warmupSteps() > 0) {
            single(o, data, o.warmupSteps());
        }
        double[] runs = new double[o.singleRuns()];
        double acc = Double.NaN;
        for (int i = 0; i < runs.length; i++) {
            double[] r = single(o, data, 0);
            runs[i] = r[0];
            acc = r[1]; // every run trains the same bits: the same accuracy
            System.err.printf(Locale.ROOT, "single process (1 thread), run %d/%d: %.0f samples/s, test accuracy %.4f%n",
                    i + 1, runs.length, r[0], r[1]);
        }
        return new SingleRun(median(runs), acc, runs);
    }

    private static Concurrent concurrent(Options o, BenchData.Loaded data) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(o.workers());
        try {
            List<Future<double[]>> runs = new ArrayList<>();
            for (int w = 0; w < o.workers(); w++) {
                runs.add(threads.submit(() -> single(o, data, 0)));
            }
            double total = 0;
            for (Future<double[]> f : runs) {
                total += f.get()[0];
            }
            System.err.printf(Locale.ROOT, "%d single processes at once (1 thread each): %.0f samples/s in all%n",
                    o.workers(), total);
            return new Concurrent(total);
        } finally {
            threads.shutdown();
        }
    }

    /** One plain-Trainer run on one thread: {samples/s, test accuracy}; {@code maxSteps} 0 for the whole epochs. */
    private static double[] single(Options o, BenchData.Loaded data, long maxSteps) throws IOException {
        try (Scope scope = Scope.open()) {
            Module model = model(o.data(), data.exampleShape()[0], data.classes()).create(scope);
            Trainer.Builder b = Trainer.builder(model).optimizer(optimizer(o).get()).batchSize(o.batch())
                    .epochs(o.epochs()).seed(o.seed()).transform(data.transform()).flattenInputs(true).threads(1);
            if (maxSteps > 0) {
                b.maxSteps(maxSteps);
            }
            try (Trainer trainer = b.build()) {
                long t0 = System.nanoTime();
                trainer.fit(data.train());
                double seconds = (System.nanoTime() - t0) / 1e9;
                long steps = (long) o.epochs() * (data.train().size() / o.batch());
                long samples = (maxSteps > 0 ? Math.min(maxSteps, steps) : steps) * o.batch();
                double acc = maxSteps > 0 ? Double.NaN : trainer.evaluate(data.test()).get("accuracy");
                return new double[] {samples / seconds, acc};
            }
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    private static String sparkRun(Options o, BenchData.Loaded data, SingleRun single, Concurrent concurrent,
            String master, JavaRDD<Example> rdd, String run) {
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
                    + "\"compute_ms_p50\":%.1f,\"seconds\":%.1f,\"setup_s\":%.1f,\"single_process_runs\":%s,"
                    + "\"concurrent_single_samples_per_s\":%.1f,\"concurrent_efficiency\":%.3f,\"spark_conf\":\"%s\","
                    + "\"data\":\"%s\"}",
                    exact ? "exact" : "local_sgd", master, o.workers(), k, o.epochs(), o.batch(), h.rounds().size(),
                    h.rounds().stream().mapToLong(RoundReport::steps).sum(), sps, single.samplesPerSecond(),
                    sps / (o.workers() * single.samplesPerSecond()), acc, single.testAccuracy(), h.bytesPerRound(),
                    h.syncMsP50(), h.computeMsP50(), h.seconds(), h.setupSeconds(), jsonNumbers(single.runs()),
                    concurrent.samplesPerSecond(), concurrent.samplesPerSecond() / (o.workers() * single.samplesPerSecond()),
                    confText(o.sparkConf()), o.data().describe());
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

    private static String jsonNumbers(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", values[i]));
        }
        return b.append(']').toString();
    }

    private static String confText(Map<String, String> conf) {
        return conf.isEmpty() ? "defaults" : new TreeMap<>(conf).toString().replaceAll("[{}]", "");
    }

    /** A session for {@code master}; separate executor JVMs (local-cluster) get this JVM's class path and flags. */
    static SparkSession session(String master, Map<String, String> conf) {
        SparkSession.Builder b = SparkSession.builder().master(master).appName("inertia-spark-bench")
                .config("spark.ui.enabled", "false");
        conf.forEach(b::config);
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
        List<String> runs = List.of("exact", "local:1", "local:8", "local:32", "local:128");
        int workers = 2, epochs = 1, batch = 64;
        String optimizer = "innaprop";
        double lr = Double.NaN;
        long seed = 1;
        long maxSteps = 0;
        int singleRuns = 3, warmupSteps = 128;
        Map<String, String> conf = new LinkedHashMap<>(TUNED_CONF);
        Map<String, String> extraConf = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--spark-defaults")) {
                conf.clear();
                continue;
            }
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
                case "--single-runs" -> singleRuns = positive(flag, v);
                case "--warmup-steps" -> warmupSteps = nonNegative(flag, v);
                case "--conf" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--conf takes KEY=VALUE, got '" + v + "'");
                    }
                    extraConf.put(v.substring(0, eq), v.substring(eq + 1));
                }
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
        conf.putAll(extraConf);
        return new Options(new BenchData(dataDir == null ? null : dataDir.normalize().toString(),
                csv == null ? null : csv.normalize().toString(), target), masters, runs, workers, epochs, batch, optimizer, lr,
                seed, maxSteps, singleRuns, warmupSteps, Map.copyOf(conf));
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

    private static int nonNegative(String flag, String v) {
        return v.equals("0") ? 0 : positive(flag, v);
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
