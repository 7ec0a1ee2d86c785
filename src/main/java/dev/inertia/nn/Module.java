package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A layer or a model: a function of one {@link Var} recorded on that value's tape, with named
 * {@link Parameter}s, named buffers (state that is saved but not trained, like batch-norm running
 * statistics) and named child modules, in the manner of PyTorch's {@code nn.Module}.
 *
 * <p>Names nest with dots as in PyTorch ({@code 0.weight}, {@code 3.running_mean}), so
 * {@link #stateDict()} has the keys {@code torch.nn.Module.state_dict()} would have for the same
 * architecture, except batch norm's integer {@code num_batches_tracked}: the state dict holds
 * F32 / F64 tensors, so {@link BatchNorm} keeps that count itself and checkpoints write it.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Records this module applied to {@code x} on {@code x}'s tape and returns the result. */
    public abstract Var forward(Var x);

    // ---- registration (for subclasses' constructors) ---------------------------------------

    protected final Parameter registerParameter(String name, Parameter p) {
        put(parameters, name, Objects.requireNonNull(p, "parameter"));
        return p;
    }

    protected final Tensor registerBuffer(String name, Tensor t) {
        put(buffers, name, Objects.requireNonNull(t, "buffer"));
        return t;
    }

    protected final <M extends Module> M registerChild(String name, M m) {
        put(children, name, Objects.requireNonNull(m, "module"));
        return m;
    }

    private <T> void put(Map<String, T> map, String name, T value) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("a name must be non-empty without dots, got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' is already taken in " + getClass().getSimpleName());
        }
        map.put(name, value);
    }

    // ---- structure -------------------------------------------------------------------------

    /** Every parameter, this module's first, then its children's, in registration order. */
    public final List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every parameter by its dotted name, in the order of {@link #parameters()}. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, m) -> m.collectParameters(prefix + n + ".", out));
    }

    /** This module and every descendant by dotted name ("" for this one), parents first. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((n, m) -> m.collectModules(name.isEmpty() ? n : name + "." + n, out));
    }

    /** The direct children by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Number of trainable elements. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    // ---- mode ------------------------------------------------------------------------------

    /** Training mode (the default): batch statistics in batch norm, dropout active. */
    public final Module train() {
        setTraining(true);
        return this;
    }

    /** Evaluation mode: running statistics in batch norm, dropout off. */
    public final Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean on) {
        training = on;
        for (Module m : children.values()) {
            m.setTraining(on);
        }
    }

    public final boolean isTraining() {
        return training;
    }

    // ---- state -----------------------------------------------------------------------------

    /**
     * The parameters' values and the buffers by dotted name, live tensors (not copies): per module
     * its parameters, then its buffers, then its children, as PyTorch orders a state dict.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p.value()));
        buffers.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, m) -> m.collectState(prefix + n + ".", out));
    }

    /**
     * Copies {@code state} into the parameters and buffers. Every name must be present with the
     * same dtype and shape and no other name may appear; the first mismatch is an
     * {@link IllegalArgumentException} and nothing is changed then.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = stateDict();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("state lacks '" + e.getKey() + "' (" + e.getValue().describe() + ")");
            }
            e.getValue().requireSameLayout(src, "state '" + e.getKey() + "'");
        }
        List<String> extra = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!mine.containsKey(k)) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("state has names this model lacks: " + extra);
        }
        mine.forEach((k, t) -> t.copyFrom(state.get(k)));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(describe());
        if (!children.isEmpty()) {
            sb.append('(');
            children.forEach((n, m) -> sb.append("\n  (").append(n).append("): ")
                    .append(m.toString().replace("\n", "\n  ")));
            sb.append("\n)");
        }
        return sb.toString();
    }

    /** A one-line description of this module without its children, like {@code Linear(784, 1024)}. */
    protected String describe() {
        return getClass().getSimpleName();
    }
}
