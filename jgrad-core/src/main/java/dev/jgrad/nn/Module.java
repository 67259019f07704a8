package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Base class of every layer and model (torch.nn.Module).
 *
 * <p>A module owns named parameters, buffers and child modules, registered explicitly in the order that
 * defines PyTorch's naming: {@code namedParameters()} and {@code stateDict()} list a module's own
 * parameters, then its own buffers, then each child's entries under {@code childName + "."}. With the same
 * registration order as the PyTorch model, keys such as {@code "encoder.layers.0.linear1.bias"} match a
 * PyTorch checkpoint exactly.
 *
 * <p>Forward methods differ in arity (an embedding takes ids, a loss takes two arguments), so they belong
 * to subclasses; modules with one tensor in and one out implement {@link UnaryModule} so that
 * {@link Sequential} can chain them.
 */
public abstract class Module {
    // Values may be null, like PyTorch's register_parameter(name, None) for a Linear without bias:
    // the name is reserved but the entry is skipped everywhere.
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistentBuffers = new HashSet<>();
    private final LinkedHashMap<String, Module> modules = new LinkedHashMap<>();
    private boolean training = true;

    /** What {@link #loadStateDict} found but tolerated (PyTorch's _IncompatibleKeys). */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    // ---------------------------------------------------------------- registration

    /**
     * Adds (or replaces) a parameter. Replacing is how weights are tied: give a head the embedding's
     * parameter and both names refer to one tensor, counted once by {@link #parameters()}.
     */
    public final <P extends Parameter> P registerParameter(String name, P parameter) {
        checkName("parameter", name, parameters);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Adds (or replaces) a child module; replacing one is how a pretrained model gets a new head. */
    public final <M extends Module> M registerModule(String name, M module) {
        checkName("module", name, modules);
        if (module == this) throw new IllegalArgumentException("registerModule: a module cannot be its own child ('" + name + "')");
        modules.put(name, module);
        return module;
    }

    /** Adds (or replaces) a persistent buffer: state that is saved in stateDict() but not trained (running statistics, masks). */
    public final Tensor registerBuffer(String name, Tensor buffer) {
        return registerBuffer(name, buffer, true);
    }

    /** A non-persistent buffer is part of the module but not of its stateDict() (for example a causal mask that is cheap to rebuild). */
    public final Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
        checkName("buffer", name, buffers);
        buffers.put(name, buffer);
        if (persistent) nonPersistentBuffers.remove(name);
        else nonPersistentBuffers.add(name);
        return buffer;
    }

