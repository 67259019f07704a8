package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.*;

class LRSchedulerTest {

    private static SGD sgd(double lr) {
        return new SGD(List.of(Tensor.zeros(2).requiresGrad(true)), lr);
    }

    /** The learning rate of the first group for optimizer steps 1..n (the value set before each step). */
    private static List<Double> schedule(LRScheduler sched, int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double lr = sched.optimizer().paramGroups().get(0).lr();
            assertEquals(lr, sched.lastLr().get(0), "lastLr is what was set on the group");
            out.add(lr);
            sched.step();
        }
        return out;
    }

    private static void assertSchedule(double[] expected, List<Double> actual) {
        assertEquals(expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual.get(i), 1e-12, "step " + (i + 1) + " of " + actual);
    }

    @Test
    void stepLRDecaysEveryStepSizeSteps() {
        StepLR s = new StepLR(sgd(0.1), 3, 0.5);
        assertSchedule(new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025}, schedule(s, 8));
        assertEquals(8, s.lastEpoch());
        assertEquals(List.of(0.1), s.baseLrs());
        assertThrows(IllegalArgumentException.class, () -> new StepLR(sgd(0.1), 0, 0.5));
    }

    @Test
    void cosineAnnealsToEtaMinInClosedForm() {
        CosineAnnealingLR s = new CosineAnnealingLR(sgd(0.1), 10, 0.01);
        List<Double> lrs = schedule(s, 11);
        assertEquals(0.1, lrs.get(0), 1e-15);
        assertEquals(0.01 + 0.09 * (1 + Math.cos(Math.PI * 0.2)) / 2, lrs.get(2), 1e-15);
        assertEquals(0.0914058, lrs.get(2), 1e-7);
        assertEquals(0.055, lrs.get(5), 1e-15);
        assertEquals(0.01, lrs.get(10), 1e-15);
        for (int i = 1; i < lrs.size(); i++) assertTrue(lrs.get(i) < lrs.get(i - 1));
    }

    @Test
    void linearWarmupCountsStepsFromOne() {
        SGD opt = sgd(0.1);
        LinearWarmup s = new LinearWarmup(opt, 4);
        assertEquals(0.025, opt.paramGroups().get(0).lr(), 1e-15, "applied on construction, before the first step");
        assertSchedule(new double[] {0.025, 0.05, 0.075, 0.1, 0.1, 0.1}, schedule(s, 6));
        assertEquals(0.5, LinearWarmup.factor(2, 4));
    }

    @Test
    void lambdaLRMultipliesEachGroupsBaseRate() {
        Tensor a = Tensor.zeros(1).requiresGrad(true), b = Tensor.zeros(1).requiresGrad(true);
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(a), SGD.options(0.1)), ParamGroup.of(List.of(b), SGD.options(1.0))));
        LambdaLR s = new LambdaLR(opt, e -> Math.pow(0.5, e));
        s.step();
        s.step();
        assertEquals(List.of(0.025, 0.25), s.lastLr());
        assertEquals(0.25, opt.paramGroups().get(1).lr());

        List<IntToDoubleFunction> perGroup = List.of(e -> 1.0 / (e + 1), e -> e);
        LambdaLR t = new LambdaLR(opt, perGroup);
        assertEquals(List.of(0.025, 0.0), t.lastLr(), "base rates are the groups' rates when the scheduler is built");
        t.step();
        assertEquals(List.of(0.0125, 0.25), t.lastLr());

        var e = assertThrows(IllegalArgumentException.class, () -> new LambdaLR(opt, List.<IntToDoubleFunction>of(x -> 1)));
        assertTrue(e.getMessage().contains("expected 2 factor functions"), e.getMessage());
        var nan = assertThrows(IllegalStateException.class, () -> new LambdaLR(opt, x -> Double.NaN));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
    }

    @Test
    void transformerScheduleByHand() {
        // d = 512, warmup = 4000, with the paper's base lr 1.0 the group's lr is the formula itself.
        TransformerLR s = new TransformerLR(sgd(1.0), 512, 4000);
        double step1 = Math.pow(512, -0.5) * Math.pow(4000, -1.5);
        assertEquals(step1, s.lastLr().get(0), 1e-20, "the first optimizer step uses rate(1)");
        assertEquals(1.7469e-7, step1, 1e-11);
        for (int i = 1; i < 3999; i++) s.step();
        double before = s.lastLr().get(0); // step 3999
        s.step();
        double peak = s.lastLr().get(0); // step 4000
        s.step();
        double after = s.lastLr().get(0); // step 4001
        assertEquals(1 / Math.sqrt(512.0 * 4000.0), peak, 1e-18);
        assertEquals(6.98771e-4, peak, 1e-9);
        assertTrue(before < peak && after < peak, before + " " + peak + " " + after);
        assertEquals(peak / 2, TransformerLR.rate(16000, 512, 4000, 1.0), 1e-15, "1/sqrt(step) decay: 4x the steps, half the rate");
        assertEquals(2 * peak, TransformerLR.rate(4000, 512, 4000, 2.0), 1e-15);
        assertEquals(step1 * 0.5, new TransformerLR(sgd(0.5), 512, 4000).lastLr().get(0), 1e-20, "another base lr scales the schedule");
        assertThrows(IllegalArgumentException.class, () -> TransformerLR.rate(0, 512, 4000, 1.0));
    }

    @Test
    void theOptimizerUsesTheScheduledRate() {
        Tensor p = Tensor.zeros(1).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 1.0);
        LinearWarmup s = new LinearWarmup(opt, 2);
        float[] seen = new float[3];
        for (int i = 0; i < 3; i++) {
            float before = p.item();
            p.setGrad(Tensor.ones(1));
            opt.step();
            s.step();
            seen[i] = before - p.item();
        }
        assertArrayEquals(new float[] {0.5f, 1f, 1f}, seen);
    }

    @Test
    void aHandSetRateIsOverwrittenAtTheNextStep() {
        SGD opt = sgd(0.1);
        StepLR s = new StepLR(opt, 10, 0.5);
        opt.paramGroups().get(0).setLr(7);
        s.step();
        assertEquals(0.1, opt.paramGroups().get(0).lr());
    }

    @Test
    void stateRoundTripRestoresTheRates() {
        SGD a = sgd(0.1);
        CosineAnnealingLR s = new CosineAnnealingLR(a, 10);
        for (int i = 0; i < 4; i++) s.step();
        var sd = s.stateDict();
        assertEquals(4f, sd.get("last_epoch").item());
        assertEquals(0.1f, sd.get("base_lrs.0").item());

        SGD b = sgd(0.1);
        CosineAnnealingLR t = new CosineAnnealingLR(b, 10);
        t.loadStateDict(sd);
        assertEquals(4, t.lastEpoch());
        assertEquals(s.lastLr(), t.lastLr());
        assertEquals(a.paramGroups().get(0).lr(), b.paramGroups().get(0).lr(), "exact, not rounded to float32");
        s.step();
        t.step();
        assertEquals(s.lastLr(), t.lastLr());

        var e = assertThrows(IllegalArgumentException.class, () -> new StepLR(sgd(0.1), 2).loadStateDict(java.util.Map.of("last_epoch", Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("base_lrs.0"), e.getMessage());
    }

    @Test
    void addingGroupsAfterBuildingTheSchedulerFailsClearly() {
        SGD opt = sgd(0.1);
        StepLR s = new StepLR(opt, 2);
        opt.addParamGroup(ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true)), SGD.options(0.1)));
        var e = assertThrows(IllegalStateException.class, s::step);
        assertTrue(e.getMessage().contains("2 parameter groups but had 1"), e.getMessage());
    }
}
