package dev.inertia.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.inertia.memory.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's public surface as a module consumer sees it: the packages {@code module-info}
 * exports and every public type in them, compared with the committed list in
 * {@code docs/api-surface.txt}. A change to the public API must change that file in the same
 * commit (run this test with {@code -Dapi.surface.update=true} to rewrite it), so that what
 * users may depend on never grows or shrinks by accident. The examples project compiles as a
 * named module against the installed jar, which checks the other side: that it needs nothing
 * beyond these packages.
 */
class ApiSurfaceTest {
    private static final Path LISTING = Path.of("docs", "api-surface.txt");
    /** Packages in the module that are internal on purpose (docs/DESIGN.md, "Public API"). */
    private static final Set<String> INTERNAL = Set.of(
            "dev.inertia.cli", "dev.inertia.kernels.simd", "dev.inertia.kernels.scalar");

    @Test
    void exportsOnlyTheDocumentedPackages() throws IOException {
        ModuleDescriptor module = descriptor();
        for (ModuleDescriptor.Exports e : module.exports()) {
            assertEquals(Set.of(), e.targets(), "qualified export of " + e.source());
        }
        Set<String> exported = exportedPackages(module);
        Set<String> hidden = new TreeSet<>(module.packages());
        hidden.removeAll(exported);
        assertEquals(new TreeSet<>(INTERNAL), hidden, "the module's packages that are not exported");
    }

    @Test
    void publicTypesMatchTheCommittedListing() throws IOException, ClassNotFoundException {
        List<String> actual = publicTypes(exportedPackages(descriptor()));
        String text = String.join("\n", actual) + "\n";
        if (Boolean.getBoolean("api.surface.update")) {
            Files.writeString(LISTING, header() + text, StandardCharsets.UTF_8);
            return;
        }
        List<String> committed = Files.readAllLines(LISTING, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        List<String> added = new ArrayList<>(actual);
        added.removeAll(committed);
        List<String> removed = new ArrayList<>(committed);
        removed.removeAll(actual);
        if (!added.isEmpty() || !removed.isEmpty()) {
            fail("the public API changed; if on purpose, update " + LISTING
                    + " (rerun with -Dapi.surface.update=true) and docs/DESIGN.md.\n  added: " + added
                    + "\n  removed: " + removed);
        }
    }

    private static String header() {
        return "# Every public type a module consumer of dev.inertia can use, one per line (nested types\n"
                + "# with $). Checked by src/test/java/dev/inertia/api/ApiSurfaceTest.java; see docs/DESIGN.md.\n";
    }

    private static Path classesRoot() {
        try {
            return Path.of(Scope.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModuleDescriptor descriptor() throws IOException {
        // javac writes no ModulePackages attribute: the packages are those holding classes.
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classesRoot())) {
            files.filter(f -> f.toString().endsWith(".class") && f.getParent() != null)
                    .map(f -> classesRoot().relativize(f.getParent()).toString().replace('/', '.'))
                    .filter(pkg -> !pkg.isEmpty())
                    .forEach(packages::add);
        }
        try (InputStream in = Files.newInputStream(classesRoot().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in, () -> packages);
        }
    }

    private static Set<String> exportedPackages(ModuleDescriptor module) {
        return module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> publicTypes(Set<String> packages) throws IOException, ClassNotFoundException {
        List<String> types = new ArrayList<>();
        ClassLoader loader = ApiSurfaceTest.class.getClassLoader();
        for (String pkg : packages) {
            Path dir = classesRoot().resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                        .sorted()
                        .toList();
            }
            for (String name : names) {
                if (isAccessible(Class.forName(name, false, loader))) {
                    types.add(name);
                }
            }
        }
        return types;
    }

    /** Public, and so is every class it is nested in; anonymous and local classes never are. */
    private static boolean isAccessible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }
}
