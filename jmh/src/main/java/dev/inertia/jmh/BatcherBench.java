package dev.inertia.jmh;

import dev.inertia.data.Batcher;
import dev.inertia.data.Dataset;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.Normalization;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training batch from the bundled Fashion-MNIST sample: gather shuffled examples, turn their
 * bytes into normalized floats and copy them into the reused off-heap batch tensor. Beside it, a
 * plain copy of a batch's F32 bytes (the memory-bound floor of any batcher).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BatcherBench {
    @Param({"128"})
    public int batch;

    private dev.inertia.memory.Scope scope;
    private Batcher batcher;
    private int epoch;
    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Dataset train = FashionMnist.load(FashionMnist.locate(null, name -> null, null)).train();
        scope = dev.inertia.memory.Scope.open();
        batcher = Batcher.training(train, scope, batch, Batcher.Layout.FLAT, Normalization.FASHION_MNIST, 1);
        batcher.startEpoch(0);
        arena = Arena.ofShared();
        src = arena.allocate(4L * batch * train.features(), 64);
        dst = arena.allocate(4L * batch * train.features(), 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
        arena.close();
    }

    @Benchmark
    public int nextBatch() {
        if (!batcher.next()) {
            batcher.startEpoch(++epoch);
            batcher.next();
        }
        return batcher.size();
    }

    @Benchmark
    public MemorySegment copyFloor() {
        return dst.copyFrom(src);
    }
}
