package dev.inertia.cli;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Up-front size checks for the commands whose flags decide how much memory they allocate
 * ({@code bench gemm}, {@code cost}, {@code bifurcation}): a size that cannot work is one clear
 * line before anything is allocated, not an out-of-memory stack trace minutes later. The
 * estimates are lower bounds (the largest tensors a command certainly holds), so a run this lets
 * through may still need more, but one it refuses could never have worked.
 */
final class Footprint {
    /** The most elements one tensor may have: kernels take int lengths. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Footprint() {}

    /**
     * Fails with a {@link UsageException} naming {@code flags} when the largest tensor of
     * {@code largestElements} elements is over {@link #MAX_ELEMENTS}, or when {@code bytes} (the
     * whole, at least) exceed this machine's memory.
     */
    static void check(String flags, String largest, double largestElements, double bytes) {
        if (largestElements > MAX_ELEMENTS) {
            throw new UsageException(String.format(Locale.ROOT, "%s is too large: %s would have %.3g elements, more"
                    + " than the %,d one tensor can hold", flags, largest, largestElements, MAX_ELEMENTS));
        }
        long memory = physicalMemory();
        if (bytes > memory) {
            throw new UsageException(String.format(Locale.ROOT, "%s is too large: it needs at least %s, this machine"
                    + " has %s of memory", flags, human(bytes), human(memory)));
        }
    }

    /** The machine's physical memory in bytes, or {@link Long#MAX_VALUE} when the JVM cannot tell. */
    static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            return total > 0 ? total : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    static String human(double bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f bytes", bytes) : String.format(Locale.ROOT, "%.1f %s", bytes,
                units[u]);
    }
}
