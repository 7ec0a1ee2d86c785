package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.ImageDataset;
import dev.inertia.data.FashionMnist;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The max-pool variant on two small mini-batches of the bundled sample. */
class PoolBifurcationTest {
    private static final long SEED = 3;

    @Test
    void countsAreConsistentAndTheThresholdsThePapers() throws IOException {
        ImageDataset train = FashionMnist.load(FashionMnist.locate(null, name -> null, null)).train();
        for (Precision p : new Precision[] {Precision.FP16, Precision.FP64}) {
            PoolBifurcation.Result r = PoolBifurcation.run(train, new PoolBifurcation.Config(p, 2, 1, 8, 0.01, SEED, 2));
            String where = r + " (seed " + SEED + ")";
            assertEquals(2, r.batchesChecked(), where);
            assertTrue(r.hitBatches() <= r.liveBatches() && r.liveBatches() <= r.batchesChecked(), where);
            assertEquals(r.hitBatches() > 0 ? 1 : 0, r.hitInits(), where);
            assertTrue(r.largest() >= 0, where);
            assertEquals(r.batchesChecked(), r.noDifferenceBatches() + r.compensationBatches() + r.hitBatches(), where);
            assertEquals(r.batchesChecked(), r.differences().total(), where);
            assertEquals(GradientZone.defaultTau(p), r.config().tau(), where);
            assertEquals(2, r.kinks().steps(), where);
            assertEquals(4, r.kinks().ops().size(), "two ReLUs and two max-pools: " + where);
        }
        assertEquals(1e-3, PoolBifurcation.threshold(Precision.FP16));
        assertEquals(1e-7, PoolBifurcation.threshold(Precision.FP32));
        assertEquals(1e-15, PoolBifurcation.threshold(Precision.FP64));
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PoolBifurcation.Config(Precision.FP32, 0, 1, 8, 0.1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PoolBifurcation.Config(Precision.FP32, 2, 1, 8, -0.1, 1, 0));
    }
}
