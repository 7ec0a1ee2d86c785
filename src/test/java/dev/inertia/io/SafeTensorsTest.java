package dev.inertia.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    static Map<String, SafeTensors.Entry> sampleTensors() {
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        t.put("weight", SafeTensors.Entry.ofFloats(new float[] {1.5f, -2f, 0f, Float.MIN_VALUE, 3e38f, -0f}, 2, 3));
        t.put("bias", SafeTensors.Entry.ofFloats(new float[] {0.25f, Float.NaN}));
        t.put("psi", SafeTensors.Entry.ofDoubles(new double[] {Math.PI, -1e-300}, 2));
        t.put("step", new SafeTensors.Entry(SafeDtype.I64, new long[0],
                MemorySegment.ofArray(new long[] {123456789012345L})));
        t.put("labels", SafeTensors.Entry.ofInts(new int[] {7, -1, 0, Integer.MAX_VALUE}, 4, 1));
        t.put("pixels", SafeTensors.Entry.ofBytes(new byte[] {0, (byte) 255, 17}));
        t.put("empty", SafeTensors.Entry.ofFloats(new float[0], 0, 5));
        return t;
    }

    @Test
    void roundTripsEveryDtypeAndTheMetadata() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, String> meta = Map.of("format", "pt", "epoch", "3", "note", "quote \" and \\ and ünïcode");
        SafeTensors.write(file, sampleTensors(), meta);
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file, scope);
            assertEquals(meta, c.metadata());
            assertEquals(sampleTensors(), c.tensors());
            assertArrayEquals(new long[] {2, 3}, c.get("weight").shape());
            assertArrayEquals(new long[0], c.get("step").shape());
            assertEquals(123456789012345L, c.get("step").toLongArray()[0]);
            assertArrayEquals(new int[] {7, -1, 0, Integer.MAX_VALUE}, c.get("labels").toIntArray());
            assertArrayEquals(new byte[] {0, (byte) 255, 17}, c.get("pixels").toByteArray());
            assertTrue(Float.isNaN(c.get("bias").toFloatArray()[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.get("nope"));
            assertTrue(e.getMessage().contains("has no tensor 'nope'"), e.getMessage());
        }
    }

    @Test
    void layoutFollowsTheReferenceWriter() throws IOException {
        // the example of the reference implementation's documentation, padded to 8 bytes
        Path file = dir.resolve("ref.safetensors");
        SafeTensors.write(file, Map.of("test", SafeTensors.Entry.ofInts(new int[4], 2, 2)));
        byte[] bytes = Files.readAllBytes(file);
        String json = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        assertEquals(64, json.length() + 4);
        assertEquals(64, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(json + "    ", new String(bytes, 8, 64, StandardCharsets.UTF_8));
        assertEquals(8 + 64 + 16, bytes.length);

        // widest dtype first, then by name; metadata first with sorted keys
        SafeTensors.write(file, sampleTensors(), Map.of("b", "2", "a", "1"));
        bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"},\"step\":{\"dtype\":\"I64\""), header);
        List<String> order = new ArrayList<>();
        for (String name : List.of("step", "psi", "bias", "empty", "weight", "labels", "pixels")) {
            order.add(name);
            assertTrue(header.contains("\"" + name + "\":"), name);
        }
        int last = -1;
        for (String name : order) {
            int at = header.indexOf("\"" + name + "\":");
            assertTrue(at > last, "order I64, F64, F32 (bias, empty, weight), I32, U8 (reference enum order, descending): " + header);
            last = at;
        }
        // little-endian data right after the header: step, then psi = [pi, -1e-300]
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n, bytes.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(123456789012345L, data.getLong());
        assertEquals(Math.PI, data.getDouble());
    }

    @Test
    void tensorsInAndOut() throws IOException {
        Path file = dir.resolve("t.safetensors");
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.of(scope, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
            Tensor d = Tensor.of(scope, new double[] {0.5, -0.5}, 2);
            SafeTensors.write(file, Map.of("w", SafeTensors.Entry.of(w), "d", SafeTensors.Entry.of(d)));
            SafeTensors.Contents c = SafeTensors.read(file, scope);
            Tensor back = c.get("w").toTensor();
            assertEquals(DType.F32, back.dtype());
            assertArrayEquals(new int[] {3, 2}, back.shape());
            assertArrayEquals(w.toFloatArray(), back.toFloatArray());
            Tensor into = Tensor.zeros(scope, DType.F64, 2);
            c.get("d").copyTo(into);
            assertArrayEquals(new double[] {0.5, -0.5}, into.toDoubleArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.get("w").copyTo(Tensor.zeros(scope, DType.F32, 2, 3)));
            assertTrue(e.getMessage().contains("F32[3, 2]"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> SafeTensors.Entry.ofInts(new int[1]).toTensor());
        }
    }

    @Test
    void replacesAtomicallyAndAFailedWriteLeavesThePreviousFile() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, Map.of("a", SafeTensors.Entry.ofFloats(new float[] {1})), Map.of("v", "1"));
        byte[] first = Files.readAllBytes(file);
        SafeTensors.write(file, Map.of("a", SafeTensors.Entry.ofFloats(new float[] {2})), Map.of("v", "2"));
        byte[] second = Files.readAllBytes(file);
        assertFalse(Arrays.equals(first, second), "replaced");

        // a tensor whose memory was freed fails the write after the header went out
        Tensor freed;
        try (Scope scope = Scope.open()) {
            freed = Tensor.zeros(scope, DType.F32, 1000);
            Map<String, SafeTensors.Entry> doomed = new LinkedHashMap<>();
            doomed.put("a", SafeTensors.Entry.ofFloats(new float[] {3}));
            doomed.put("b", SafeTensors.Entry.of(freed));
            scope.close();
            assertThrows(IllegalStateException.class, () -> SafeTensors.write(file, doomed, Map.of("v", "3")));
        }
        assertArrayEquals(second, Files.readAllBytes(file), "the previous file is intact");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }

        // a target that cannot be replaced (a non-empty directory) fails the same clean way
        Path blocked = Files.createDirectories(dir.resolve("blocked"));
        Files.writeString(blocked.resolve("inside"), "x");
        assertThrows(IOException.class,
                () -> SafeTensors.write(blocked, Map.of("a", SafeTensors.Entry.ofFloats(new float[] {1}))));
        assertTrue(Files.isDirectory(blocked));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "still only the checkpoint and the directory");
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensors.Entry(SafeDtype.F32, new long[] {3}, MemorySegment.ofArray(new float[2])));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"),
                Map.of(SafeTensors.METADATA_KEY, SafeTensors.Entry.ofFloats(new float[1]))));
    }

    // ---- corrupt files ---------------------------------------------------------------------

    private Path withHeader(String name, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return Files.write(dir.resolve(name), b.array());
    }

    private static void assertCorrupt(Path file, String expected) {
        try (Scope scope = Scope.open()) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file, scope));
            String m = e.getMessage();
            assertTrue(m.startsWith(file + ": corrupt or truncated safetensors file: "), m);
            assertTrue(m.contains(expected), "'" + m + "' should say '" + expected + "'");
            assertFalse(m.contains("\n"), "one line: " + m);
        }
    }

    private static String info(String dtype, String shape, long begin, long end) {
        return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void corruptHeadersAreRejectedWithOneClearLine() throws IOException {
        assertCorrupt(Files.write(dir.resolve("tiny"), new byte[5]), "fewer than the 8");
        byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L).array();
        assertCorrupt(Files.write(dir.resolve("huge"), huge), "beyond the format's limit");
        byte[] negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array();
        assertCorrupt(Files.write(dir.resolve("neg"), negative), "header length 18446744073709551608");
        byte[] past = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array();
        assertCorrupt(Files.write(dir.resolve("past"), past), "runs past the end of the 16-byte file");
        byte[] notUtf8 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4)
                .put(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}).array();
        assertCorrupt(Files.write(dir.resolve("utf8"), notUtf8), "not valid UTF-8");
        assertCorrupt(withHeader("start", "[1]     ", 0), "does not start with '{'");
        assertCorrupt(withHeader("json", "{\"a\":{\"dtype\":\"F32\",}", 0), "not valid JSON: expected a quoted member name but found '}' at character 20");
        assertCorrupt(withHeader("dtype", "{\"a\":" + info("F33", "[1]", 0, 4) + "}", 4),
                "tensor 'a' has unknown dtype \"F33\"");
        assertCorrupt(withHeader("nodtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a' has no string \"dtype\"");
        assertCorrupt(withHeader("shape", "{\"a\":" + info("F32", "[2,3]", 0, 20) + "}", 20),
                "tensor 'a' is F32[2, 3], 24 bytes, but its data_offsets [0, 20] span 20");
        assertCorrupt(withHeader("negshape", "{\"a\":" + info("F32", "[-1]", 0, 4) + "}", 4),
                "\"shape\" value -1, not a non-negative integer");
        assertCorrupt(withHeader("floatshape", "{\"a\":" + info("F32", "[1.0]", 0, 4) + "}", 4),
                "\"shape\" value 1.0, not a non-negative integer");
        assertCorrupt(withHeader("bigshape", "{\"a\":" + info("F32", "[2147483647,2147483647,2147483647]", 0, 4) + "}", 4),
                "too large to address");
        assertCorrupt(withHeader("offsets3", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4),
                "has 3 \"data_offsets\", not 2");
        assertCorrupt(withHeader("backwards", "{\"a\":" + info("U8", "[0]", 4, 0) + "}", 4), "end before they begin");
        assertCorrupt(withHeader("gap", "{\"a\":" + info("F32", "[1]", 0, 4) + ",\"b\":" + info("F32", "[1]", 8, 12)
                + "}", 12), "tensor 'b' starts at data offset 8 but the data before it ends at 4");
        assertCorrupt(withHeader("overlap", "{\"a\":" + info("F32", "[2]", 0, 8) + ",\"b\":" + info("F32", "[1]", 4, 8)
                + "}", 8), "tensor 'b' starts at data offset 4 but the data before it ends at 8");
        assertCorrupt(withHeader("notzero", "{\"a\":" + info("F32", "[1]", 4, 8) + "}", 8),
                "tensor 'a' starts at data offset 4 but the data before it ends at 0");
        assertCorrupt(withHeader("truncated", "{\"a\":" + info("F32", "[4]", 0, 16) + "}", 10),
                "the tensors need 16 data bytes but the file holds only 10 after the header (truncated?)");
        assertCorrupt(withHeader("extra", "{\"a\":" + info("F32", "[1]", 0, 4) + "}", 9),
                "5 bytes follow the last tensor's data");
        assertCorrupt(withHeader("meta", "{\"__metadata__\":{\"k\":1}}", 0), "metadata 'k' is not a string");
        assertCorrupt(withHeader("metaobj", "{\"__metadata__\":[]}", 0), "'__metadata__' is not an object");
        assertCorrupt(withHeader("dup", "{\"a\":" + info("F32", "[0]", 0, 0) + ",\"a\":" + info("F32", "[0]", 0, 0)
                + "}", 0), "duplicate member \"a\"");
    }

    /** Issue 18, items 1 and 3: the hostile headers found, each one SafeTensorsException line. */
    @Test
    void hostileHeadersFoundByHandAreOneLine() throws IOException {
        // an empty tensor with a dimension beyond int used to escape as ArithmeticException
        assertCorrupt(withHeader("intdim", "{\"a\":" + info("F32", "[1]", 0, 4) + ",\"zz.weight\":"
                + info("F32", "[0,3000000000]", 4, 4) + "}", 4), "tensor 'zz.weight' has a shape [0, 3000000000] with"
                + " a dimension beyond 2147483647");
        // a 10-million-digit integer used to be converted to a BigInteger (minutes): refused by its length
        assertCorrupt(withHeader("digits", "{\"x\":" + "9".repeat(10_000_000) + "}", 0),
                "a number longer than " + JsonParser.MAX_NUMBER_CHARS + " characters at character 5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafeTensors.Entry(SafeDtype.F32, new long[] {0, 3_000_000_000L},
                        MemorySegment.ofArray(new float[0])).intShape());
        assertTrue(e.getMessage().contains("dimension 1 of shape [0, 3000000000] is beyond"), e.getMessage());
    }

    @Test
    void acceptsWhatTheReferenceAccepts() throws IOException {
        // any key order, unknown fields ignored, null metadata, an empty file of tensors
        Path p = withHeader("ok", "{\"b\":" + info("U8", "[2]", 2, 4) + ", \"a\":{\"data_offsets\":[0,2],\"shape\":[1],"
                + "\"dtype\":\"F16\",\"extra\":true}, \"__metadata__\":null}  ", 4);
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(p, scope);
            assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()), "in data order");
            assertEquals(Map.of(), c.metadata());
            assertEquals(DType.F16, c.get("a").toTensor().dtype());
            SafeTensors.write(dir.resolve("none"), Map.of());
            assertEquals(Map.of(), SafeTensors.read(dir.resolve("none"), scope).tensors());
        }
    }

    /** Every truncation and many random byte flips: a SafeTensorsException or a valid read, nothing else. */
    @Test
    void anyDamageGivesAClearMessage() throws IOException {
        long seed = 77L;
        Path good = dir.resolve("good");
        SafeTensors.write(good, sampleTensors(), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("bad");
        SplittableRandom random = new SplittableRandom(seed);
        try (Scope scope = Scope.open()) {
            for (int cut = 0; cut < bytes.length; cut++) {
                Files.write(bad, Arrays.copyOf(bytes, cut));
                assertThrows(SafeTensorsException.class, () -> SafeTensors.read(bad, scope), "cut at " + cut);
            }
            for (int trial = 0; trial < 400; trial++) {
                byte[] damaged = bytes.clone();
                // mostly in the header, where the interesting failures are
                int at = random.nextInt(Math.min(damaged.length, 8 + 400));
                damaged[at] ^= (byte) (1 + random.nextInt(255));
                Files.write(bad, damaged);
                try {
                    SafeTensors.read(bad, scope);
                } catch (SafeTensorsException e) {
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                } catch (Exception e) {
                    fail("trial " + trial + " (seed " + seed + ", byte " + at + "): unexpected " + e, e);
                }
            }
        }
    }
}
