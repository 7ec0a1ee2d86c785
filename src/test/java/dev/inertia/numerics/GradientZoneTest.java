package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.autodiff.Precision;
import org.junit.jupiter.api.Test;

/** The three-way classifier on constructed differences around each precision's τ. */
class GradientZoneTest {
    @Test
    void differencesAtAroundAndAwayFromTau() {
        for (Precision p : new Precision[] {Precision.FP32, Precision.FP16, Precision.BF16, Precision.FP64}) {
            double tau = GradientZone.defaultTau(p);
            String where = p + ", tau " + tau;
            assertEquals(GradientZone.NONE, GradientZone.of(0.0, tau), where);
            assertEquals(GradientZone.NONE, GradientZone.of(-0.0, tau), "-0 is a zero difference: " + where);
            assertEquals(GradientZone.COMPENSATION, GradientZone.of(Double.MIN_VALUE, tau), where);
            assertEquals(GradientZone.COMPENSATION, GradientZone.of(Math.nextDown(tau), tau), where);
            assertEquals(GradientZone.COMPENSATION, GradientZone.of(tau, tau), "tau itself is compensation: " + where);
            assertEquals(GradientZone.BIFURCATION, GradientZone.of(Math.nextUp(tau), tau), where);
            assertEquals(GradientZone.BIFURCATION, GradientZone.of(1.0, tau), where);
            assertEquals(GradientZone.BIFURCATION, GradientZone.of(Double.POSITIVE_INFINITY, tau), where);
            assertEquals(GradientZone.BIFURCATION, GradientZone.of(Double.NaN, tau), "NaN is not rounding: " + where);
        }
        // a gradient difference one fp32 ulp of 1 (1.19e-7) is above fp32's tau, one ulp of 0.5 is not
        assertEquals(GradientZone.BIFURCATION, GradientZone.of(Math.ulp(1f), 1e-7));
        assertEquals(GradientZone.COMPENSATION, GradientZone.of(Math.ulp(0.5f), 1e-7));
        assertEquals(GradientZone.BIFURCATION, GradientZone.of(Double.MIN_VALUE, 0), "tau 0: any difference");
    }

    @Test
    void defaultTausAreTheProtocols() {
        assertEquals(1e-3, GradientZone.defaultTau(Precision.FP16));
        assertEquals(1e-3, GradientZone.defaultTau(Precision.BF16));
        assertEquals(1e-7, GradientZone.defaultTau(Precision.FP32));
        assertEquals(1e-15, GradientZone.defaultTau(Precision.FP64));
    }

    @Test
    void badTausAndDifferencesAreRefused() {
        for (double bad : new double[] {-1e-7, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> GradientZone.checkTau(bad), "tau " + bad);
            assertThrows(IllegalArgumentException.class, () -> GradientZone.of(0, bad), "tau " + bad);
        }
        assertThrows(IllegalArgumentException.class, () -> GradientZone.of(-1e-9, 1e-7));
    }
}
