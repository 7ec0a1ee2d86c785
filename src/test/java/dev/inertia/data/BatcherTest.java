package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.train.Allocations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static final Normalization NORM = new Normalization(0.25, 0.5);

    @Test
    void copiesNormalizedPixelsAndLabels() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(10, 3);
        try (Scope scope = Scope.open()) {
            Batcher b = Batcher.training(d, scope, 4, Batcher.Layout.FLAT, NORM, 99);
            b.startEpoch(0);
            assertTrue(b.next());
            Tensor x = b.images();
            assertEquals(DType.F32, x.dtype());
            assertArrayEquals(new int[] {4, 16}, x.shape());
            for (int i = 0; i < 4; i++) {
                int example = b.exampleIndex(i);
                assertEquals(d.label(example), b.label(i));
                assertEquals(d.label(example), b.labels().getAtIndex(ValueLayout.JAVA_INT, i));
                for (int p = 0; p < 16; p++) {
                    float expected = (float) ((d.pixel(example, p) / 255.0 - 0.25) / 0.5);
                    assertEquals(expected, x.getDouble(i * 16L + p), "example " + example + " pixel " + p);
                }
            }
        }
    }

    @Test
    void dropPolicyDeliversOnlyFullBatchesOfDistinctExamples() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(10, 3);
        try (Scope scope = Scope.open()) {
            Batcher b = Batcher.training(d, scope, 4, Batcher.Layout.FLAT, NORM, 5);
            assertEquals(2, b.batchesPerEpoch());
            assertEquals(8, b.examplesPerEpoch());
            b.startEpoch(0);
            List<Integer> seen = new ArrayList<>();
            while (b.next()) {
                assertEquals(4, b.size());
                assertArrayEquals(new int[] {4, 16}, b.images().shape());
                assertEquals(16, b.labels().byteSize());
                for (int i = 0; i < b.size(); i++) {
                    seen.add(b.exampleIndex(i));
                }
            }
            assertEquals(8, seen.stream().distinct().count(), "no example twice: " + seen);
            assertFalse(b.next(), "stays over");
            assertEquals(0, b.size());
        }
    }

    @Test
    void keepPolicyEndsWithAPartialBatchViewOfTheSameMemory() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(10, 3);
        try (Scope scope = Scope.open()) {
            Batcher b = Batcher.evaluation(d, scope, 4, Batcher.Layout.IMAGE, NORM);
            assertEquals(3, b.batchesPerEpoch());
            assertEquals(10, b.examplesPerEpoch());
            b.startEpoch(0);
            int[] sizes = new int[3];
            int[] order = new int[10];
            int k = 0;
            long address = -1;
            for (int batch = 0; b.next(); batch++) {
                sizes[batch] = b.size();
                assertArrayEquals(new int[] {b.size(), 1, 4, 4}, b.images().shape());
                assertEquals(4L * b.size(), b.labels().byteSize());
                long a = b.images().segment().address();
                assertTrue(address == -1 || address == a, "same memory for every batch");
                address = a;
                for (int i = 0; i < b.size(); i++) {
                    order[k++] = b.exampleIndex(i);
                }
            }
            assertArrayEquals(new int[] {4, 4, 2}, sizes);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, order, "evaluation keeps data-set order");
        }
    }

    @Test
    void reusesTheSameTensorsEveryStepAndEpoch() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(20, 4);
        try (Scope scope = Scope.open()) {
            Batcher b = Batcher.training(d, scope, 5, Batcher.Layout.FLAT, NORM, 1);
            b.startEpoch(0);
            b.next();
            Tensor images = b.images();
            MemorySegment labels = b.labels();
            for (int epoch = 0; epoch < 3; epoch++) {
                b.startEpoch(epoch);
                while (b.next()) {
                    assertSame(images, b.images());
                    assertSame(labels, b.labels());
                }
            }
        }
    }

    @Test
    void resumingMidEpochGivesTheSameBatches() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(50, 5);
        try (Scope scope = Scope.open()) {
            Batcher straight = Batcher.training(d, scope, 8, Batcher.Layout.FLAT, NORM, 1234);
            Batcher resumed = Batcher.training(d, scope, 8, Batcher.Layout.FLAT, NORM, 1234);
            straight.startEpoch(2);
            straight.next();
            straight.next();
            straight.next();
            resumed.startEpoch(2, 3);
            while (straight.next()) {
                assertTrue(resumed.next());
                assertEquals(straight.batchesDone(), resumed.batchesDone());
                assertArrayEquals(straight.images().toFloatArray(), resumed.images().toFloatArray(), "seed 1234");
                for (int i = 0; i < 8; i++) {
                    assertEquals(straight.label(i), resumed.label(i));
                }
            }
            assertFalse(resumed.next());
        }
    }

    @Test
    void epochsReshuffleReproducibly() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(40, 4);
        try (Scope scope = Scope.open()) {
            int[][] a = orders(Batcher.training(d, scope, 10, Batcher.Layout.FLAT, NORM, 7), 2);
            int[][] b = orders(Batcher.training(d, scope, 10, Batcher.Layout.FLAT, NORM, 7), 2);
            assertArrayEquals(a, b, "seed 7");
            assertFalse(Arrays.equals(a[0], a[1]), "epochs differ");
        }
    }

    private static int[][] orders(Batcher b, int epochs) {
        int[][] out = new int[epochs][b.dataset().size()];
        for (int e = 0; e < epochs; e++) {
            b.startEpoch(e);
            int k = 0;
            while (b.next()) {
                for (int i = 0; i < b.size(); i++) {
                    out[e][k++] = b.exampleIndex(i);
                }
            }
        }
        return out;
    }

    @Test
    void stepsAllocateNoHeap() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(1000, 10);
        try (Scope scope = Scope.open()) {
            Batcher b = Batcher.training(d, scope, 16, Batcher.Layout.FLAT, NORM, 3);
            b.startEpoch(0);
            for (int i = 0; i < 20; i++) {
                b.next();
            }
            long before = Allocations.currentThread();
            for (int i = 0; i < 50; i++) {
                b.next();
                b.images();
                b.labels();
            }
            long allocated = Allocations.currentThread() - before;
            assertTrue(allocated < 1024, "50 steps allocated " + allocated + " bytes of heap");
        }
    }

    @Test
    void badArguments() throws IdxFormatException {
        ImageDataset d = IdxFixtures.dataset(10, 3);
        try (Scope scope = Scope.open()) {
            assertThrows(IllegalArgumentException.class,
                    () -> Batcher.training(d, scope, 0, Batcher.Layout.FLAT, NORM, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Batcher.training(d, scope, 11, Batcher.Layout.FLAT, NORM, 1));
            assertTrue(e.getMessage().contains("no batch would remain"), e.getMessage());
            Batcher b = Batcher.evaluation(d, scope, 11, Batcher.Layout.FLAT, NORM);
            assertThrows(IllegalStateException.class, b::next);
            b.startEpoch(0);
            assertTrue(b.next());
            assertEquals(10, b.size());
            assertArrayEquals(new int[] {10, 16}, b.images().shape());
            assertThrows(IllegalArgumentException.class, () -> b.startEpoch(0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> b.label(10));
        }
    }
}
