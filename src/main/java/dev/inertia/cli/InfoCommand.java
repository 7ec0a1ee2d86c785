package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Simd;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** {@code inertia info}: the JVM, the kernel path chosen and the threads. */
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
            if (args.has("json")) {
                out.println(info);
            } else {
                out.println("Inertia on Java " + Runtime.version() + " (" + System.getProperty("os.arch") + ")");
                out.println("  kernels: " + (Simd.enabled() ? "SIMD " + Simd.species() : "scalar"));
                out.println("  threads: " + Parallel.threads());
            }
        }
    }
}
