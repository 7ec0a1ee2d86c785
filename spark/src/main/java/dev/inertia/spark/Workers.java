package dev.inertia.spark;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The idle {@link Worker}s of this JVM by fit: a task borrows one (or builds one, the first time
 * a task slot of this executor runs a task of the fit) and gives it back, so that concurrent
 * tasks in one executor each have their own model. {@link SparkTrainer} closes a fit's workers
 * when it ends.
 */
final class Workers {
    private static final Map<String, Deque<Worker>> IDLE = new ConcurrentHashMap<>();

    private Workers() {
    }

    static Worker borrow(Plan plan, PackedPartition part) {
        Deque<Worker> idle = IDLE.computeIfAbsent(plan.job(), j -> new ConcurrentLinkedDeque<>());
        for (Worker w; (w = idle.pollFirst()) != null; ) {
            if (w.fits(part)) {
                return w;
            }
            w.close();
        }
        return new Worker(plan, part.features, part.targetWidth);
    }

    static void release(Worker w) {
        IDLE.computeIfAbsent(w.job(), j -> new ConcurrentLinkedDeque<>()).addFirst(w);
    }

    /** Closes this JVM's idle workers of fit {@code job}; returns how many. */
    static int closeAll(String job) {
        Deque<Worker> idle = IDLE.remove(job);
        int n = 0;
        if (idle != null) {
            for (Worker w; (w = idle.pollFirst()) != null; n++) {
                w.close();
            }
        }
        return n;
    }

    /** Idle workers of fit {@code job} in this JVM (for tests). */
    static int idle(String job) {
        Deque<Worker> idle = IDLE.get(job);
        return idle == null ? 0 : idle.size();
    }
}
