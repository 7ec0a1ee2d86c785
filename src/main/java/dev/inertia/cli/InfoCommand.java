package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.CacheSizes;
import dev.inertia.kernels.GemmBlocking;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Simd;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** {@code inertia info}: the JVM, the kernel path chosen, the threads, the caches and the GEMM blocking. */
final class InfoCommand {
    private InfoCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("info", argv, Set.of("threads"), Set.of("json"));
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            Json info = new Json()
                    .put("java", Runtime.version().toString())
                    .put("vm", System.getProperty("java.vm.name"))
                    .put("simd", Simd.enabled())
                    .put("vector_bits", Simd.bits())
                    .put("species", Simd.species())
                    .put("vector_module", Simd.vectorModuleReadable())
                    .put("threads", Parallel.threads())
                    .put("processors", Runtime.getRuntime().availableProcessors())
                    .put("os_arch", System.getProperty("os.arch"));
            putCaches(info);
            if (args.has("json")) {
                out.println(info);
            } else {
                out.println("Inertia on Java " + Runtime.version() + " (" + System.getProperty("os.arch") + ")");
                out.println("  kernels: " + (Simd.enabled() ? "SIMD " + Simd.species() : "scalar"));
                out.println("  threads: " + Parallel.threads());
                out.println("  caches: " + CacheSizes.machine());
                out.println("  gemm blocking: " + GemmBlocking.machine());
            }
        }
    }

    /** The detected caches and the GEMM blocking derived from them (also in bench gemm's JSON). */
    static Json putCaches(Json json) {
        CacheSizes caches = CacheSizes.machine();
        GemmBlocking blocking = GemmBlocking.machine();
        return json.put("cache_l1d", caches.l1d())
                .put("cache_l2", caches.l2())
                .put("cache_l3", caches.l3())
                .put("cache_source", caches.source())
                .put("gemm_kc_f32", blocking.kcF32())
                .put("gemm_kc_f64", blocking.kcF64())
                .put("gemm_b_block_bytes", blocking.bBlockBytes());
    }
}
