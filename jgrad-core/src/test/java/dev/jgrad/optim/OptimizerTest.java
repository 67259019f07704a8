package dev.jgrad.optim;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.jgrad.optim.Reference.assertFloats;
import static org.junit.jupiter.api.Assertions.*;

/** What every optimiser shares: groups, skipping, zeroGrad, error messages, and exact state round trips. */
class OptimizerTest {

    private static Tensor param(float... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    @Test
    void groupsUseTheirOwnLearningRates() {
        Tensor backbone = param(1, 1), head = param(1, 1);
        SGD.Options opts = SGD.options(0.1);
        SGD sgd = new SGD(List.of(ParamGroup.of(List.of(backbone), opts.withLr(0.01)), ParamGroup.of(List.of(head), opts)));
        backbone.setGrad(Tensor.ones(2));
        head.setGrad(Tensor.ones(2));
        sgd.step();
        assertArrayEquals(new float[] {0.99f, 0.99f}, backbone.toArray(), 1e-7f);
        assertArrayEquals(new float[] {0.9f, 0.9f}, head.toArray(), 1e-7f);
        assertEquals(2, sgd.paramGroups().size());
        assertEquals(0.01, sgd.paramGroups().get(0).lr());
        sgd.paramGroups().get(0).setLr(0.5);
        sgd.step();
        assertArrayEquals(new float[] {0.49f, 0.49f}, backbone.toArray(), 1e-6f);
        assertEquals(List.of(backbone, head), sgd.params());
    }

    @Test
    void groupsMayDifferInWeightDecayAndMomentum() {
        Tensor decayed = param(1), plain = param(1);
        Adam.Options opts = Adam.options(0.1);
        AdamW adamw = new AdamW(List.of(ParamGroup.of(List.of(decayed), opts.withWeightDecay(0.5)), ParamGroup.of(List.of(plain), opts)));
        decayed.setGrad(Tensor.zeros(1));
        plain.setGrad(Tensor.zeros(1));
        adamw.step();
        assertEquals(0.95f, decayed.item(), 1e-7f); // 1 - 0.1 * 0.5, and a zero gradient moves nothing
        assertEquals(1f, plain.item());
    }

    @Test
    void parametersWithoutGradAreSkipped() {
        Tensor a = param(1, 2), b = param(3);
        Adam adam = new Adam(List.of(a, b), 0.1);
        a.setGrad(Tensor.ones(2));
        adam.step();
        assertArrayEquals(new float[] {3}, b.toArray());
        assertNull(adam.state(b), "no state for a parameter that never had a gradient");
        assertEquals(1, adam.state(a).step());
        b.setGrad(Tensor.ones(1));
        adam.step();
        assertEquals(2, adam.state(a).step());
        assertEquals(1, adam.state(b).step(), "step counts are per parameter, as in PyTorch");
        assertEquals(2.9f, b.item(), 1e-6f, "its first step has bias correction 1");
        Map<String, Tensor> sd = new Adam(List.of(param(0, 0), param(0)), 0.1).stateDict();
        assertFalse(sd.keySet().stream().anyMatch(k -> k.startsWith("state.")), sd.keySet().toString());
    }

    @Test
    void zeroGradSetsGradsToNullOrZeros() {
        Tensor a = param(1, 2), b = param(3);
        SGD sgd = new SGD(List.of(a, b), 0.1);
        a.setGrad(Tensor.ones(2));
        Tensor g = a.grad();
        sgd.zeroGrad(false);
        assertSame(g, a.grad());
        assertArrayEquals(new float[] {0, 0}, g.toArray());
        assertNull(b.grad());
        sgd.zeroGrad();
        assertNull(a.grad());
        sgd.step(); // nothing to do
        assertArrayEquals(new float[] {1, 2}, a.toArray());
    }

    @Test
    void aNonContiguousGradientIsRead() {
        Tensor p = Tensor.zeros(2, 3).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 1.0);
        p.setGrad(Tensor.arange(6).reshape(3, 2).t()); // a transposed view
        sgd.step();
        assertArrayEquals(new float[] {0, -2, -4, -1, -3, -5}, p.toArray());
    }

