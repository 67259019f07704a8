package dev.jgrad.optim;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base class of optimisers (torch.optim.Optimizer): parameter groups, each with its own hyperparameters,
 * and per-parameter state created on a parameter's first update.
 *
 * <p>Parameters are numbered in order across groups (group 0's parameters first), as in PyTorch's
 * state_dict; that number names their state: {@code state.<index>.<name>}. Parameters whose grad is
 * null are skipped by {@link #step()}, so their state is not created or advanced.
 *
 * <p>Updates run directly on {@code storage()}: every parameter must be a contiguous leaf. Each
 * parameter's state buffers are allocated once, at its first update, so memory stays flat across steps.
 *
 * @param <O> the hyperparameters of one group
 * @param <S> the state of one parameter
 */
public abstract class Optimizer<O extends Optimizer.Options<O>, S extends Optimizer.ParamState> {

    /**
     * The hyperparameters of a parameter group (a record per optimiser). Schedulers change the learning
     * rate through {@link #withLr}.
     *
     * @param <O> the implementing record itself, so that {@link #withLr} returns the concrete type
     */
    public interface Options<O extends Options<O>> {
        /**
         * The learning rate of the group.
         *
         * @return the step size multiplier, {@code >= 0}
         */
        double lr();

        /**
         * A copy with another learning rate and every other hyperparameter unchanged.
         *
         * @param lr the new learning rate, {@code >= 0}
         * @return the new options
         * @throws IllegalArgumentException if {@code lr} is negative or NaN
         */
        O withLr(double lr);

        /** Checks constraints between fields (single fields are checked by the record's constructor). */
        default void validate() {}

        /**
         * Writes the hyperparameters under {@code prefix} ({@code "param_groups.0."} for group 0) with
         * PyTorch's names ({@code lr}, {@code betas}, {@code weight_decay}...), one float32 tensor each.
         *
         * @param prefix the group's key prefix, ending with a dot
         * @param out    the state dict being built
         */
        void save(String prefix, Map<String, Tensor> out);

        /**
         * The hyperparameters stored under {@code prefix}; {@code this} supplies full-precision values (see {@link StateDictReader#scalar}).
         *
         * @param prefix the group's key prefix, as given to {@link #save}
         * @param in     the state dict being read; every entry read is marked as used
         * @return the saved hyperparameters
         * @throws IllegalArgumentException if an entry is missing or malformed
         */
        O load(String prefix, StateDictReader in);
    }

    /** The state an optimiser keeps for one parameter (momentum buffers, moment estimates, step count). */
    public interface ParamState {
        /**
         * Writes copies of the state under {@code prefix} ({@code "state.3."} for parameter 3), so that later
         * steps do not change a saved dict.
         *
         * @param prefix the parameter's key prefix, ending with a dot
         * @param out    the state dict being built
         */
        void save(String prefix, Map<String, Tensor> out);
    }

    private final List<ParamGroup<O>> groups = new ArrayList<>();
    /** All parameters in index order. */
    private final List<Tensor> params = new ArrayList<>();
    private final Map<Tensor, Integer> indexOf = new IdentityHashMap<>();
    /** State per parameter index; null until the parameter's first update. */
    private final List<S> state = new ArrayList<>();

    /**
     * One group holding all of {@code params}.
     *
     * @param params  the tensors to train (typically {@code model.parameters()}): contiguous leaves, each
     *                at most once, none sharing memory with another
     * @param options the hyperparameters of the group
     * @throws IllegalArgumentException if an argument is null, the list is empty, or a parameter breaks a
     *                                  rule above
     */
    protected Optimizer(List<? extends Tensor> params, O options) {
        if (params == null) throw new IllegalArgumentException(name() + ": params must not be null");
        if (options == null) throw new IllegalArgumentException(name() + ": options must not be null");
        add(new ParamGroup<>(params, options));
        checkNotEmpty();
    }

    /**
     * Several groups, each with its own hyperparameters (e.g. a lower learning rate for pretrained layers).
     *
     * @param groups the groups, in the order their parameters are numbered; a tensor may be in one group only
     * @throws IllegalArgumentException if there is no group, no parameter at all, or a parameter is
     *                                  repeated, shares memory, is not a leaf or is not contiguous
     */
    protected Optimizer(List<ParamGroup<O>> groups) {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(name() + ": needs at least one parameter group");
        }
        for (ParamGroup<O> g : groups) {
            if (g == null) throw new IllegalArgumentException(name() + ": parameter group " + this.groups.size() + " is null");
            add(g);
        }
        checkNotEmpty();
    }

    private void checkNotEmpty() {
        if (params.isEmpty()) throw new IllegalArgumentException(name() + ": got an empty parameter list");
    }

    /**
     * Adds a group (torch's add_param_group), e.g. to unfreeze layers during fine-tuning. The optimiser
     * keeps its own copy of the group; change hyperparameters through {@link #paramGroups()}.
     * A scheduler built earlier does not know the new group and will refuse to step.
     *
     * @param group the parameters to add, numbered after the existing ones, and their hyperparameters
     * @throws IllegalArgumentException if {@code group} is null or a parameter is already optimised,
     *                                  shares memory with one, is not a leaf or is not contiguous
     */
    public void addParamGroup(ParamGroup<O> group) {
        if (group == null) throw new IllegalArgumentException(name() + ".addParamGroup: group must not be null");
        add(group);
    }

    private void add(ParamGroup<O> group) {
        int g = groups.size();
        group.options().validate();
        Map<Tensor, Integer> added = new IdentityHashMap<>();
        int next = params.size();
        for (Tensor p : group.params()) {
            int i = next + added.size();
            Integer seen = indexOf.containsKey(p) ? indexOf.get(p) : added.get(p);
            if (seen != null) {
                throw new IllegalArgumentException(name() + ": parameter " + i + " (group " + g + ", shape " + Shape.str(p.shape())
                        + ") is the same tensor as parameter " + seen + " (group " + groupOf(seen, g) + "); a parameter may appear only once");
            }
            checkParam(p, i, g);
            added.put(p, i);
        }
        // Distinct tensors over the same memory (e.g. two Parameters built on one tensor) would be updated twice.
        List<Tensor> all = new ArrayList<>(params);
        all.addAll(group.params());
        for (int i = next; i < all.size(); i++) {
            Tensor p = all.get(i);
            for (int j = 0; j < i; j++) {
                Tensor q = all.get(j);
                if (p.storage() == q.storage() && p.numel() > 0 && q.numel() > 0
                        && p.offset() < q.offset() + q.numel() && q.offset() < p.offset() + p.numel()) {
                    throw new IllegalArgumentException(name() + ": parameters " + j + " and " + i + " (shapes " + Shape.str(q.shape())
                            + " and " + Shape.str(p.shape()) + ") share memory; each value may belong to only one parameter");
                }
            }
        }
        groups.add(new ParamGroup<>(group.params(), group.options()));
        for (Tensor p : group.params()) {
            indexOf.put(p, params.size());
            params.add(p);
            state.add(null);
        }
    }

    private int groupOf(int index, int currentGroup) {
        if (index >= params.size()) return currentGroup;
        int start = 0;
        for (int g = 0; g < groups.size(); g++) {
            start += groups.get(g).params().size();
            if (index < start) return g;
        }
        return currentGroup;
    }

    private void checkParam(Tensor p, int i, int g) {
        if (!p.isLeaf()) {
            throw new IllegalArgumentException(name() + ": can't optimize a non-leaf tensor (parameter " + i + " of group " + g
                    + ", shape " + Shape.str(p.shape()) + ", the result of '" + p.gradFn().op() + "'); optimize the leaf tensors it was computed from");
        }
        if (!p.isContiguous()) {
            throw new IllegalArgumentException(name() + ": parameter " + i + " of group " + g + " (shape " + Shape.str(p.shape())
                    + ", strides " + Shape.str(p.strides()) + ") is not contiguous; optimisers update storage() in place, so pass a contiguous tensor");
        }
    }

    // ---------------------------------------------------------------- the update

    /**
     * One update of every parameter that has a gradient (optimizer.step()), in place and without recording
     * a graph. Call it after {@code loss.backward()}, then {@link #zeroGrad()} before the next backward.
     */
    public final void step() {
        try (var ignored = GradMode.noGrad()) {
            int index = 0;
            for (ParamGroup<O> group : groups) {
                O options = group.options();
                for (Tensor p : group.params()) {
                    int i = index++;
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    // Autograd's gradients are contiguous; one set by hand might be a view.
                    if (!grad.isContiguous()) grad = grad.contiguous();
                    S s = state.get(i);
                    if (s == null) {
                        s = newState(p);
                        state.set(i, s);
                    }
                    update(options, s, p.storage(), p.offset(), grad.storage(), grad.offset(), p.numel());
                }
            }
        }
    }

    /**
     * Fresh state for a parameter at its first update (allocate buffers here, once).
     *
     * @param param the parameter about to be updated for the first time
     * @return its initial state (zeroed buffers of the parameter's shape, a step count of 0)
     */
    protected abstract S newState(Tensor param);

    /**
     * Updates {@code n} values p[pOff ..] in place from the gradient g[gOff ..] with one group's
     * hyperparameters. Must not allocate: it runs every step for every parameter.
     *
     * @param options the hyperparameters of the parameter's group
     * @param state   the parameter's state, updated in place (its buffers are indexed from 0)
     * @param p       the parameter's storage
     * @param pOff    the offset of the parameter's first value in {@code p}
     * @param g       the gradient's storage
     * @param gOff    the offset of the gradient's first value in {@code g}
     * @param n       the number of values (the parameter's numel)
     */
    protected abstract void update(O options, S state, float[] p, int pOff, float[] g, int gOff, int n);

    /**
     * PyTorch's zero_grad(set_to_none=True): every gradient becomes null, freeing its memory; the next
     * backward allocates fresh ones.
     */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /**
     * Clears the gradients of every parameter (optimizer.zero_grad(set_to_none)).
     *
     * @param setToNone true to set every gradient to null (as {@link #zeroGrad()}); false to fill existing
     *                  gradients with zeros instead (kept allocated)
     */
    public void zeroGrad(boolean setToNone) {
        try (var ignored = GradMode.noGrad()) {
            for (Tensor p : params) {
                if (setToNone) p.zeroGrad();
                else if (p.grad() != null) p.grad().fillInPlace(0f);
            }
        }
    }

    // ---------------------------------------------------------------- access

    /**
     * The groups, in order (optimizer.param_groups); change their hyperparameters with setLr / setOptions.
     *
     * @return an unmodifiable view of the groups; the groups themselves are live
     */
    public List<ParamGroup<O>> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * All parameters, in index order (the order of the groups, then of each group's list).
     *
     * @return an unmodifiable view of the parameters
     */
    public List<Tensor> params() {
        return Collections.unmodifiableList(params);
    }

    /**
     * The state of {@code param} (optimizer.state[p]).
     *
     * @param param one of this optimiser's parameters (the same tensor object)
     * @return its live state, or null before its first update
     * @throws IllegalArgumentException if {@code param} is not one of the parameters
     */
    public S state(Tensor param) {
        Integer i = indexOf.get(param);
        if (i == null) {
            throw new IllegalArgumentException(name() + ".state: the tensor of shape " + Shape.str(param.shape()) + " is not one of this optimizer's parameters");
        }
        return state.get(i);
    }

    /** The optimiser's name in messages (the class name). */
    private String name() {
        return getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * Everything needed to resume exactly (optimizer.state_dict(), flattened): per group
     * {@code param_groups.<g>.params} (the parameter indices) and its hyperparameters
     * ({@code param_groups.<g>.lr}, ...), per parameter with state
     * {@code state.<index>.<name>} (copies, so later steps do not change a saved dict).
     *
     * @return a new map from key to float32 tensor, ready for {@link dev.jgrad.io.SafeTensors#save}
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int index = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            String prefix = "param_groups." + g + ".";
            float[] ids = new float[group.params().size()];
            for (int k = 0; k < ids.length; k++) ids[k] = index++;
            out.put(prefix + "params", Tensor.of(ids, ids.length));
            group.options().save(prefix, out);
        }
        for (int i = 0; i < state.size(); i++) {
            if (state.get(i) != null) state.get(i).save("state." + i + ".", out);
        }
        return out;
    }

    /**
     * Restores a {@link #stateDict()} saved by the same kind of optimiser over parameters of the same
     * shapes in the same groups (load into a freshly built optimiser to resume a run). Fails, changing
     * nothing, on a different group layout, a wrong shape, a missing or an unexpected key.
     *
     * <p>Hyperparameters are stored as float32; one that equals the current value after float32 rounding
     * keeps the current double, so a run resumed with the same configuration continues bit for bit.
     *
     * @param stateDict a map produced by {@link #stateDict()} (possibly via a checkpoint file)
     * @throws IllegalArgumentException naming the key at fault, if the state dict does not fit this optimiser
     */
    public void loadStateDict(Map<String, Tensor> stateDict) {
        StateDictReader in = new StateDictReader(name(), stateDict);
        List<O> newOptions = new ArrayList<>();
        int index = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            String prefix = "param_groups." + g + ".";
            if (!in.has(prefix + "params")) {
                throw new IllegalArgumentException(name() + ".loadStateDict: the optimizer has " + groups.size()
                        + " parameter groups but the state dict has no '" + prefix + "params'");
            }
            float[] ids = in.tensor(prefix + "params").toArray();
            if (ids.length != group.params().size()) {
                throw new IllegalArgumentException(name() + ".loadStateDict: parameter group " + g + " has " + group.params().size()
                        + " parameters but the saved group has " + ids.length);
            }
            for (float id : ids) {
                if (id != index++) {
                    throw new IllegalArgumentException(name() + ".loadStateDict: saved group " + g + " lists parameter " + id
                            + " where " + (index - 1) + " was expected");
                }
            }
            O loaded = group.options().load(prefix, in);
            loaded.validate();
            newOptions.add(loaded);
        }
        if (in.has("param_groups." + groups.size() + ".params")) {
            int n = groups.size();
            while (in.has("param_groups." + n + ".params")) n++;
            throw new IllegalArgumentException(name() + ".loadStateDict: the state dict has " + n
                    + " parameter groups but the optimizer has " + groups.size());
        }
        List<S> newState = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) newState.add(loadState(params.get(i), "state." + i + ".", in));
        in.requireAllRead();

        for (int g = 0; g < groups.size(); g++) groups.get(g).setOptions(newOptions.get(g));
        for (int i = 0; i < params.size(); i++) state.set(i, newState.get(i));
    }

    /**
     * The state saved for {@code param} under {@code prefix} ({@code "state.3."} for parameter 3), as fresh
     * buffers, or null when nothing is saved for it (it had no update yet). Read entries through {@code in}.
     *
     * @param param  the parameter, whose shape saved buffers must have
     * @param prefix the parameter's key prefix, ending with a dot
     * @param in     the state dict being read
     * @return the restored state, or null
     * @throws IllegalArgumentException if an entry is malformed or has the wrong shape
     */
    protected abstract S loadState(Tensor param, String prefix, StateDictReader in);

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name()).append(" (");
        for (int g = 0; g < groups.size(); g++) {
            sb.append("\nParameter Group ").append(g).append(": ").append(groups.get(g).params().size())
                    .append(" tensors, ").append(groups.get(g).options());
        }
        return sb.append("\n)").toString();
    }
}
