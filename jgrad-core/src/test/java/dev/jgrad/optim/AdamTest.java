package dev.jgrad.optim;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jgrad.optim.Reference.assertClose;
import static dev.jgrad.optim.Reference.toDouble;
import static org.junit.jupiter.api.Assertions.*;

class AdamTest {

    private static Tensor param(float... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    private static void step(Optimizer<?, ?> opt, Tensor p, float... grad) {
        p.setGrad(Tensor.of(grad, grad.length));
        opt.step();
    }

    @Test
    void firstStepMovesEachWeightByAboutLr() {
        // Step 1: mHat = g and vHat = g^2, so the update is lr * g / (|g| + eps).
        Tensor p = param(1, -2);
        Adam adam = new Adam(List.of(p), 0.1);
        step(adam, p, 0.5f, 1);
        assertArrayEquals(new float[] {0.9f, -2.1f}, p.toArray(), 1e-7f);
        Adam.State s = adam.state(p);
        assertEquals(1, s.step());
        assertArrayEquals(new float[] {0.05f, 0.1f}, s.expAvg().toArray(), 1e-8f);
        assertArrayEquals(new float[] {0.00025f, 0.001f}, s.expAvgSq().toArray(), 1e-10f);
        assertNull(s.maxExpAvgSq());
        // Step 2 with g = [0, -1]: m = [0.045, -0.01], v = [0.00024975, 0.001999], bc1 = 0.19, bc2 = 0.001999.
        // p0 -= 0.1 / 0.19 * 0.045 / (sqrt(0.00024975 / 0.001999) + 1e-8) = 0.0670058
        step(adam, p, 0f, -1);
        assertArrayEquals(new float[] {0.8329942f, -2.0947368f}, p.toArray(), 1e-6f);
    }

    @Test
    void l2WeightDecayIsAddedToTheGradient() {
        Tensor p = param(1, -2);
        Adam adam = new Adam(List.of(p), Adam.options(0.1).withWeightDecay(0.1));
        step(adam, p, 0.5f, 1);
        assertArrayEquals(new float[] {0.9f, -2.1f}, p.toArray(), 1e-7f); // the first step is still about lr
        assertArrayEquals(new float[] {0.06f, 0.08f}, adam.state(p).expAvg().toArray(), 1e-7f); // 0.1 * (g + 0.1 p)
        step(adam, p, 0f, -1);
        assertArrayEquals(new float[] {0.8226923f, -2.0748589f}, p.toArray(), 1e-6f); // PyTorch 1.13
    }

    @Test
    void adamWDecaysTheWeightsBeforeTheUpdate() {
        Tensor p = param(1, -2);
        AdamW adamw = new AdamW(List.of(p), 0.1);
        assertEquals(1e-2, adamw.paramGroups().get(0).options().weightDecay(), "PyTorch's AdamW default");
        step(adamw, p, 0.5f, 1);
        // p * (1 - 0.1 * 0.01) - 0.1 * sign(g)
        assertArrayEquals(new float[] {0.899f, -2.098f}, p.toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.05f, 0.1f}, adamw.state(p).expAvg().toArray(), 1e-8f); // raw gradient
        step(adamw, p, 0f, -1);
        assertArrayEquals(new float[] {0.8310952f, -2.0906389f}, p.toArray(), 1e-6f); // PyTorch 1.13
    }

    @Test
    void amsgradKeepsTheLargestSecondMoment() {
        Tensor p = param(1, -2);
        Adam adam = new Adam(List.of(p), Adam.options(0.1).withAmsgrad(true));
        step(adam, p, 0.5f, 1);
        step(adam, p, 0.1f, -0.1f);
        // v shrinks (0.999 * 0.00025 + 0.001 * 0.01 = 0.00025975 is still larger here), then keeps the max
        assertArrayEquals(new float[] {0.00025975f, 0.001009f}, adam.state(p).maxExpAvgSq().toArray(), 1e-9f);
        step(adam, p, 0.1f, -0.1f);
        assertArrayEquals(new float[] {0.7464777f, -2.1985197f}, p.toArray(), 1e-6f); // PyTorch 1.13
        // A small gradient after a large one: v drops, the max does not.
        Tensor q = param(0);
        Adam ams = new Adam(List.of(q), Adam.options(0.1).withAmsgrad(true));
        step(ams, q, 10f);
        step(ams, q, 0.01f);
        assertTrue(ams.state(q).maxExpAvgSq().item() > ams.state(q).expAvgSq().item());
        assertEquals(ams.state(q).maxExpAvgSq().item(), 0.1f, 1e-6f);
    }

