package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Parameter;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.ParamGroup;
import dev.jgrad.optim.SGD;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TransferTest {

    static ResNet tiny() {
        return new ResNet(ResNet.Config.resnet18(4).withWidth(4).withSmallInput(true).withInChannels(1), new Generator(11));
    }

    static Map<String, float[]> snapshot(ResNet m) {
        Map<String, float[]> out = new HashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    static void step(ResNet m, SGD opt) {
        opt.zeroGrad();
        Tensor x = Tensor.randn(4, 1, 8, 8);
        Functional.crossEntropy(m.forward(x), IntTensor.of(new int[] {0, 1, 2, 3}, 4)).backward();
        opt.step();
    }

    @Test
    void frozenParametersGetNoGradientAndDoNotMove() {
        ResNet m = tiny();
        List<String> trainable = Transfer.freezeAllBut(m, "layer4", "fc");
        assertTrue(trainable.contains("layer4.0.downsample.0.weight"));
        assertTrue(trainable.contains("fc.bias"));
        assertFalse(trainable.contains("layer3.1.conv2.weight"));
        Map<String, float[]> before = snapshot(m);
        // Weight decay and momentum would move a parameter with a zero gradient: frozen ones must be skipped entirely.
        SGD opt = new SGD(m.parameters(), SGD.options(0.1).withMomentum(0.9).withWeightDecay(1e-2));
        step(m, opt);
        m.namedParameters().forEach((name, p) -> {
            boolean train = trainable.contains(name);
            assertEquals(train, p.requiresGrad(), name);
            if (!train) {
                assertNull(p.grad(), name);
                assertArrayEquals(before.get(name), p.toArray(), name);
            }
        });
        assertFalse(java.util.Arrays.equals(before.get("fc.weight"), m.getParameter("fc.weight").toArray()));
        assertFalse(java.util.Arrays.equals(before.get("layer4.1.conv2.weight"), m.getParameter("layer4.1.conv2.weight").toArray()));
    }

    @Test
    void freezeAllButRejectsAPrefixThatMatchesNothing() {
        ResNet m = tiny();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transfer.freezeAllBut(m, "layer"));
        assertTrue(e.getMessage().contains("'layer'") && e.getMessage().contains("layer4"), e.getMessage());
        assertTrue(m.getParameter("conv1.weight").requiresGrad(), "nothing frozen after the error");
    }

    @Test
    void trainableBlocksCountsStagesFromTheHead() {
        ResNet m = tiny();
        assertEquals(List.of("fc.weight", "fc.bias"), Transfer.trainableBlocks(m, 0));
        List<String> one = Transfer.trainableBlocks(m, 1);
        assertTrue(one.stream().allMatch(n -> n.startsWith("layer4.") || n.startsWith("fc.")), one.toString());
        assertEquals(m.numParameters(true), m.getSubmodule("layer4").numParameters() + m.getSubmodule("fc").numParameters());
        List<String> four = Transfer.trainableBlocks(m, 4);
        assertFalse(four.contains("conv1.weight"));
        assertTrue(four.contains("layer1.0.conv1.weight"));
        assertEquals(m.namedParameters().size(), Transfer.trainableBlocks(m, Transfer.ALL).size());
        assertEquals(m.numParameters(), m.numParameters(true));
        assertThrows(IllegalArgumentException.class, () -> Transfer.trainableBlocks(m, -1));
    }

    @Test
    void layerwiseGroupsDecayTheLearningRateTowardsTheInput() {
        ResNet m = tiny();
        Transfer.trainableBlocks(m, 2);
        List<ParamGroup<SGD.Options>> groups = Transfer.layerwiseGroups(m, SGD.options(0.1).withMomentum(0.9), 0.5);
        assertEquals(3, groups.size(), "fc, layer4, layer3");
        assertEquals(0.1, groups.get(0).lr(), 1e-15);
        assertEquals(0.05, groups.get(1).lr(), 1e-15);
        assertEquals(0.025, groups.get(2).lr(), 1e-15);
        assertEquals(0.9, groups.get(2).options().momentum());
        assertEquals(List.of(m.getParameter("fc.weight"), m.getParameter("fc.bias")), groups.get(0).params());
        assertEquals(m.getSubmodule("layer4").parameters(), groups.get(1).params());

        Transfer.trainableBlocks(m, Transfer.ALL);
        var all = Transfer.layerwiseGroups(m, Adam.options(1e-3), 0.1);
        assertEquals(6, all.size(), "fc, layer4..layer1, stem");
        assertEquals(1e-8, all.get(5).lr(), 1e-20);
        int total = 0;
        for (var g : all) total += g.params().size();
        assertEquals(m.parameters().size(), total);
        new Adam(all); // every parameter once

        Transfer.trainableBlocks(m, 0);
        assertEquals(1, Transfer.layerwiseGroups(m, SGD.options(0.1), 0.1).size());
        assertThrows(IllegalArgumentException.class, () -> Transfer.layerwiseGroups(m, SGD.options(0.1), 0));
        m.requiresGrad(false);
        assertThrows(IllegalArgumentException.class, () -> Transfer.layerwiseGroups(m, SGD.options(0.1), 0.5));
    }

    @Test
    void frozenBatchNormsStayInEvalAndKeepTheirStatistics() {
        ResNet m = tiny();
        Transfer.trainableBlocks(m, 1);
        Transfer.train(m, true);
        BatchNorm2d frozen = (BatchNorm2d) m.getSubmodule("layer3.0.bn1");
        BatchNorm2d trained = (BatchNorm2d) m.getSubmodule("layer4.0.bn1");
        assertFalse(frozen.isTraining());
        assertTrue(trained.isTraining());
        assertTrue(m.isTraining());
        float[] before = frozen.runningMean().toArray();
        m.forward(Tensor.randn(4, 1, 8, 8).add(3f));
        assertArrayEquals(before, frozen.runningMean().toArray());
        assertEquals(0, frozen.numBatchesTracked());
        assertEquals(1, trained.numBatchesTracked());

        Transfer.train(m, false);
        assertTrue(frozen.isTraining());
        assertTrue(Transfer.isFrozen(frozen));
        assertFalse(Transfer.isFrozen(trained));
    }

    @Test
    void aNewHeadOnAFrozenBackboneIsTheOnlyThingTrained() {
        ResNet m = tiny();
        m.requiresGrad(false);
        m.replaceHead(7, new Generator(1));
        List<Parameter> trainable = m.parameters().stream().filter(Parameter::requiresGrad).toList();
        assertEquals(List.of(m.getParameter("fc.weight"), m.getParameter("fc.bias")), trainable);
        assertEquals(List.of("fc.weight", "fc.bias"), Transfer.trainableBlocks(m, 0));
        assertArrayEquals(new int[] {2, 7}, m.forward(Tensor.randn(2, 1, 8, 8)).shape());
    }
}
