package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class KinkMonitorTest {
    private static KinkReport report(long hits0, long live0, long hits1, long live1) {
        return new KinkReport("backward", List.of(new KinkReport.Entry(2, "relu", hits0, live0),
                new KinkReport.Entry(5, "maxPool2d", hits1, live1)));
    }

    @Test
    void sumsPerOpAndCountsSmoothSteps() {
        KinkMonitor m = new KinkMonitor();
        assertEquals(1.0, m.smoothShare());
        m.record(report(3, 0, 1, 0));
        m.record(report(2, 1, 0, 0));
        m.record(report(0, 0, 4, 2));
        m.record(report(0, 0, 0, 0));
        assertEquals(4, m.steps());
        assertEquals(2, m.smoothSteps());
        assertEquals(0.5, m.smoothShare());
        assertEquals(List.of(new KinkMonitor.OpTotals(2, "relu", 5, 1, 1),
                new KinkMonitor.OpTotals(5, "maxPool2d", 5, 2, 1)), m.ops());
        String summary = m.summary();
        assertTrue(summary.contains("provably smooth steps: 2 of 4 (50.00%)"), summary);
    }

    @Test
    void addingMonitorsIsRecordingTheirSteps() {
        KinkMonitor all = new KinkMonitor(), a = new KinkMonitor(), b = new KinkMonitor();
        KinkReport[] reports = {report(3, 0, 1, 0), report(2, 1, 0, 0), report(0, 0, 4, 2)};
        for (int i = 0; i < reports.length; i++) {
            all.record(reports[i]);
            (i == 1 ? a : b).record(reports[i]);
        }
        KinkMonitor sum = new KinkMonitor();
        sum.add(a);
        sum.add(b);
        sum.add(new KinkMonitor());
        assertEquals(all.ops(), sum.ops());
        assertEquals(all.steps(), sum.steps());
        assertEquals(all.smoothSteps(), sum.smoothSteps());
        KinkMonitor other = new KinkMonitor();
        other.record(new KinkReport("backward", List.of(new KinkReport.Entry(2, "abs", 1, 0))));
        assertThrows(IllegalArgumentException.class, () -> sum.add(other));
    }

    @Test
    void recordsATapesReports() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            KinkMonitor m = new KinkMonitor();
            for (double[] x : new double[][] {{1, -2, 3}, {0, -1, 2}}) {
                tape.reset();
                Var v = tape.param(Tensor.of(scope, x, 3));
                tape.backward(v.relu().sum());
                m.record(tape.kinkReport());
            }
            assertEquals(List.of(new KinkMonitor.OpTotals(0, "relu", 1, 1, 1)), m.ops());
            assertEquals(0.5, m.smoothShare());
        }
    }

    @Test
    void anotherComputationIsRefused() {
        KinkMonitor m = new KinkMonitor();
        m.record(report(0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> m.record(new KinkReport("backward",
                List.of(new KinkReport.Entry(2, "abs", 0, 0)))));
    }
}
