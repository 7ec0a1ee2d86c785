package dev.inertia.kernels;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Decides once, at start-up, whether kernels run on the Vector API or on their scalar twins,
 * and at which vector width.
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

    private static final boolean MODULE_READABLE =
            ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
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
            System.getLogger("dev.inertia").log(Level.WARNING,
                    "Inertia runs its scalar kernels, several times slower: the Vector API is not enabled. "
                            + "Start the JVM with --add-modules " + VECTOR_MODULE + " to use SIMD.");
            return 0;
        }
        int preferred = PreferredWidthProbe.bits();
        return switch (requested) {
            case "auto", "", "true", "on" -> preferred >= 128 ? preferred : 0;
            case "128", "256", "512" -> Integer.parseInt(requested);
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested
                    + " is not one of scalar, 128, 256, 512, auto");
        };
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
