package dev.inertia.kernels;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides once, at start-up, whether kernels run on the Vector API or on their scalar twins,
 * and at which vector width.
 *
 * <p>SIMD needs three things, checked once in this order: {@code jdk.incubator.vector} readable by
 * the library, HotSpot's C2 compiler on, and vectors of at least 128 bits. Without any of them
 * every kernel family runs its scalar twin and ONE warning says why and what it costs.
 *
 * <p>The SIMD implementations live in {@code dev.inertia.kernels.simd} and are loaded by name
 * only when {@code jdk.incubator.vector} is readable, so a JVM started without
 * {@code --add-modules jdk.incubator.vector} never loads an incubator class: it logs one warning
 * and runs the scalar path. The system property {@value #PROPERTY} forces the choice:
 * {@code scalar}, {@code 128}, {@code 256}, {@code 512}, or {@code auto} (the default: the
 * machine's preferred width).
 */
public final class Simd {
    /** System property that forces the kernel path: scalar, 128, 256, 512 or auto. */
    public static final String PROPERTY = "inertia.simd";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String SIMD_PACKAGE = "dev.inertia.kernels.simd.";

    /**
     * What the scalar path costs, measured (docs/PERFORMANCE.md, *Without the vector module*), for
     * the one warning a user who forgot the flag gets.
     */
    static final String SCALAR_SLOWDOWN = "training ~50-100x and matrix products ~200x slower";

    private static final boolean MODULE_READABLE = vectorModuleInOurLayer();
    private static final int BITS = decideBits();

    private Simd() {}

    /** Whether kernels run on the Vector API. */
    public static boolean enabled() {
        return BITS > 0;
    }

    /** The vector width in bits, or 0 on the scalar path. */
    public static int bits() {
        return BITS;
    }

    /** Whether {@code jdk.incubator.vector} is readable in this JVM. */
    public static boolean vectorModuleReadable() {
        return MODULE_READABLE;
    }

    /** The float species used by the kernels, like {@code Species[float, 16, S_512_BIT]}, or "scalar". */
    public static String species() {
        if (!enabled()) {
            return "scalar";
        }
        return load("Widths", () -> null).toString();
    }

    /**
     * The SIMD implementation {@code simd.<simpleName>} when SIMD is enabled, else the scalar twin.
     * Kernel families call this once, in a static initializer.
     */
    static <T> T select(String simpleName, Supplier<T> scalar) {
        return enabled() ? load(simpleName, scalar) : scalar.get();
    }

    @SuppressWarnings("unchecked")
    private static <T> T load(String simpleName, Supplier<T> fallback) {
        try {
            return (T) Class.forName(SIMD_PACKAGE + simpleName).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            System.getLogger("dev.inertia").log(Level.WARNING,
                    "Inertia could not load its SIMD kernels (" + e + "); using the scalar kernels");
            return fallback.get();
        }
    }

    private static int decideBits() {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (requested.equals("scalar") || requested.equals("off") || requested.equals("false")) {
            return 0;
        }
        if (!MODULE_READABLE) {
            warnScalar("the Vector API is not enabled; start the JVM with --add-modules " + VECTOR_MODULE);
            return 0;
        }
        if (!c2Available()) {
            warnScalar("the JVM runs without its C2 compiler (-Xint, -XX:TieredStopAtLevel below 4 or"
                    + " -XX:-UseCompiler), which the Vector API needs to be fast");
            return 0;
        }
        int preferred = PreferredWidthProbe.bits();
        if (preferred < 128) {
            warnScalar("this CPU offers no vectors of 128 bits or more to the Vector API");
            return 0;
        }
        return switch (requested) {
            case "auto", "", "true", "on" -> preferred;
            case "128", "256", "512" -> Integer.parseInt(requested);
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested
                    + " is not one of scalar, 128, 256, 512, auto");
        };
    }

    /** The one warning of the scalar path: why, and what it costs. */
    private static void warnScalar(String why) {
        System.getLogger("dev.inertia").log(Level.WARNING, "Inertia runs its scalar kernels (" + SCALAR_SLOWDOWN
                + " than its SIMD kernels): " + why + ". -D" + PROPERTY + "=scalar silences this.");
    }

    /**
     * Whether {@code jdk.incubator.vector} is in the boot layer and readable by this library: a
     * named {@code dev.inertia} module declares it {@code requires static}, so it is read only
     * when present, and {@code addReads} makes sure (as Apache Lucene does); on the class path
     * the unnamed module reads every module.
     */
    private static boolean vectorModuleInOurLayer() {
        Optional<Module> vector = ModuleLayer.boot().findModule(VECTOR_MODULE);
        if (vector.isEmpty()) {
            return false;
        }
        Module self = Simd.class.getModule();
        if (self.isNamed() && !self.canRead(vector.get())) {
            self.addReads(vector.get());
        }
        return self.canRead(vector.get());
    }

    /** Whether HotSpot's C2 compiler is on: the Vector API is intrinsified by C2 only. */
    private static boolean c2Available() {
        if (ManagementFactory.getCompilationMXBean() == null
                || System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            return false;
        }
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String a : args) {
            if (a.equals("-Xint") || a.equals("-XX:-UseCompiler") || a.matches("-XX:TieredStopAtLevel=[0-3]")) {
                return false;
            }
        }
        return true;
    }

    /** Isolates the one call into the incubator module needed to decide; loaded only when readable. */
    private static final class PreferredWidthProbe {
        static int bits() {
            try {
                Class<?> widths = Class.forName(SIMD_PACKAGE + "PreferredWidth");
                return (int) widths.getMethod("bits").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return 0;
            }
        }
    }
}