    @Test
    void badParameterListsFailClearly() {
        Tensor a = param(1, 2), b = param(3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(ParamGroup.of(List.of(a, b), SGD.options(0.1)), ParamGroup.of(List.of(a), SGD.options(0.01)))));
        assertTrue(e.getMessage().contains("parameter 2 (group 1") && e.getMessage().contains("parameter 0 (group 0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(a, a), 0.1));
        assertTrue(e.getMessage().contains("same tensor"), e.getMessage());
        Tensor alias = a.detach(); // another tensor over the same memory
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(a, alias), 0.1));
        assertTrue(e.getMessage().contains("share memory"), e.getMessage());
        Tensor big = Tensor.zeros(4, 4);
        assertDoesNotThrow(() -> new SGD(List.of(big.narrow(0, 0, 2), big.narrow(0, 2, 2)), 0.1), "disjoint slices of one buffer are fine");
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(big.t().requiresGrad(true)), 0.1));
        assertTrue(e.getMessage().contains("not contiguous") && e.getMessage().contains("[4, 4]"), e.getMessage());
        Tensor nonLeaf = a.mul(2f);
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(nonLeaf), 0.1));
        assertTrue(e.getMessage().contains("non-leaf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(), 0.1));
        assertTrue(e.getMessage().contains("empty parameter list"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(ParamGroup.of(List.of(), SGD.options(0.1)))));
        assertTrue(e.getMessage().contains("empty parameter list"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(b), 0.1).state(a));
        assertTrue(e.getMessage().contains("not one of this optimizer's parameters"), e.getMessage());
    }

    @Test
    void addParamGroupExtendsTheOptimizer() {
        Tensor a = param(1), b = param(1);
        SGD sgd = new SGD(List.of(a), SGD.options(0.1).withMomentum(0.9));
        sgd.addParamGroup(ParamGroup.of(List.of(b), SGD.options(0.01).withMomentum(0.9)));
        a.setGrad(Tensor.ones(1));
        b.setGrad(Tensor.ones(1));
        sgd.step();
        assertEquals(0.99f, b.item(), 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> sgd.addParamGroup(ParamGroup.of(List.of(a), SGD.options(0.1))));
        assertEquals(2, sgd.paramGroups().size(), "a rejected group is not added");
    }

    // ---------------------------------------------------------------- state dicts

    private static List<Tensor> freshParams() {
        Generator gen = new Generator(5);
        return List.of(Tensor.uniform(-1, 1, gen, 3, 4).requiresGrad(true), Tensor.uniform(-1, 1, gen, 4).requiresGrad(true),
                Tensor.uniform(-1, 1, gen, 2).requiresGrad(true));
    }

    /** Runs steps [from, to) with the fixed gradients; the last parameter gets a gradient only on even steps. */
    private static void run(Optimizer<?, ?> opt, LRScheduler sched, List<Tensor> params, List<List<float[]>> grads, int from, int to) {
        for (int s = from; s < to; s++) {
            for (int k = 0; k < params.size(); k++) {
                boolean has = k < params.size() - 1 || s % 2 == 0;
                params.get(k).setGrad(has ? Tensor.of(grads.get(s).get(k).clone(), params.get(k).shape()) : null);
            }
            opt.step();
            if (sched != null) sched.step();
        }
    }

    private static List<Tensor> copyOf(List<Tensor> params) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : params) out.add(Tensor.of(p.toArray(), p.shape()).requiresGrad(true));
        return out;
    }

    /** 5 steps, save, load into a fresh optimizer (and scheduler), 5 more: bit-identical to 10 steps straight. */
    private static void assertExactResume(Function<List<Tensor>, Optimizer<?, ?>> make, Function<Optimizer<?, ?>, LRScheduler> makeSched) {
        var grads = Reference.gradients(3, 10, new int[] {3, 4}, new int[] {4}, new int[] {2});
        List<Tensor> straight = freshParams();
        Optimizer<?, ?> optA = make.apply(straight);
        LRScheduler schedA = makeSched == null ? null : makeSched.apply(optA);
        run(optA, schedA, straight, grads, 0, 10);

        List<Tensor> first = freshParams();
        Optimizer<?, ?> optB = make.apply(first);
        LRScheduler schedB = makeSched == null ? null : makeSched.apply(optB);
        run(optB, schedB, first, grads, 0, 5);
        Map<String, Tensor> saved = new HashMap<>(optB.stateDict());
        Map<String, Tensor> savedSched = schedB == null ? null : schedB.stateDict();
        List<Tensor> weights = copyOf(first);
        run(optB, schedB, first, grads, 5, 7); // the saved dict must not change with later steps
        Map<String, Tensor> again = optB.stateDict();
        assertNotEquals(again.toString(), saved.toString(), "state advanced");

        Optimizer<?, ?> optC = make.apply(weights);
        LRScheduler schedC = makeSched == null ? null : makeSched.apply(optC);
        optC.loadStateDict(saved);
        if (schedC != null) schedC.loadStateDict(savedSched);
        run(optC, schedC, weights, grads, 5, 10);
        for (int k = 0; k < straight.size(); k++) assertFloats(straight.get(k).toArray(), weights.get(k).toArray(), "param " + k);
        assertEquals(optA.stateDict().keySet(), optC.stateDict().keySet());
        for (var e : optA.stateDict().entrySet()) assertFloats(e.getValue().toArray(), optC.stateDict().get(e.getKey()).toArray(), e.getKey());
        if (schedA != null) assertEquals(schedA.lastLr(), schedC.lastLr());
    }

    private static List<ParamGroup<SGD.Options>> sgdGroups(List<Tensor> p, SGD.Options o) {
        return List.of(ParamGroup.of(p.subList(0, 2), o), ParamGroup.of(p.subList(2, 3), o.withLr(o.lr() / 3)));
    }

    private static List<ParamGroup<Adam.Options>> adamGroups(List<Tensor> p, Adam.Options o) {
        return List.of(ParamGroup.of(p.subList(0, 1), o.withLr(o.lr() / 7)), ParamGroup.of(p.subList(1, 3), o));
    }

    @Test
    void sgdResumesExactly() {
        assertExactResume(p -> new SGD(sgdGroups(p, SGD.options(0.03).withMomentum(0.9).withWeightDecay(1e-3))), null);
        assertExactResume(p -> new SGD(p, SGD.options(0.03).withMomentum(0.8).withNesterov(true)), o -> new StepLR(o, 3, 0.7));
    }

    @Test
    void adamResumesExactly() {
        assertExactResume(p -> new Adam(adamGroups(p, Adam.options(3e-3).withAmsgrad(true).withWeightDecay(1e-4))), null);
        assertExactResume(p -> new AdamW(adamGroups(p, AdamW.options(1e-2))), o -> new CosineAnnealingLR(o, 8, 1e-4));
        assertExactResume(p -> new Adam(p, Adam.options(1.0).withBetas(0.9, 0.98).withEps(1e-9)), o -> new TransformerLR(o, 64, 4));
    }

    @Test
    void stateDictHasStableNames() {
        List<Tensor> p = freshParams();
        Adam adam = new Adam(adamGroups(p, Adam.options(1e-3).withAmsgrad(true)));
        run(adam, null, p, Reference.gradients(1, 1, new int[] {3, 4}, new int[] {4}, new int[] {2}), 0, 1);
        Map<String, Tensor> sd = adam.stateDict();
        for (String key : List.of("param_groups.0.params", "param_groups.0.lr", "param_groups.0.betas", "param_groups.0.eps",
                "param_groups.0.weight_decay", "param_groups.0.amsgrad", "param_groups.1.params", "param_groups.1.lr",
                "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.2.step")) {
            assertTrue(sd.containsKey(key), key + " in " + sd.keySet());
        }
        assertArrayEquals(new float[] {1, 2}, sd.get("param_groups.1.params").toArray());
        assertEquals(1f, sd.get("state.2.step").item());
        assertArrayEquals(new int[] {3, 4}, sd.get("state.0.exp_avg").shape());
        assertEquals((float) (1e-3 / 7), sd.get("param_groups.0.lr").item());

        SGD sgd = new SGD(p, SGD.options(0.1).withMomentum(0.9));
        run(sgd, null, p, Reference.gradients(1, 1, new int[] {3, 4}, new int[] {4}, new int[] {2}), 0, 1);
        assertTrue(sgd.stateDict().containsKey("state.1.momentum_buffer"), sgd.stateDict().keySet().toString());
        assertTrue(sgd.stateDict().containsKey("param_groups.0.nesterov"));
    }

    @Test
    void loadRestoresChangedHyperparameters() {
        List<Tensor> p = freshParams();
        SGD a = new SGD(p, SGD.options(0.1).withMomentum(0.9));
        a.paramGroups().get(0).setLr(0.25);
        SGD b = new SGD(p, SGD.options(0.1));
        b.loadStateDict(a.stateDict());
        assertEquals(new SGD.Options(0.25, (float) 0.9, 0, 0, false), b.paramGroups().get(0).options());
    }

    @Test
    void mismatchedStateDictsFailWithoutChangingAnything() {
        List<Tensor> p = freshParams();
        Adam adam = new Adam(p, 1e-3);
        run(adam, null, p, Reference.gradients(1, 2, new int[] {3, 4}, new int[] {4}, new int[] {2}), 0, 2);
        Map<String, Tensor> sd = adam.stateDict();

        SGD sgd = new SGD(p, 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(sd));
        assertTrue(e.getMessage().startsWith("SGD.loadStateDict") && e.getMessage().contains("param_groups.0."), e.getMessage());

        Adam twoGroups = new Adam(adamGroups(p, Adam.options(1e-3)));
        e = assertThrows(IllegalArgumentException.class, () -> twoGroups.loadStateDict(sd));
        assertTrue(e.getMessage().contains("parameter group 0 has 1 parameters but the saved group has 3"), e.getMessage());

        List<Tensor> other = List.of(Tensor.zeros(4, 3).requiresGrad(true), Tensor.zeros(4).requiresGrad(true), Tensor.zeros(2).requiresGrad(true));
        Adam wrongShape = new Adam(other, 1e-3);
        e = assertThrows(IllegalArgumentException.class, () -> wrongShape.loadStateDict(sd));
        assertTrue(e.getMessage().contains("'state.0.exp_avg' has shape [3, 4] but the parameter has shape [4, 3]"), e.getMessage());
        assertNull(wrongShape.state(other.get(1)), "nothing was loaded");

        Map<String, Tensor> extra = new HashMap<>(sd);
        extra.put("state.7.exp_avg", Tensor.zeros(2));
        Adam fresh = new Adam(freshParams(), 1e-3);
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(extra));
        assertTrue(e.getMessage().contains("unexpected keys [state.7.exp_avg]"), e.getMessage());

        Map<String, Tensor> missing = new HashMap<>(sd);
        missing.remove("state.1.exp_avg_sq");
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(missing));
        assertTrue(e.getMessage().contains("missing key 'state.1.exp_avg_sq'"), e.getMessage());

        Map<String, Tensor> badStep = new HashMap<>(sd);
        badStep.put("state.0.step", Tensor.scalar(1.5f));
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(badStep));
        assertTrue(e.getMessage().contains("'state.0.step' must be a non-negative integer count, got 1.5"), e.getMessage());
        assertEquals(1e-3, fresh.paramGroups().get(0).lr());
    }
}
