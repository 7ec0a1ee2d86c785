/**
 * The examples are a named module on purpose: compiled and run on the module path against the
 * installed jar, they can reach only the packages the library exports (docs/api-surface.txt),
 * as a modular application depending on Inertia would.
 */
module dev.inertia.examples {
    requires dev.inertia;
}
