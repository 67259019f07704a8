package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jgrad.optim.Reference.assertClose;
import static dev.jgrad.optim.Reference.toDouble;
import static org.junit.jupiter.api.Assertions.*;

class SGDTest {

    private static Tensor param(float... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    private static void step(Optimizer<?, ?> opt, Tensor p, float... grad) {
        p.setGrad(Tensor.of(grad, grad.length));
        opt.step();
    }

    @Test
    void plainStepIsPMinusLrTimesGrad() {
        Tensor p = param(1, -2);
        SGD sgd = new SGD(List.of(p), 0.1);
        step(sgd, p, 0.5f, 1);
        assertArrayEquals(new float[] {0.95f, -2.1f}, p.toArray(), 1e-7f);
        assertNull(sgd.state(p).momentumBuffer(), "no momentum, no buffer");
    }

    @Test
    void firstMomentumStepTakesTheGradientUndamped() {
        Tensor p = param(1, -2);
        SGD sgd = new SGD(List.of(p), SGD.options(0.1).withMomentum(0.9).withDampening(0.5));
        step(sgd, p, 0.5f, 1);
        // buf = g (not (1 - dampening) * g)
        assertArrayEquals(new float[] {0.5f, 1f}, sgd.state(p).momentumBuffer().toArray());
        assertArrayEquals(new float[] {0.95f, -2.1f}, p.toArray(), 1e-7f);
        step(sgd, p, 0f, -1);
        // buf = 0.9 * buf + 0.5 * g = [0.45, 0.4]
        assertArrayEquals(new float[] {0.45f, 0.4f}, sgd.state(p).momentumBuffer().toArray(), 1e-7f);
        assertArrayEquals(new float[] {0.905f, -2.14f}, p.toArray(), 1e-6f);
    }

    @Test
    void nesterovWithWeightDecayByHand() {
        Tensor p = param(1, -2);
        SGD sgd = new SGD(List.of(p), SGD.options(0.1).withMomentum(0.9).withNesterov(true).withWeightDecay(0.1));
        step(sgd, p, 0.5f, 1);
        // d = g + 0.1 p = [0.6, 0.8]; buf = d; d + 0.9 buf = [1.14, 1.52]
        assertArrayEquals(new float[] {0.886f, -2.152f}, p.toArray(), 1e-6f);
        step(sgd, p, 0f, -1);
        // PyTorch 1.13 gives [0.8205660, -1.9859120]
        assertArrayEquals(new float[] {0.820566f, -1.985912f}, p.toArray(), 1e-6f);
    }

    @Test
    void nesterovNeedsMomentumAndNoDampening() {
        Tensor p = param(1);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), SGD.options(0.1).withNesterov(true)));
        assertTrue(e.getMessage().contains("Nesterov") && e.getMessage().contains("momentum=0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(p), SGD.options(0.1).withMomentum(0.9).withDampening(0.1).withNesterov(true)));
        assertTrue(e.getMessage().contains("dampening=0.1"), e.getMessage());
        // The with-methods may come in any order: only the finished options are checked.
        assertDoesNotThrow(() -> new SGD(List.of(p), SGD.options(0.1).withNesterov(true).withMomentum(0.9)));
        SGD ok = new SGD(List.of(p), SGD.options(0.1).withMomentum(0.9).withNesterov(true));
        assertThrows(IllegalArgumentException.class, () -> ok.paramGroups().get(0).setOptions(SGD.options(0.1).withNesterov(true)));
    }

    @Test
    void invalidHyperparametersAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> SGD.options(-0.1));
        assertTrue(e.getMessage().contains("learning rate: -0.1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SGD.options(0.1).withMomentum(-1));
        assertThrows(IllegalArgumentException.class, () -> SGD.options(0.1).withWeightDecay(Double.NaN));
    }

    /** 20 steps on two parameters against the double-precision reference, for each feature combination. */
    @Test
    void trajectoriesMatchTheReference() {
        record Case(double lr, double momentum, double dampening, double wd, boolean nesterov) {}
        List<Case> cases = List.of(
                new Case(0.05, 0, 0, 0, false),
                new Case(0.05, 0, 0, 0.01, false),
                new Case(0.05, 0.9, 0, 0, false),
                new Case(0.02, 0.9, 0.3, 0.05, false),
                new Case(0.02, 0.8, 0, 0.05, true));
        int[][] shapes = {{4, 3}, {5}};
        var grads = Reference.gradients(7, 20, shapes);
        for (Case c : cases) {
            List<Tensor> params = new ArrayList<>();
            List<double[]> ref = new ArrayList<>();
            List<Reference.Sgd> refOpt = new ArrayList<>();
            for (int k = 0; k < shapes.length; k++) {
                Tensor t = Tensor.uniform(-1, 1, new dev.jgrad.tensor.Generator(k), shapes[k]).requiresGrad(true);
                params.add(t);
                ref.add(toDouble(t.toArray()));
                refOpt.add(new Reference.Sgd(c.lr, c.momentum, c.dampening, c.wd, c.nesterov));
            }
            SGD sgd = new SGD(params, new SGD.Options(c.lr, c.momentum, c.dampening, c.wd, c.nesterov));
            for (int s = 0; s < grads.size(); s++) {
                for (int k = 0; k < params.size(); k++) {
                    params.get(k).setGrad(Tensor.of(grads.get(s).get(k).clone(), shapes[k]));
                    refOpt.get(k).step(ref.get(k), toDouble(grads.get(s).get(k)));
                }
                sgd.step();
                for (int k = 0; k < params.size(); k++) assertClose(ref.get(k), params.get(k).toArray(), 2e-5, c + " step " + s + " param " + k);
            }
        }
    }
}
