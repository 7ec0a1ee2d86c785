package dev.inertia.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.memory.Scope;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written here are read by Python's {@code safetensors} package (the reference reader) or,
 * without it, by PyTorch from the raw layout; and files the reference writes are read here.
 * Skipped, with a message, when /usr/bin/python3 has neither.
 */
class SafeTensorsInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static boolean hasSafetensors;
    private static boolean hasTorch;
    private static boolean hasNumpy;

    @TempDir
    Path dir;

    @BeforeAll
    static void probe() throws Exception {
        if (Files.isExecutable(PYTHON)) {
            // find_spec looks for the packages without importing them (importing torch takes seconds)
            Result r = python("import importlib.util as u; print(*[u.find_spec(m) is not None"
                    + " for m in ('safetensors', 'torch', 'numpy')])");
            List<String> found = List.of(r.output.strip().split(" "));
            if (r.exitCode == 0 && found.size() == 3) {
                hasSafetensors = found.get(0).equals("True");
                hasTorch = found.get(1).equals("True");
                hasNumpy = found.get(2).equals("True");
            }
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result python(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static final String CHECK = """
            import json, math, struct, sys
            path, how = sys.argv[1], sys.argv[2]
            if how == "safetensors":
                from safetensors import safe_open
                framework = "pt" if sys.argv[3] == "torch" else "np"
                with safe_open(path, framework=framework) as f:
                    meta = f.metadata()
                    t = {k: f.get_tensor(k).tolist() for k in f.keys()}
                    shapes = {k: list(f.get_tensor(k).shape) for k in f.keys()}
            else:
                import torch
                kinds = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32,
                         "U8": torch.uint8}
                raw = open(path, "rb").read()
                n, = struct.unpack("<Q", raw[:8])
                header = json.loads(raw[8:8 + n])
                meta = header.pop("__metadata__", None)
                data = bytearray(raw[8 + n:])
                t, shapes = {}, {}
                for k, v in header.items():
                    b, e = v["data_offsets"]
                    x = torch.frombuffer(data[b:e], dtype=kinds[v["dtype"]]).reshape(v["shape"])
                    t[k], shapes[k] = x.tolist(), list(x.shape)
            assert meta == {"format": "pt", "epoch": "3"}, meta
            assert t["w"] == [[0.0, 0.5, 1.0], [1.5, 2.0, 2.5]], t["w"]
            assert t["d"] == [math.pi, -1e-300], t["d"]
            assert t["step"] == 123456789012345 and shapes["step"] == [], (t["step"], shapes["step"])
            assert t["i"] == [7, -1, 0, 2147483647], t["i"]
            assert t["u"] == [0, 255, 17], t["u"]
            print("read OK with", how)
            """;

    @Test
    void referenceReadersReadOurFiles() throws Exception {
        assumeTrue(hasSafetensors && (hasTorch || hasNumpy) || hasTorch,
                "skipped: /usr/bin/python3 has neither safetensors (with torch or numpy) nor torch");
        Path file = dir.resolve("ours.safetensors");
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        t.put("w", SafeTensors.Entry.ofFloats(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, 2, 3));
        t.put("d", SafeTensors.Entry.ofDoubles(new double[] {Math.PI, -1e-300}));
        t.put("step", new SafeTensors.Entry(SafeDtype.I64, new long[0],
                MemorySegment.ofArray(new long[] {123456789012345L})));
        t.put("i", SafeTensors.Entry.ofInts(new int[] {7, -1, 0, Integer.MAX_VALUE}));
        t.put("u", SafeTensors.Entry.ofBytes(new byte[] {0, (byte) 255, 17}));
        SafeTensors.write(file, t, Map.of("format", "pt", "epoch", "3"));
        Result r = hasSafetensors && (hasTorch || hasNumpy)
                ? python(CHECK, file.toString(), "safetensors", hasTorch ? "torch" : "numpy")
                : python(CHECK, file.toString(), "torch");
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("read OK"), r.output);
    }

    @Test
    void weReadTheReferenceWritersFiles() throws Exception {
        assumeTrue(hasSafetensors && hasTorch, "skipped: /usr/bin/python3 lacks safetensors and torch");
        Path file = dir.resolve("theirs.safetensors");
        Result r = python("""
                import sys, torch
                from safetensors.torch import save_file
                save_file({"a": torch.arange(6, dtype=torch.float32).reshape(2, 3),
                           "b": torch.tensor([1, -2], dtype=torch.int64),
                           "c": torch.tensor([0.25], dtype=torch.float64)}, sys.argv[1], metadata={"k": "v"})
                """, file.toString());
        assertEquals(0, r.exitCode, r.output);
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file, scope);
            assertEquals(Map.of("k", "v"), c.metadata());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, c.get("a").toFloatArray());
            assertArrayEquals(new long[] {2, 3}, c.get("a").shape());
            assertArrayEquals(new long[] {1, -2}, c.get("b").toLongArray());
            assertArrayEquals(new double[] {0.25}, c.get("c").toDoubleArray());
            // and our writer lays the same tensors out byte for byte as the reference does
            Path ours = dir.resolve("ours.safetensors");
            SafeTensors.write(ours, c.tensors(), c.metadata());
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(ours));
        }
    }
}
