package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Parameter;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.ParamGroup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Transfer learning helpers: freeze what was pretrained, train the rest, give earlier layers smaller
 * learning rates, and keep the batch statistics of frozen layers fixed.
 *
 * <pre>{@code
 * ResNet net = ResNet.fromStateDict(SafeTensors.load(pretrained));
 * net.replaceHead(10, gen);                       // new classifier
 * Transfer.trainableBlocks(net, 1);               // train layer4 and fc only
 * var groups = Transfer.layerwiseGroups(net, SGD.options(0.01).withMomentum(0.9), 0.1);  // fc 0.01, layer4 0.001
 * var sgd = new SGD(groups);
 * Transfer.train(net, true);                      // train mode, but frozen batch norms stay in eval
 * }</pre>
 */
public final class Transfer {
    private Transfer() {}

    /** For {@link #trainableBlocks}: train every stage and the stem too, i.e. fine-tune the whole network. */
    public static final int ALL = Integer.MAX_VALUE;

    /**
     * Freezes every parameter except those under the given dotted prefixes (a prefix matches whole
     * components: "layer4" matches "layer4.0.conv1.weight", not "layer40..."), which are set trainable.
     * Returns the names of the trainable parameters.
     *
     * @param model    the network whose parameters to freeze and unfreeze
     * @param prefixes dotted prefixes of the parameters to train, e.g. {@code "layer4", "fc"}
     * @return the trainable parameters' names, in the model's order
     * @throws IllegalArgumentException when a prefix matches no parameter (a typo would silently freeze everything)
     */
    public static List<String> freezeAllBut(Module model, String... prefixes) {
        Map<String, Parameter> named = model.namedParameters();
        for (String prefix : prefixes) {
            boolean found = false;
            for (String name : named.keySet()) found |= under(name, prefix);
            if (!found) {
                throw new IllegalArgumentException("freezeAllBut: no parameter is under '" + prefix + "'; the model's top-level modules are "
                        + model.namedChildren().keySet());
            }
        }
        List<String> trainable = new ArrayList<>();
        named.forEach((name, p) -> {
            boolean keep = Arrays.stream(prefixes).anyMatch(prefix -> under(name, prefix));
            p.requiresGrad(keep);
            if (keep) trainable.add(name);
        });
        return trainable;
    }

    /**
     * Trains the head and the last {@code k} body stages and freezes the rest: 0 trains only the head
     * (linear probing / feature extraction), numStages() all stages but the stem, {@link #ALL} (or any k
     * above numStages()) everything. Returns the names of the trainable parameters.
     *
     * @param <M>   a network read as stages, such as a {@link ResNet}
     * @param model the network whose parameters to freeze and unfreeze
     * @param k     body stages to train from the top, {@code >= 0}
     * @return the trainable parameters' names, in the model's order
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public static <M extends Module & Staged> List<String> trainableBlocks(M model, int k) {
        if (k < 0) throw new IllegalArgumentException("trainableBlocks: k must be >= 0 (0 = head only), got " + k);
        int first = k > model.numStages() ? 0 : model.numStages() + 1 - k;
        List<String> trainable = new ArrayList<>();
        model.namedParameters().forEach((name, p) -> {
            boolean keep = model.stageOf(name) >= first;
            p.requiresGrad(keep);
            if (keep) trainable.add(name);
        });
        return trainable;
    }

    /**
     * One parameter group per stage that has trainable parameters, from the head down: the head gets
     * {@code options.lr()}, the last body stage lr * decay, the one before lr * decay^2, and so on to the
     * stem (discriminative fine-tuning, Howard and Ruder 2018). Frozen parameters are left out; other
     * hyperparameters come from {@code options}. A decay of 1 gives every stage the same rate.
     *
     * @param <M>     a network read as stages, such as a {@link ResNet}
     * @param <O>     the optimizer's options type (SGD's, Adam's...)
     * @param model   the network, its frozen parameters already marked
     * @param options the head's options; the other groups copy them with a smaller learning rate
     * @param decay   the factor between a stage's learning rate and the next stage's, in (0, 1]
     * @return the parameter groups, head first, for the optimizer's constructor
     * @throws IllegalArgumentException if the decay is not in (0, 1] or every parameter is frozen
     */
    public static <M extends Module & Staged, O extends Optimizer.Options<O>> List<ParamGroup<O>> layerwiseGroups(M model, O options,
                                                                                                           double decay) {
        if (!(decay > 0 && decay <= 1)) throw new IllegalArgumentException("layerwiseGroups: decay must be in (0, 1], got " + decay);
        int head = model.numStages() + 1;
        List<List<Parameter>> byStage = new ArrayList<>();
        for (int s = 0; s <= head; s++) byStage.add(new ArrayList<>());
        model.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) byStage.get(model.stageOf(name)).add(p);
        });
        List<ParamGroup<O>> groups = new ArrayList<>();
        for (int s = head; s >= 0; s--) {
            if (!byStage.get(s).isEmpty()) groups.add(ParamGroup.of(byStage.get(s), options.withLr(options.lr() * Math.pow(decay, head - s))));
        }
        if (groups.isEmpty()) throw new IllegalArgumentException("layerwiseGroups: every parameter is frozen; nothing to optimise");
        return groups;
    }

    /**
     * Training mode for the model; with frozenBatchNormInEval, batch norms whose parameters are all frozen
     * go back to eval mode, so they normalise with their pretrained running statistics and do not update
     * them (what "frozen" usually means for a pretrained backbone). Call it instead of model.train() at the
     * start of each epoch.
     *
     * @param model                 the network to put in training mode
     * @param frozenBatchNormInEval whether batch norms with only frozen parameters stay in eval mode
     * @return {@code model}
     */
    public static Module train(Module model, boolean frozenBatchNormInEval) {
        model.train();
        if (frozenBatchNormInEval) {
            for (Module m : model.modules()) {
                if (m instanceof BatchNorm2d bn && isFrozen(bn)) bn.eval();
            }
        }
        return model;
    }

    /**
     * True when the module has parameters and none of them requires grad.
     *
     * @param m a module (its children's parameters count too)
     * @return whether it is frozen; false for a module without parameters
     */
    public static boolean isFrozen(Module m) {
        List<Parameter> ps = m.parameters();
        return !ps.isEmpty() && ps.stream().noneMatch(Parameter::requiresGrad);
    }

    private static boolean under(String name, String prefix) {
        return prefix.isEmpty() || name.equals(prefix) || name.startsWith(prefix + ".");
    }
}
