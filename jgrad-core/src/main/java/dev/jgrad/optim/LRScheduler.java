package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets the learning rate of every parameter group from a schedule (torch.optim.lr_scheduler). Call
 * {@link #step()} once after each {@code optimizer.step()}:
 * <pre>{@code
 * var sched = new CosineAnnealingLR(adam, 10_000, 0);
 * for (...) { loss.backward(); adam.step(); adam.zeroGrad(); sched.step(); }
 * }</pre>
 * The base learning rates are the groups' rates when the scheduler is built. As in PyTorch, building it
 * already applies epoch 0, so the first optimizer step uses {@code lrAt(g, base, 0)}, the next epoch 1,
 * and so on. Schedules are closed forms of the epoch, so a rate set by hand is overwritten at the next
 * step, and restoring the epoch ({@link #loadStateDict}) restores the rates exactly.
 */
public abstract class LRScheduler {
    private final Optimizer<?, ?> optimizer;
    private final double[] baseLrs;
    private final double[] lastLr;
    private int lastEpoch;

    /**
     * Records the groups' current learning rates as base rates and applies epoch 0.
     *
     * @param optimizer the optimiser whose groups' learning rates this scheduler sets; its groups must not
     *                  change afterwards
     * @throws IllegalArgumentException if {@code optimizer} is null
     */
    @SuppressWarnings("this-escape") // lrAt runs here by design: subclasses assign their fields before super(...)
    protected LRScheduler(Optimizer<?, ?> optimizer) {
        if (optimizer == null) throw new IllegalArgumentException(name() + ": optimizer must not be null");
        this.optimizer = optimizer;
        List<? extends ParamGroup<?>> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int g = 0; g < baseLrs.length; g++) baseLrs[g] = groups.get(g).lr();
        lastLr = new double[baseLrs.length];
        apply();
    }

    /**
     * The learning rate of group {@code group} at {@code epoch} (the number of {@link #step()} calls so
     * far), from its base learning rate. Subclasses set their fields before calling super(...), since
     * this runs in the constructor.
     *
     * @param group  the index of the parameter group
     * @param baseLr the group's learning rate when the scheduler was built (or as restored)
     * @param epoch  the number of {@link #step()} calls so far, from 0
     * @return the learning rate to set
     */
    protected abstract double lrAt(int group, double baseLr, int epoch);

    /**
     * Advances the schedule by one step and sets the groups' learning rates.
     *
     * @throws IllegalStateException if the optimiser's number of groups changed since construction
     */
    public void step() {
        lastEpoch++;
        apply();
    }

    private void apply() {
        List<? extends ParamGroup<?>> groups = optimizer.paramGroups();
        if (groups.size() != baseLrs.length) {
            throw new IllegalStateException(name() + ": the optimizer now has " + groups.size() + " parameter groups but had "
                    + baseLrs.length + " when this scheduler was built; build the scheduler after adding groups");
        }
        for (int g = 0; g < baseLrs.length; g++) {
            double lr = lrAt(g, baseLrs[g], lastEpoch);
            groups.get(g).setLr(lr);
            lastLr[g] = lr;
        }
    }

    /**
     * The learning rates the scheduler last set, per group (get_last_lr), e.g. to log.
     *
     * @return an unmodifiable list, one rate per group
     */
    public List<Double> lastLr() {
        List<Double> out = new ArrayList<>();
        for (double lr : lastLr) out.add(lr);
        return Collections.unmodifiableList(out);
    }

    /**
     * The number of {@link #step()} calls so far (PyTorch's last_epoch after construction).
     *
     * @return the epoch the current rates were computed for, from 0
     */
    public int lastEpoch() {
        return lastEpoch;
    }

    /**
     * The base learning rates the schedule scales, per group (base_lrs).
     *
     * @return an unmodifiable list, one rate per group
     */
    public List<Double> baseLrs() {
        List<Double> out = new ArrayList<>();
        for (double lr : baseLrs) out.add(lr);
        return Collections.unmodifiableList(out);
    }

    /**
     * The optimiser whose learning rates this scheduler sets.
     *
     * @return the optimiser given at construction
     */
    public Optimizer<?, ?> optimizer() {
        return optimizer;
    }

    /**
     * {@code last_epoch} and {@code base_lrs.<g>}; the schedule's own settings come from the constructor.
     *
     * @return a new map of float32 scalars
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", StateDictReader.scalarEntry(lastEpoch));
        for (int g = 0; g < baseLrs.length; g++) out.put("base_lrs." + g, StateDictReader.scalarEntry(baseLrs[g]));
        return out;
    }

    /**
     * Restores the step counter (and base rates) and sets the groups' learning rates for it, so a
     * scheduler built like the original and loaded continues exactly where it was saved. A base rate equal
     * to the constructed one after float32 rounding keeps the constructed double.
     *
     * @param stateDict a map produced by {@link #stateDict()}
     * @throws IllegalArgumentException naming the key at fault, if the map does not fit this scheduler
     */
    public void loadStateDict(Map<String, Tensor> stateDict) {
        StateDictReader in = new StateDictReader(name(), stateDict);
        long epoch = in.count("last_epoch");
        if (epoch > Integer.MAX_VALUE) throw new IllegalArgumentException(name() + ".loadStateDict: last_epoch " + epoch + " is too large");
        double[] bases = new double[baseLrs.length];
        for (int g = 0; g < bases.length; g++) {
            if (!in.has("base_lrs." + g)) {
                throw new IllegalArgumentException(name() + ".loadStateDict: the optimizer has " + bases.length
                        + " parameter groups but the state dict has no 'base_lrs." + g + "'");
            }
            bases[g] = in.scalar("base_lrs." + g, baseLrs[g]);
        }
        in.requireAllRead();
        System.arraycopy(bases, 0, baseLrs, 0, bases.length);
        lastEpoch = (int) epoch;
        apply();
    }

    private String name() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return name() + "(lastEpoch=" + lastEpoch + ", lastLr=" + lastLr() + ")";
    }
}
