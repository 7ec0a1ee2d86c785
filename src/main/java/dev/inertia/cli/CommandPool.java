package dev.inertia.cli;

import dev.inertia.kernels.KernelPool;

/**
 * The kernel threads of one command: {@code --threads T} gives the command a pool of T threads
 * of its own, bound for its run and closed after it, instead of resizing the process's shared
 * pool behind other callers in the same JVM; without the flag the command uses the shared pool
 * (all processors, or {@code -Dinertia.threads}).
 */
final class CommandPool {
    private CommandPool() {}

    /** The pool the command's {@code --threads} asks for (closing the shared pool does nothing). */
    static KernelPool of(Args args) {
        return args.has("threads") ? KernelPool.ofThreads(args.positiveInteger("threads", 1)) : KernelPool.shared();
    }
}
