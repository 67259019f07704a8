package dev.jgrad.conformance;

import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Linear;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.SGD;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;

/**
 * Ten optimiser steps against PyTorch 1.13: a Linear(4, 3) starts from the fixture's weights and fits
 * fixed data with mean squared error; the loss before each step and the parameters after it must match.
 */
class OptimConformanceTest {

    private static Optimizer<?, ?> optimizer(Fixture f, Linear model) {
        var params = model.parameters();
        double lr = f.metaDouble("lr"), weightDecay = f.metaDouble("weight_decay");
        return switch (f.meta("optimizer")) {
            case "SGD" -> new SGD(params, SGD.options(lr).withMomentum(f.metaDouble("momentum"))
                    .withDampening(f.metaDouble("dampening")).withWeightDecay(weightDecay).withNesterov(f.metaBool("nesterov")));
            case "Adam", "AdamW" -> {
                double[] betas = f.metaDoubles("betas");
                Adam.Options o = (f.meta("optimizer").equals("Adam") ? Adam.options(lr) : AdamW.options(lr))
                        .withBetas(betas[0], betas[1]).withEps(f.metaDouble("eps")).withWeightDecay(weightDecay)
                        .withAmsgrad(f.metaBool("amsgrad"));
                yield f.meta("optimizer").equals("Adam") ? new Adam(params, o) : new AdamW(params, o);
            }
            default -> throw new IllegalArgumentException("fixture " + f + ": unknown optimizer " + f.meta("optimizer"));
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_momentum", "sgd_nesterov_weight_decay", "sgd_momentum_dampening", "adam", "adam_l2",
            "adamw", "adamw_strong_decay"})
    void tenSteps(String name) {
        Fixture f = Fixture.load(name);
        Linear model = new Linear(4, 3);
        model.loadStateDict(Map.of("weight", f.get("weight"), "bias", f.get("bias")));
        Optimizer<?, ?> opt = optimizer(f, model);
        Tensor x = f.get("x"), y = f.get("y");
        int steps = f.metaInt("steps");
        for (int step = 1; step <= steps; step++) {
            opt.zeroGrad();
            Tensor loss = Functional.mseLoss(model.forward(x), y);
            assertClose(name + " loss before step " + step, f.get("loss").select(0, step - 1), loss);
            loss.backward();
            opt.step();
            assertClose(name + " weight after step " + step, f.get("step" + step + ".weight"), model.weight());
            assertClose(name + " bias after step " + step, f.get("step" + step + ".bias"), model.bias());
        }
    }
}
