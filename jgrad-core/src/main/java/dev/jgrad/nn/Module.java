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

    /** A module with no parameters, buffers or children yet, in training mode; subclasses register theirs. */
    protected Module() {}

    /**
     * What {@link #loadStateDict} found but tolerated (PyTorch's _IncompatibleKeys).
     *
     * @param missingKeys the module's keys that the state did not have (only tolerated with strict false)
     * @param unexpectedKeys the state's keys that the module does not have (only tolerated with strict false)
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    // ---------------------------------------------------------------- registration

    /**
     * Adds (or replaces) a parameter. Replacing is how weights are tied: give a head the embedding's
     * parameter and both names refer to one tensor, counted once by {@link #parameters()}.
     *
     * @param <P> the parameter's type, returned as is so that a field can be assigned in one line
     * @param name the parameter's name within this module, non-empty and without '.'
     * @param parameter the parameter, or null to reserve the name (PyTorch's register_parameter(name, None))
     * @return {@code parameter}
     * @throws IllegalArgumentException when the name is empty, contains '.' or is taken by a buffer or module
     */
    public final <P extends Parameter> P registerParameter(String name, P parameter) {
        checkName("parameter", name, parameters);
        parameters.put(name, parameter);
        return parameter;
    }

    /**
     * Adds (or replaces) a child module; replacing one is how a pretrained model gets a new head.
     *
     * @param <M> the module's type, returned as is so that a field can be assigned in one line
     * @param name the child's name within this module, non-empty and without '.' (a ModuleList uses "0", "1", ...)
     * @param module the child, or null to reserve the name
     * @return {@code module}
     * @throws IllegalArgumentException when the name is invalid or taken by a parameter or buffer, or the module is this one
     */
    public final <M extends Module> M registerModule(String name, M module) {
        checkName("module", name, modules);
        if (module == this) throw new IllegalArgumentException("registerModule: a module cannot be its own child ('" + name + "')");
        modules.put(name, module);
        return module;
    }

    /**
     * Adds (or replaces) a persistent buffer: state that is saved in stateDict() but not trained (running statistics, masks).
     *
     * @param name the buffer's name within this module, non-empty and without '.'
     * @param buffer the tensor, or null to reserve the name
     * @return {@code buffer}
     * @throws IllegalArgumentException when the name is invalid or taken by a parameter or module
     */
    public final Tensor registerBuffer(String name, Tensor buffer) {
        return registerBuffer(name, buffer, true);
    }

    /**
     * A non-persistent buffer is part of the module but not of its stateDict() (for example a causal mask that is cheap to rebuild).
     *
     * @param name the buffer's name within this module, non-empty and without '.'
     * @param buffer the tensor, or null to reserve the name
     * @param persistent whether stateDict() includes it
     * @return {@code buffer}
     * @throws IllegalArgumentException when the name is invalid or taken by a parameter or module
     */
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

    /**
     * All parameters of this module and its descendants, each once even if tied (what an optimiser takes).
     *
     * @return a new list, in the order of {@link #namedParameters()}
     */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters by dotted name, in registration order; a tied parameter appears once, under its first name.
     *
     * @return a new map from dotted name (e.g. "layers.0.weight") to parameter
     */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> m.parameters.forEach((name, p) -> {
            if (p != null && seen.add(p)) out.put(join(prefix, name), p);
        }));
        return out;
    }

    /**
     * All buffers of this module and its descendants (persistent or not), each once.
     *
     * @return a new list, in the order of {@link #namedBuffers()}
     */
    public List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    /**
     * Buffers (persistent or not) by dotted name, each once.
     *
     * @return a new map from dotted name (e.g. "bn1.running_mean") to buffer
     */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> m.buffers.forEach((name, b) -> {
            if (b != null && seen.add(b)) out.put(join(prefix, name), b);
        }));
        return out;
    }

    /**
     * Direct children, each once.
     *
     * @return a new list, in registration order
     */
    public List<Module> children() {
        return new ArrayList<>(namedChildren().values());
    }

    /**
     * Direct children by name, in registration order, each once (a child registered under two names keeps the first).
     *
     * @return a new map from name to child
     */
    public LinkedHashMap<String, Module> namedChildren() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        modules.forEach((name, m) -> {
            if (m != null && seen.add(m)) out.put(name, m);
        });
        return out;
    }

    /**
     * This module and all descendants, depth-first pre-order, each once.
     *
     * @return a new list, starting with this module
     */
    public List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /**
     * This module (under "") and all descendants by dotted name, depth-first pre-order, each once.
     *
     * @return a new map from dotted name to module
     */
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

    /**
     * The descendant at a dotted path such as "encoder.layers.0" ("" is this module).
     *
     * @param target the dotted path of child names
     * @return the module at that path
     * @throws IllegalArgumentException when a part of the path names no child (the message lists the children)
     */
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

    /**
     * The parameter at a dotted path such as "encoder.layers.0.linear1.weight".
     *
     * @param target the dotted path: submodule names, then the parameter's name
     * @return the parameter
     * @throws IllegalArgumentException when the path names no parameter (the message lists what there is)
     */
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

    /**
     * The buffer at a dotted path.
     *
     * @param target the dotted path: submodule names, then the buffer's name
     * @return the buffer
     * @throws IllegalArgumentException when the path names no buffer (the message lists what there is)
     */
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

    /**
     * This module's own parameter, or null when absent (registered as null, like a Linear without bias, or never registered).
     *
     * @param name the parameter's name within this module
     * @return the parameter, or null
     */
    protected final Parameter ownParameter(String name) {
        return parameters.get(name);
    }

    /**
     * This module's own buffer, or null when absent.
     *
     * @param name the buffer's name within this module
     * @return the buffer, or null
     */
    protected final Tensor ownBuffer(String name) {
        return buffers.get(name);
    }

    /**
     * Calls fn on every descendant and then on this module, as PyTorch's Module.apply (custom initialisation).
     *
     * @param fn the function, called once per module, children first
     * @return this module
     */
    public Module apply(Consumer<Module> fn) {
        for (Module child : children()) child.apply(fn);
        fn.accept(this);
        return this;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---------------------------------------------------------------- mode and gradients

    /**
     * Sets training mode on this module and every descendant (dropout is active only in training).
     *
     * @param mode true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean mode) {
        for (Module m : modules()) m.training = mode;
        return this;
    }

    /**
     * Training mode for this module and every descendant ({@code model.train()}).
     *
     * @return this module
     */
    public Module train() {
        return train(true);
    }

    /**
     * Evaluation mode for this module and every descendant: dropout off, batch norm on its running statistics
     * ({@code model.eval()}).
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode (PyTorch's {@code module.training}); new modules are.
     *
     * @return true in training mode
     */
    public boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /**
     * Sets requires-grad on every parameter; requiresGrad(false) freezes a pretrained backbone (requires_grad_).
     *
     * @param value true to train the parameters, false to freeze them
     * @return this module
     */
    public Module requiresGrad(boolean value) {
        for (Parameter p : parameters()) p.requiresGrad(value);
        return this;
    }

    /**
     * Number of scalar parameters, tied ones counted once.
     *
     * @return the total number of elements of all parameters
     */
    public long numParameters() {
        return numParameters(false);
    }

    /**
     * With onlyTrainable, only parameters that require grad (what fine-tuning actually updates).
     *
     * @param onlyTrainable count only the parameters that require grad
     * @return the number of scalar parameters
     */
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
     *
     * @return a new map from dotted name to tensor
     * @throws IllegalStateException when the module graph has a cycle
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
     *
     * @param state tensors by dotted name, e.g. from {@link #stateDict()} or a PyTorch checkpoint
     * @param strict whether missing and unexpected keys are errors (PyTorch's default true)
     * @return the missing and unexpected keys that were tolerated (both empty when strict)
     * @throws IllegalArgumentException when a shape differs, a value is null, or (strict) keys are missing or unexpected
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

    /**
     * loadStateDict(state, true).
     *
     * @param state tensors by dotted name
     * @return an empty result (every key matched)
     * @throws IllegalArgumentException when a key is missing or unexpected, or a shape differs
     */
    public LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    private static String quoted(List<String> keys) {
        return keys.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
    }

    // ---------------------------------------------------------------- printing

    /**
     * The arguments shown between the parentheses of toString(), e.g. "in_features=4, out_features=2, bias=True".
     *
     * @return the arguments, or "" for none
     */
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
