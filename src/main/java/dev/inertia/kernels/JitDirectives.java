package dev.inertia.kernels;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.management.ObjectName;

/**
 * Keeps HotSpot's C1 compiler away from the GEMM microkernels.
 *
 * <p>Why: C1 does not intrinsify the Vector API, so a microkernel compiled by C1 boxes every
 * vector and runs at a few GFLOP/s. Under load the tiered policy may compile a microkernel at
 * tier 2 and then fail its tier-3 (profiling) compilation ("out of virtual registers in linear
 * scan"), which can leave it in C1 code for minutes. With C1 excluded for these methods, the
 * interpreter profiles them and C2 compiles them directly, as {@code -XX:-TieredCompilation}
 * would, but only for them. Installed once, through the JVM's diagnostic command MBean
 * ({@code jcmd Compiler.directives_add}); {@code -Dinertia.jit.directives=false} turns it off.
 */
final class JitDirectives {
    static final String PROPERTY = "inertia.jit.directives";
    static final String DIRECTIVE = """
            [ { match: ["dev.inertia.kernels.simd.GemmF32::kernel*",
                        "dev.inertia.kernels.simd.GemmF64::kernel*"],
                c1: { Exclude: true } } ]
            """;
    private static boolean installed;

    private JitDirectives() {}

    /** Installs the directive once; a JVM that refuses it only costs a warning. */
    static synchronized boolean install() {
        if (installed || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return installed;
        }
        Path file = null;
        try {
            file = Files.createTempFile("inertia-jit-", ".json");
            Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
            Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            installed = reply == null || !String.valueOf(reply).toLowerCase(Locale.ROOT).contains("error");
            if (!installed) {
                warn(String.valueOf(reply).trim());
            }
        } catch (Exception | LinkageError e) {
            warn(e.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
        return installed;
    }

    private static void warn(String why) {
        System.getLogger("dev.inertia").log(Level.WARNING,
                "could not keep C1 away from the GEMM microkernels (" + why + "); under load they may run"
                        + " unvectorized for a while: -XX:-TieredCompilation avoids that");
    }
}
