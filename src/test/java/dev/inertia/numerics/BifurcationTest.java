package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.Dataset;
import dev.inertia.data.FashionMnist;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bifurcation experiment on a few mini-batches of the bundled Fashion-MNIST sample. */
class BifurcationTest {
    private static final long SEED = 7;
    private static Dataset train;

    @BeforeAll
    static void load() throws IOException {
        train = FashionMnist.load(FashionMnist.locate(null, name -> null, null)).train();
    }

    private static Bifurcation.Config config(Precision p, int hidden, int inits) {
        return new Bifurcation.Config(p, hidden, 32, inits, 32, 0.01, SEED, 6);
    }

    private static void assertConsistent(Bifurcation.Result r) {
        Bifurcation.Config c = r.config();
        String where = r + " (seed " + SEED + ")";
        assertTrue(r.hits() <= c.inits() && r.hits() <= r.liveBatches(), where);
        assertTrue(r.liveBatches() <= r.batchesChecked(), where);
        assertTrue(r.batchesChecked() <= (long) c.inits() * c.maxBatches(), where);
        assertTrue(r.batchesChecked() >= c.inits(), "every initialization checks at least one mini-batch: " + where);
        assertEquals(r.batchesChecked() * c.hidden() * c.width() * c.batch(), r.preactivations(), where);
        assertTrue(r.zeros() <= r.preactivations(), where);
        assertEquals(r.batchesChecked(), r.noDifferenceBatches() + r.compensationBatches() + r.bifurcationBatches(),
                "every mini-batch lands in one zone: " + where);
        assertEquals(r.hits(), r.bifurcationBatches(), "an initialization stops at its bifurcation: " + where);
        assertTrue(r.compensationBatches() + r.bifurcationBatches() <= r.liveBatches(), where);
        assertEquals(r.batchesChecked(), r.differences().total(), where);
        assertEquals(r.noDifferenceBatches(), r.differences().zeros(), where);
    }

    @Test
    void fp64ReportsZeroCompensationHitsOnTheMlpProtocol() {
        // both copies on every mini-batch, so every difference is really measured
        Bifurcation.Result r = Bifurcation.run(train, config(Precision.FP64, 2, 2), true);
        assertConsistent(r);
        String where = r + " (seed " + SEED + ")";
        assertEquals(0, r.compensationBatches(), where);
        assertEquals(0, r.bifurcationBatches(), where);
        assertEquals(2L * 6, r.differences().zeros(), "every fp64 mini-batch is bitwise equal: " + where);
        assertEquals(1e-15, r.config().tau());
    }

    @Test
    void tauDecidesBetweenCompensationAndBifurcation() {
        // tau = infinity-like (huge) keeps every difference in compensation; tau = 0 makes each one a bifurcation
        Bifurcation.Config c = config(Precision.FP16, 2, 3);
        Bifurcation.Result loose = Bifurcation.run(train, new Bifurcation.Config(c.precision(), c.hidden(), c.width(),
                c.inits(), c.batch(), c.lr(), c.seed(), c.maxBatches(), 1e300));
        Bifurcation.Result strict = Bifurcation.run(train, new Bifurcation.Config(c.precision(), c.hidden(), c.width(),
                c.inits(), c.batch(), c.lr(), c.seed(), c.maxBatches(), 0));
        assertConsistent(loose);
        assertConsistent(strict);
        String where = loose + " / " + strict + " (seed " + SEED + ")";
        assertEquals(0, loose.hits(), where);
        assertTrue(loose.compensationBatches() > 0, "fp16 gradients differ on some live kink: " + where);
        assertEquals(0, strict.compensationBatches(), where);
        assertTrue(strict.hits() > 0, where);
    }

    @Test
    void fp16HitsAndFp64DoesNot() {
        Bifurcation.Result half = Bifurcation.run(train, config(Precision.FP16, 2, 3));
        assertConsistent(half);
        assertTrue(half.hits() > 0 && half.zeroRate() > 0, "fp16 lands on ReLU kinks: " + half + " (seed " + SEED + ")");
        Bifurcation.Result dbl = Bifurcation.run(train, config(Precision.FP64, 2, 2));
        assertConsistent(dbl);
        assertEquals(0, dbl.hits(), dbl + " (seed " + SEED + ")");
        assertEquals(2L * 6, dbl.batchesChecked(), "no hit: every initialization runs all its mini-batches");
    }

    @Test
    void skippingTheSecondCopyWithoutLiveKinksChangesNothing() {
        for (Precision p : new Precision[] {Precision.FP16, Precision.BF16}) {
            Bifurcation.Result fast = Bifurcation.run(train, config(p, 1, 2), false);
            Bifurcation.Result full = Bifurcation.run(train, config(p, 1, 2), true);
            assertConsistent(fast);
            assertEquals(full.hits(), fast.hits(), p + " (seed " + SEED + ")");
            assertEquals(full.batchesChecked(), fast.batchesChecked(), p + " (seed " + SEED + ")");
            assertEquals(full.zeros(), fast.zeros(), p + " (seed " + SEED + ")");
        }
    }

    @Test
    void theSameSeedGivesTheSameResult() {
        Bifurcation.Result a = Bifurcation.run(train, config(Precision.BF16, 1, 2));
        Bifurcation.Result b = Bifurcation.run(train, config(Precision.BF16, 1, 2));
        assertEquals(a.hits(), b.hits());
        assertEquals(a.batchesChecked(), b.batchesChecked());
        assertEquals(a.zeros(), b.zeros());
    }

    @Test
    void initializationsSideBySideGiveTheSameResult() {
        // bf16 on 4 initializations: some hit early, some run all their mini-batches, so the
        // workers take uneven shares; the sums must not care
        Bifurcation.Config c = config(Precision.BF16, 1, 4);
        Bifurcation.Result one = Bifurcation.run(train, c, false, 1);
        int before = dev.inertia.kernels.Parallel.threads();
        for (int workers : new int[] {3}) {
            Bifurcation.Result many = Bifurcation.run(train, c, false, workers);
            String where = workers + " workers (seed " + SEED + ")";
            assertConsistent(many);
            assertEquals(one.hits(), many.hits(), where);
            assertEquals(one.batchesChecked(), many.batchesChecked(), where);
            assertEquals(one.liveBatches(), many.liveBatches(), where);
            assertEquals(one.zeros(), many.zeros(), where);
            assertEquals(one.kinks().ops(), many.kinks().ops(), where);
            assertEquals(one.kinks().smoothSteps(), many.kinks().smoothSteps(), where);
            assertEquals(before, dev.inertia.kernels.Parallel.threads(), "the kernel threads are restored");
        }
        assertThrows(IllegalArgumentException.class, () -> Bifurcation.run(train, c, false, 0));
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bifurcation.Config(Precision.FP16, 0, 8, 1, 8, 0.1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Bifurcation.Config(Precision.FP16, 1, 8, 1, 8, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Bifurcation.Config(Precision.FP16, 1, 8, 1, 8, 0.1, 1, -1));
    }
}
