package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sysfs reader on fixture directories, the size parser, and the property overrides. */
class CacheSizesTest {
    private static final Map<String, String> NO_PROPERTIES = Map.of();

    @TempDir
    Path dir;

    /** One index directory; a null value leaves that file out. */
    private void index(int i, String level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + i));
        if (level != null) {
            Files.writeString(d.resolve("level"), level + "\n");
        }
        if (type != null) {
            Files.writeString(d.resolve("type"), type + "\n");
        }
        if (size != null) {
            Files.writeString(d.resolve("size"), size + "\n");
        }
    }

    private CacheSizes detect(Map<String, String> properties) {
        return CacheSizes.detect(dir, properties::get);
    }

    @Test
    void intelXeonLayout() throws IOException {
        index(0, "1", "Data", "48K");
        index(1, "1", "Instruction", "32K");
        index(2, "2", "Unified", "2048K");
        index(3, "3", "Unified", "266240K");
        assertEquals(new CacheSizes(48 << 10, 2 << 20, 260L << 20, "sysfs"), detect(NO_PROPERTIES));
    }

    @Test
    void amdZen4Layout() throws IOException {
        // Zen 4 lists the instruction cache first.
        index(0, "1", "Instruction", "32K");
        index(1, "1", "Data", "32K");
        index(2, "2", "Unified", "1024K");
        index(3, "3", "Unified", "32768K");
        CacheSizes c = detect(NO_PROPERTIES);
        assertEquals(new CacheSizes(32 << 10, 1 << 20, 32 << 20, "sysfs"), c);
        assertEquals(GemmBlocking.derive(CacheSizes.ZEN4), GemmBlocking.derive(c));
    }

    @Test
    void oddSizesParse() throws IOException {
        index(0, "1", "Data", "80K");
        index(2, "2", "Unified", "1536K");
        index(3, "3", "Unified", "260M");
        assertEquals(new CacheSizes(80 << 10, 1536 << 10, 260L << 20, "sysfs"), detect(NO_PROPERTIES));
    }

    @Test
    void missingOrBrokenFilesFallBackSizeBySize() throws IOException {
        index(0, "1", "Data", null); // no size: skipped
        index(1, "1", "Instruction", "64K"); // never the L1d
        index(2, "2", "Unified", "2048K");
        index(3, null, "Unified", "32M"); // no level: skipped
        index(4, "x", "Unified", "8M"); // level does not parse: skipped
        index(5, "3", "Unified", "lots"); // size does not parse: skipped
        CacheSizes c = detect(NO_PROPERTIES);
        assertEquals(new CacheSizes(32 << 10, 2 << 20, 32 << 20, "l1d fallback, l2 sysfs, l3 fallback"), c);
    }

    @Test
    void absentDirectoryIsTheZen4Fallback() {
        CacheSizes c = CacheSizes.detect(dir.resolve("no-such-dir"), NO_PROPERTIES::get);
        assertEquals(CacheSizes.ZEN4, c);
        assertEquals(new GemmBlocking(1024, 512, 384 << 10), GemmBlocking.derive(c));
    }

    @Test
    void emptyDirectoryIsTheZen4Fallback() {
        assertEquals(CacheSizes.ZEN4, detect(NO_PROPERTIES));
    }

    @Test
    void propertiesOverrideSysfs() throws IOException {
        index(0, "1", "Data", "48K");
        index(2, "2", "Unified", "2048K");
        index(3, "3", "Unified", "266240K");
        CacheSizes c = detect(Map.of(CacheSizes.L1D_PROPERTY, "32K", CacheSizes.L2_PROPERTY, "1M"));
        assertEquals(new CacheSizes(32 << 10, 1 << 20, 260L << 20, "l1d properties, l2 properties, l3 sysfs"), c);
        CacheSizes all = detect(Map.of(CacheSizes.L1D_PROPERTY, "49152", CacheSizes.L2_PROPERTY, "2MiB",
                CacheSizes.L3_PROPERTY, "0"));
        assertEquals(new CacheSizes(48 << 10, 2 << 20, 0, "properties"), all);
    }

    @Test
    void badPropertiesAreIgnored() throws IOException {
        index(0, "1", "Data", "48K");
        index(2, "2", "Unified", "2048K");
        index(3, "3", "Unified", "32M");
        CacheSizes c = detect(Map.of(CacheSizes.L1D_PROPERTY, "big", CacheSizes.L2_PROPERTY, "0",
                CacheSizes.L3_PROPERTY, "-1M"));
        assertEquals(new CacheSizes(48 << 10, 2 << 20, 32 << 20, "sysfs"), c);
    }

    @Test
    void parseSizeForms() {
        assertEquals(49152, CacheSizes.parseSize("49152"));
        assertEquals(48 << 10, CacheSizes.parseSize("48K"));
        assertEquals(48 << 10, CacheSizes.parseSize(" 48k\n"));
        assertEquals(1536 << 10, CacheSizes.parseSize("1536K"));
        assertEquals(260L << 20, CacheSizes.parseSize("260M"));
        assertEquals(2 << 20, CacheSizes.parseSize("2MiB"));
        assertEquals(2 << 20, CacheSizes.parseSize("2MB"));
        assertEquals(1L << 30, CacheSizes.parseSize("1G"));
        for (String bad : new String[] {"", "K", "-1K", "1.5M", "12Q", "1T", "99999999999999K", "0x10"}) {
            assertThrows(IllegalArgumentException.class, () -> CacheSizes.parseSize(bad), bad);
        }
    }

    @Test
    void formatPrintsWholeUnits() {
        assertEquals("48K", CacheSizes.format(48 << 10));
        assertEquals("2M", CacheSizes.format(2 << 20));
        assertEquals("260M", CacheSizes.format(260L << 20));
        assertEquals("1G", CacheSizes.format(1L << 30));
        assertEquals("1000", CacheSizes.format(1000));
        assertEquals("0", CacheSizes.format(0));
    }

    @Test
    void machineSizesAreValid() {
        CacheSizes m = CacheSizes.machine();
        assertEquals(m, CacheSizes.machine());
        assertEquals(GemmBlocking.derive(m), GemmBlocking.machine());
    }

    @Test
    void outOfRangeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CacheSizes(0, 1, 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> new CacheSizes(1, 1, -1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new CacheSizes(1, 1, 1, " "));
    }
}