    private void checkName(String kind, String name, Map<String, ?> own) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + kind + " name must be a non-empty string");
        }
        if (name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + kind + " name can't contain \".\", got: " + name);
        }
        boolean taken = own != parameters && parameters.containsKey(name)
                || own != buffers && buffers.containsKey(name)
                || own != modules && modules.containsKey(name);
        if (taken) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": cannot register " + kind + " '" + name
                    + "': the name is already used by a " + kindOf(name));
        }
    }

    private String kindOf(String name) {
        return parameters.containsKey(name) ? "parameter" : buffers.containsKey(name) ? "buffer" : "module";
    }

    // ---------------------------------------------------------------- traversal

    /** All parameters of this module and its descendants, each once even if tied (what an optimiser takes). */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters by dotted name, in registration order; a tied parameter appears once, under its first name. */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> m.parameters.forEach((name, p) -> {
            if (p != null && seen.add(p)) out.put(join(prefix, name), p);
        }));
        return out;
    }

    public List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    /** Buffers (persistent or not) by dotted name, each once. */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> m.buffers.forEach((name, b) -> {
            if (b != null && seen.add(b)) out.put(join(prefix, name), b);
        }));
        return out;
    }

    /** Direct children, each once. */
    public List<Module> children() {
        return new ArrayList<>(namedChildren().values());
    }

    public LinkedHashMap<String, Module> namedChildren() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        modules.forEach((name, m) -> {
            if (m != null && seen.add(m)) out.put(name, m);
        });
        return out;
    }

    /** This module and all descendants, depth-first pre-order, each once. */
    public List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /** This module (under "") and all descendants by dotted name, depth-first pre-order, each once. */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(this)) return;
        out.put(prefix, this);
        modules.forEach((name, m) -> {
            if (m != null) m.collectModules(join(prefix, name), out, seen);
        });
    }

    /** The descendant at a dotted path such as "encoder.layers.0" ("" is this module). */
    public Module getSubmodule(String target) {
        Module m = this;
        if (target.isEmpty()) return m;
        for (String part : target.split("\\.", -1)) {
            Module next = m.modules.get(part);
            if (next == null) {
                throw new IllegalArgumentException(m.getClass().getSimpleName() + " has no submodule named '" + part
                        + "' (while resolving '" + target + "'); its children are " + m.modules.keySet());
            }
            m = next;
        }
        return m;
    }

    /** The parameter at a dotted path such as "encoder.layers.0.linear1.weight". */
    public Parameter getParameter(String target) {
        int dot = target.lastIndexOf('.');
        Module owner = dot < 0 ? this : getSubmodule(target.substring(0, dot));
        String name = target.substring(dot + 1);
        Parameter p = owner.parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(owner.getClass().getSimpleName() + " has no parameter named '" + name + "'"
                    + (dot < 0 ? "" : " (while resolving '" + target + "')") + "; its parameters are " + owner.parameters.keySet());
        }
        return p;
    }

    /** The buffer at a dotted path. */
    public Tensor getBuffer(String target) {
        int dot = target.lastIndexOf('.');
        Module owner = dot < 0 ? this : getSubmodule(target.substring(0, dot));
        String name = target.substring(dot + 1);
        Tensor b = owner.buffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(owner.getClass().getSimpleName() + " has no buffer named '" + name + "'"
                    + (dot < 0 ? "" : " (while resolving '" + target + "')") + "; its buffers are " + owner.buffers.keySet());
        }
        return b;
    }

    /** This module's own parameter, or null when absent (registered as null, like a Linear without bias, or never registered). */
    protected final Parameter ownParameter(String name) {
        return parameters.get(name);
    }

    /** This module's own buffer, or null when absent. */
    protected final Tensor ownBuffer(String name) {
        return buffers.get(name);
    }

    /** Calls fn on every descendant and then on this module, as PyTorch's Module.apply (custom initialisation). */
    public Module apply(Consumer<Module> fn) {
        for (Module child : children()) child.apply(fn);
        fn.accept(this);
        return this;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---------------------------------------------------------------- mode and gradients

    /** Sets training mode on this module and every descendant (dropout is active only in training). */
    public Module train(boolean mode) {
        for (Module m : modules()) m.training = mode;
        return this;
    }

    public Module train() {
        return train(true);
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Sets requires-grad on every parameter; requiresGrad(false) freezes a pretrained backbone (requires_grad_). */
    public Module requiresGrad(boolean value) {
        for (Parameter p : parameters()) p.requiresGrad(value);
        return this;
    }

    /** Number of scalar parameters, tied ones counted once. */
    public long numParameters() {
        return numParameters(false);
    }

    /** With onlyTrainable, only parameters that require grad (what fine-tuning actually updates). */
    public long numParameters(boolean onlyTrainable) {
        long n = 0;
        for (Parameter p : parameters()) if (!onlyTrainable || p.requiresGrad()) n += p.numel();
        return n;
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and persistent buffers by dotted name in PyTorch's order, as tensors outside the graph that
     * share storage with the module (so they see later updates, as PyTorch's do). A tied parameter appears
     * under each of its names, as in PyTorch.
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        stateEntries().forEach((k, v) -> out.put(k, v.detach()));
        return out;
    }

    /** The live tensors behind stateDict(). */
    private LinkedHashMap<String, Tensor> stateEntries() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out, Set<Module> path) {
        // PyTorch repeats shared submodules under each name; only a cycle is an error.
        if (!path.add(this)) throw new IllegalStateException("stateDict: module graph has a cycle at '" + prefix + "'");
        parameters.forEach((name, p) -> {
            if (p != null) out.put(prefix + name, p);
        });
        buffers.forEach((name, b) -> {
            if (b != null && !nonPersistentBuffers.contains(name)) out.put(prefix + name, b);
        });
        modules.forEach((name, m) -> {
            if (m != null) m.collectState(prefix + name + ".", out, path);
        });
        path.remove(this);
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, in place (so optimisers
     * holding the parameters keep working). With strict, missing and unexpected keys are errors; a shape
     * mismatch always is. The message lists every problem, in PyTorch's wording; on error nothing is copied.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = stateEntries();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), errors = new ArrayList<>();
        for (String key : own.keySet()) if (!state.containsKey(key)) missing.add(key);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor target = own.get(e.getKey());
            if (target == null) {
                unexpected.add(e.getKey());
            } else if (e.getValue() == null) {
                errors.add("value for " + e.getKey() + " is null.");
            } else if (!Arrays.equals(e.getValue().shape(), target.shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape " + Shape.str(e.getValue().shape())
                        + " from checkpoint, the shape in current model is " + Shape.str(target.shape()) + ".");
            }
        }
        if (strict) {
            if (!unexpected.isEmpty()) errors.addFirst("Unexpected key(s) in state_dict: " + quoted(unexpected) + ". ");
            if (!missing.isEmpty()) errors.addFirst("Missing key(s) in state_dict: " + quoted(missing) + ". ");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName() + ":\n\t"
                    + String.join("\n\t", errors));
        }
        try (var _ = GradMode.noGrad()) {
            own.forEach((key, target) -> {
                Tensor src = state.get(key);
                if (src != null && src != target) target.copyFrom(src);
            });
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** loadStateDict(state, true). */
    public LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    private static String quoted(List<String> keys) {
        return keys.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
    }

    // ---------------------------------------------------------------- printing

    /** The arguments shown between the parentheses of toString(), e.g. "in_features=4, out_features=2, bias=True". */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch's module printout: the class name, extraRepr(), and the children indented. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        String extra = extraRepr();
        if (modules.isEmpty()) return sb.append(extra).append(')').toString();
        sb.append('\n');
        if (!extra.isEmpty()) sb.append("  ").append(extra.replace("\n", "\n  ")).append('\n');
        modules.forEach((name, m) -> sb.append("  (").append(name).append("): ")
                .append(String.valueOf(m).replace("\n", "\n  ")).append('\n'));
        return sb.append(')').toString();
    }
}