    @Test
    void invalidHyperparametersAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adam.options(1e-3).withBetas(0.9, 1.0));
        assertTrue(e.getMessage().contains("beta parameter at index 1: 1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Adam.options(1e-3).withEps(-1));
        assertThrows(IllegalArgumentException.class, () -> Adam.options(Double.NaN));
    }

    /** 25 steps on two parameters against the double-precision reference, for each variant. */
    @Test
    void trajectoriesMatchTheReference() {
        record Case(String name, Adam.Options o, boolean decoupled) {}
        List<Case> cases = List.of(
                new Case("adam", Adam.options(1e-2), false),
                new Case("adam betas/eps", Adam.options(3e-3).withBetas(0.8, 0.98).withEps(1e-6), false),
                new Case("adam l2", Adam.options(1e-2).withWeightDecay(0.05), false),
                new Case("adam amsgrad", Adam.options(1e-2).withAmsgrad(true).withWeightDecay(0.01), false),
                new Case("adamw", AdamW.options(1e-2), true),
                new Case("adamw amsgrad", AdamW.options(5e-3).withWeightDecay(0.1).withAmsgrad(true), true));
        int[][] shapes = {{6, 5}, {3}};
        var grads = Reference.gradients(11, 25, shapes);
        for (Case c : cases) {
            List<Tensor> params = new ArrayList<>();
            List<double[]> ref = new ArrayList<>();
            List<Reference.AdamRef> refOpt = new ArrayList<>();
            for (int k = 0; k < shapes.length; k++) {
                Tensor t = Tensor.uniform(-1, 1, new Generator(k), shapes[k]).requiresGrad(true);
                params.add(t);
                ref.add(toDouble(t.toArray()));
                Adam.Options o = c.o;
                refOpt.add(new Reference.AdamRef(o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.amsgrad(), c.decoupled));
            }
            Adam adam = c.decoupled ? new AdamW(params, c.o) : new Adam(params, c.o);
            for (int s = 0; s < grads.size(); s++) {
                for (int k = 0; k < params.size(); k++) {
                    params.get(k).setGrad(Tensor.of(grads.get(s).get(k).clone(), shapes[k]));
                    refOpt.get(k).step(ref.get(k), toDouble(grads.get(s).get(k)));
                }
                adam.step();
                for (int k = 0; k < params.size(); k++) assertClose(ref.get(k), params.get(k).toArray(), 2e-5, c.name + " step " + s + " param " + k);
            }
        }
    }

    @Test
    void stateIsAllocatedOnceAndUpdatedInPlace() {
        Tensor p = Tensor.zeros(64, 32).requiresGrad(true);
        Adam adam = new Adam(List.of(p), Adam.options(1e-3).withAmsgrad(true));
        float[] storage = p.storage();
        Tensor g = Tensor.ones(64, 32);
        p.setGrad(g);
        adam.step();
        Adam.State s = adam.state(p);
        Tensor m = s.expAvg(), v = s.expAvgSq(), vMax = s.maxExpAvgSq();
        for (int i = 0; i < 5; i++) adam.step();
        assertSame(s, adam.state(p));
        assertSame(m, s.expAvg());
        assertSame(v, s.expAvgSq());
        assertSame(vMax, s.maxExpAvgSq());
        assertSame(storage, p.storage(), "parameters are updated in place");
        assertEquals(6, s.step());
    }

    /** Gradients from autograd: minimising a quadratic with a float32 graph tracks the double reference. */
    @Test
    void trainsThroughAutogradLikeTheReference() {
        Generator gen = new Generator(3);
        Tensor a = Tensor.uniform(0.5f, 2f, gen, 10);
        Tensor c = Tensor.uniform(-1f, 1f, gen, 10);
        Tensor w = Tensor.zeros(10).requiresGrad(true);
        AdamW opt = new AdamW(List.of(w), AdamW.options(0.05));
        double[] ref = new double[10];
        double[] ad = toDouble(a.toArray()), cd = toDouble(c.toArray());
        Reference.AdamRef refOpt = new Reference.AdamRef(0.05, 0.9, 0.999, 1e-8, 1e-2, false, true);
        double firstLoss = -1, loss = 0;
        for (int s = 0; s < 100; s++) {
            // loss = 0.5 * sum(a * (w - c)^2), gradient a * (w - c)
            Tensor l = a.mul(w.sub(c).pow(2f)).sum().mul(0.5f);
            loss = l.item();
            if (s == 0) firstLoss = loss;
            opt.zeroGrad();
            l.backward();
            opt.step();
            double[] g = new double[10];
            for (int i = 0; i < 10; i++) g[i] = ad[i] * (ref[i] - cd[i]);
            refOpt.step(ref, g);
        }
        assertClose(ref, w.toArray(), 1e-4, "w");
        assertTrue(loss < 1e-2 * firstLoss, "loss " + firstLoss + " -> " + loss);
    }
}
