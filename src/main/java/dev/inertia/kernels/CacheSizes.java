package dev.inertia.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The data cache sizes of one core (L1d, L2, L3), read once at start-up, from which the GEMM
 * derives its blocking ({@link GemmBlocking}).
 *
 * <p>Each size comes from, in this order: the system property ({@value #L1D_PROPERTY},
 * {@value #L2_PROPERTY}, {@value #L3_PROPERTY}; bytes, or a number with K, M or G: {@code 48K},
 * {@code 2M}), Linux's sysfs ({@code /sys/devices/system/cpu/cpu0/cache/index*}/{level, type,
 * size}; on a hybrid CPU that is cpu0's core kind), or the fallback {@link #ZEN4}: the AMD Zen 4
 * sizes the GEMM's constant blocking was measured on before it was derived, so a machine without
 * sysfs (another OS, a container hiding it) runs exactly as before. A property that does not
 * parse is ignored with one warning. {@link #source()} says where the sizes came from.
 *
 * @param l1d the level-1 data cache in bytes
 * @param l2 the level-2 cache in bytes
 * @param l3 the level-3 cache in bytes (0 when the machine reports none)
 * @param source where the sizes came from: {@code sysfs}, {@code properties}, {@code fallback},
 *     or one of these per size when they differ ({@code l1d properties, l2 sysfs, l3 sysfs})
 */
public record CacheSizes(long l1d, long l2, long l3, String source) {
    /** System property overriding the L1 data cache size. */
    public static final String L1D_PROPERTY = "inertia.cache.l1d";
    /** System property overriding the L2 cache size. */
    public static final String L2_PROPERTY = "inertia.cache.l2";
    /** System property overriding the L3 cache size. */
    public static final String L3_PROPERTY = "inertia.cache.l3";
    /** Where Linux describes cpu0's caches. */
    public static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");
    /** The fallback: an AMD Zen 4 core (32 KiB L1d, 1 MiB L2, 32 MiB L3 per CCD). */
    public static final CacheSizes ZEN4 = new CacheSizes(32 << 10, 1 << 20, 32 << 20, "fallback");

    private static final long MAX_SIZE = 1L << 40;

    /** Checks the sizes: L1d and L2 positive, L3 zero or positive, all below 1 TiB. */
    public CacheSizes {
        if (l1d <= 0 || l2 <= 0 || l3 < 0 || l1d > MAX_SIZE || l2 > MAX_SIZE || l3 > MAX_SIZE) {
            throw new IllegalArgumentException("cache sizes out of range: l1d " + l1d + ", l2 " + l2 + ", l3 " + l3);
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a cache size needs its source");
        }
    }

    /** This machine's sizes, detected once per JVM: properties, then sysfs, then {@link #ZEN4}. */
    public static CacheSizes machine() {
        return Machine.SIZES;
    }

    /** Holds the detection so that it runs on first use only. */
    private static final class Machine {
        static final CacheSizes SIZES = detect(SYSFS, System::getProperty);
    }

    /**
     * The sizes from {@code properties} (looked up by the property names; null: unset), then the
     * sysfs directory {@code cacheDir} (laid out as {@link #SYSFS}), then {@link #ZEN4}, size by
     * size.
     */
    public static CacheSizes detect(Path cacheDir, UnaryOperator<String> properties) {
        long[] sysfs = readSysfs(cacheDir);
        long[] fallback = {ZEN4.l1d, ZEN4.l2, ZEN4.l3};
        String[] names = {L1D_PROPERTY, L2_PROPERTY, L3_PROPERTY};
        String[] labels = {"l1d", "l2", "l3"};
        long[] sizes = new long[3];
        String[] sources = new String[3];
        for (int level = 0; level < 3; level++) {
            long property = property(names[level], properties.apply(names[level]), level == 2);
            if (property >= 0) {
                sizes[level] = property;
                sources[level] = "properties";
            } else if (sysfs[level] >= 0) {
                sizes[level] = sysfs[level];
                sources[level] = "sysfs";
            } else {
                sizes[level] = fallback[level];
                sources[level] = "fallback";
            }
        }
        String source = sources[0].equals(sources[1]) && sources[1].equals(sources[2]) ? sources[0]
                : labels[0] + " " + sources[0] + ", " + labels[1] + " " + sources[1] + ", " + labels[2] + " "
                        + sources[2];
        return new CacheSizes(sizes[0], sizes[1], sizes[2], source);
    }

    /**
     * L1d, L2 and L3 from a sysfs cache directory, -1 for each one not found. An index directory
     * whose level, type or size is missing or does not parse is skipped; level 1 counts only as
     * a Data or Unified cache (never the instruction cache).
     */
    static long[] readSysfs(Path cacheDir) {
        long[] found = {-1, -1, -1};
        if (!Files.isDirectory(cacheDir)) {
            return found;
        }
        try (DirectoryStream<Path> indexes = Files.newDirectoryStream(cacheDir, "index*")) {
            for (Path index : indexes) {
                String level = readLine(index.resolve("level")), type = readLine(index.resolve("type"));
                String size = readLine(index.resolve("size"));
                if (level == null || type == null || size == null || type.equals("Instruction")) {
                    continue;
                }
                long bytes = parseSizeOrNegative(size);
                int l;
                try {
                    l = Integer.parseInt(level);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (bytes > 0 && l >= 1 && l <= 3 && (type.equals("Data") || type.equals("Unified"))) {
                    found[l - 1] = bytes;
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable directory is an absent one: the fallback takes over.
            return new long[] {-1, -1, -1};
        }
        return found;
    }

    /**
     * A small file's text (its first 64 bytes: sysfs reports 4096 as every file's size, so the
     * read is bounded instead), trimmed, or null when it cannot be read or is empty.
     */
    private static String readLine(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            String text = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? null : text;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A property's size in bytes, or -1 when unset or (with one warning) unparseable. */
    private static long property(String name, String value, boolean zeroAllowed) {
        if (value == null) {
            return -1;
        }
        long bytes = parseSizeOrNegative(value);
        if (bytes > 0 || (zeroAllowed && bytes == 0)) {
            return bytes;
        }
        System.getLogger("dev.inertia").log(Level.WARNING, "Inertia ignores -D" + name + "=" + value
                + ": expected a size in bytes such as 49152, 48K, 2M or 1G");
        return -1;
    }

    /**
     * Parses a cache size as sysfs and the properties write it: a decimal count of bytes with an
     * optional K, M or G suffix (binary: 1K = 1024) and an optional trailing B or iB
     * ({@code 1536K}, {@code 260M}, {@code 2MiB}); case-insensitive.
     *
     * @throws IllegalArgumentException if the text is not such a size or exceeds 1 TiB
     */
    public static long parseSize(String text) {
        long bytes = parseSizeOrNegative(text);
        if (bytes < 0) {
            throw new IllegalArgumentException("not a cache size: '" + text + "' (expected e.g. 49152, 48K, 2M)");
        }
        return bytes;
    }

    private static long parseSizeOrNegative(String text) {
        if (text == null) {
            return -1;
        }
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> { }
            }
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1).strip();
        if (digits.isEmpty() || digits.length() > 13 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1;
        }
        long count = Long.parseLong(digits);
        return count > MAX_SIZE / unit ? -1 : count * unit;
    }

    /** A size as people write it: whole KiB, MiB or GiB when exact ({@code 48K}, {@code 2M}), else bytes. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "G";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "M";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "K";
        }
        return Long.toString(bytes);
    }

    /** The sizes and their source, as {@code inertia info} prints them. */
    @Override
    public String toString() {
        return "L1d " + format(l1d) + ", L2 " + format(l2) + ", L3 " + format(l3) + " (" + source + ")";
    }
}
