package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Parameter;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ResNetTest {

    static ResNet tiny(int inChannels, int numClasses) {
        return new ResNet(ResNet.Config.resnet18(numClasses).withWidth(4).withSmallInput(true).withInChannels(inChannels)
                .withNumClasses(numClasses), new Generator(3));
    }

    @Test
    void initialisationIsTorchvisions() {
        ResNet m = new ResNet(ResNet.Config.resnet18(10).withWidth(16), new Generator(5));
        // kaiming_normal(fan_out, relu): std = sqrt(2 / (out_channels * kh * kw))
        Tensor w = m.getParameter("layer3.0.conv2.weight"); // [64, 64, 3, 3]
        double expectedStd = Math.sqrt(2.0 / (64 * 9));
        float[] v = w.toArray();
        double sum = 0, sq = 0;
        for (float f : v) {
            sum += f;
            sq += f * f;
        }
        double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(0, mean, 4 * expectedStd / Math.sqrt(v.length));
        assertEquals(expectedStd, std, 0.05 * expectedStd);
        for (var e : m.namedModules().entrySet()) {
            if (e.getValue() instanceof BatchNorm2d bn) {
                for (float f : bn.weight().toArray()) assertEquals(1f, f, e.getKey());
                for (float f : bn.bias().toArray()) assertEquals(0f, f, e.getKey());
            }
        }
        // fc keeps nn.Linear's default: U(-1/sqrt(in), 1/sqrt(in))
        double bound = 1 / Math.sqrt(128);
        for (float f : m.getParameter("fc.weight").toArray()) assertTrue(Math.abs(f) <= bound);
    }

    @Test
    void zeroInitResidualZeroesEachBlocksLastBatchNorm() {
        ResNet basic = new ResNet(ResNet.Config.resnet18(10).withWidth(4).withZeroInitResidual(true), new Generator(1));
        for (float f : basic.getParameter("layer2.1.bn2.weight").toArray()) assertEquals(0f, f);
        for (float f : basic.getParameter("layer2.1.bn1.weight").toArray()) assertEquals(1f, f);
        ResNet bottleneck = new ResNet(ResNet.Config.resnet50(10).withWidth(4).withZeroInitResidual(true), new Generator(1));
        for (float f : bottleneck.getParameter("layer1.0.bn3.weight").toArray()) assertEquals(0f, f);
        for (float f : bottleneck.getParameter("layer1.0.downsample.1.weight").toArray()) assertEquals(1f, f);
    }

    @Test
    void smallInputVariantTakesGreyImagesAndKeepsTheirResolutionInTheStem() {
        ResNet m = tiny(1, 10);
        assertArrayEquals(new int[] {4, 1, 3, 3}, m.getParameter("conv1.weight").shape());
        assertThrows(IllegalArgumentException.class, () -> m.getSubmodule("maxpool"));
        Tensor x = Tensor.randn(2, 1, 28, 28);
        assertArrayEquals(new int[] {2, 10}, m.forward(x).shape());
        assertArrayEquals(new int[] {2, 32}, m.features(x).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.randn(2, 3, 28, 28)));
        assertTrue(e.getMessage().contains("[2, 3, 28, 28]") && e.getMessage().contains("1 input channel"), e.getMessage());
    }

    @Test
    void replacingTheHeadChangesTheClassesAndKeepsTheBody() {
        ResNet m = tiny(3, 10);
        Tensor before = m.getParameter("layer4.1.conv2.weight");
        Linear fc = m.replaceHead(5, new Generator(9));
        assertSame(fc, m.getSubmodule("fc"));
        assertSame(before, m.getParameter("layer4.1.conv2.weight"));
        assertEquals(5, m.config().numClasses());
        assertArrayEquals(new int[] {5, 32}, m.getParameter("fc.weight").shape());
        assertArrayEquals(new int[] {3, 5}, m.forward(Tensor.randn(3, 3, 16, 16)).shape());
    }

    @Test
    void stagesNameStemBodyAndHead() {
        ResNet m = tiny(3, 10);
        assertEquals(4, m.numStages());
        assertEquals(0, m.stageOf("conv1.weight"));
        assertEquals(0, m.stageOf("bn1.bias"));
        assertEquals(1, m.stageOf("layer1.0.conv1.weight"));
        assertEquals(4, m.stageOf("layer4.0.downsample.1.weight"));
        assertEquals(5, m.stageOf("fc.bias"));
        assertThrows(IllegalArgumentException.class, () -> m.stageOf("layer5.0.conv1.weight"));
        for (String name : m.namedParameters().keySet()) m.stageOf(name);
        ResNetCifar c = new ResNetCifar(1, 10, new Generator(0));
        assertEquals(1, c.stageOf("layers.1.conv1.weight"));
        assertEquals(4, c.stageOf("layers.6.shortcut.0.weight"));
        assertEquals(5, c.stageOf("fc.weight"));
    }

    @Test
    void inferredConfigurationsRoundTrip() {
        for (ResNet.Config c : List.of(
                ResNet.Config.resnet18(7).withWidth(4),
                ResNet.Config.resnet34(3).withWidth(2).withSmallInput(true).withInChannels(1),
                ResNet.Config.resnet50(10).withWidth(4),
                ResNet.Config.resnet50(10).withWidth(8).withGroups(4, 16),
                ResNet.Config.of(ResNet.Block.BOTTLENECK, List.of(1, 1), 2).withWidth(4).withGroups(1, 128),
                new ResNet.Config(ResNet.Block.BASIC, List.of(1, 2, 1), 4, 2, 8, 1, 64, true, false))) {
            ResNet m = new ResNet(c, new Generator(2));
            assertEquals(c, ResNet.inferConfig(m.stateDict()), c.describe());
            ResNet copy = ResNet.fromStateDict(m.stateDict());
            assertEquals(m.stateDict().keySet(), copy.stateDict().keySet());
        }
    }

    @Test
    void aStateDictThatIsNotAResNetIsRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResNet.inferConfig(Map.of("weight", Tensor.zeros(2, 2))));
        assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
        Map<String, Tensor> state = tiny(1, 10).stateDict();
        state.put("fc.weight", Tensor.zeros(10, 99));
        e = assertThrows(IllegalArgumentException.class, () -> ResNet.fromStateDict(state));
        assertTrue(e.getMessage().contains("size mismatch for fc.weight"), e.getMessage());
    }

    @Test
    void describeNamesStandardNetworks() {
        assertEquals("resnet50 classes=1000", ResNet.Config.resnet50(1000).describe());
        assertEquals("resnet[1,1,1,1] basic width 16 small-input in=1 classes=10",
                ResNet.Config.of(ResNet.Block.BASIC, List.of(1, 1, 1, 1), 10).withWidth(16).withSmallInput(true).withInChannels(1).describe());
        assertThrows(IllegalArgumentException.class, () -> ResNet.Config.named("resnet19", 10));
        assertThrows(IllegalArgumentException.class, () -> ResNet.Config.resnet18(10).withGroups(32, 4));
    }

    @Test
    void trainingStepReducesTheLossOnABatch() {
        ResNet m = tiny(1, 3);
        Tensor x = Tensor.randn(6, 1, 12, 12);
        dev.jgrad.tensor.IntTensor y = dev.jgrad.tensor.IntTensor.of(new int[] {0, 1, 2, 0, 1, 2}, 6);
        var opt = new dev.jgrad.optim.SGD(m.parameters(), dev.jgrad.optim.SGD.options(0.05).withMomentum(0.9));
        double first = 0, last = 0;
        for (int i = 0; i < 8; i++) {
            opt.zeroGrad();
            Tensor loss = dev.jgrad.nn.Functional.crossEntropy(m.forward(x), y);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < first, first + " -> " + last);
        for (Parameter p : m.parameters()) assertNotNull(p.grad());
    }
}
