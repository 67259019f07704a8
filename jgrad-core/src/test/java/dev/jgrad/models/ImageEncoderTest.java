package dev.jgrad.models;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.ReceptiveField;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageEncoderTest {

    @Test
    void resnetKeepsTorchvisionNamesWithoutTheHead() {
        ImageEncoder enc = new ImageEncoder(new ImageEncoder.Spec("resnet", 1, 8, List.of(1, 1)), new Generator(0));
        ResNet reference = new ResNet(new ResNet.Config(ResNet.Block.BASIC, List.of(1, 1), 1, 1, 8, 1, 64, true, false), new Generator(0));
        List<String> expected = new ArrayList<>(reference.stateDict().keySet());
        expected.removeIf(k -> k.startsWith("fc."));
        assertEquals(expected, new ArrayList<>(enc.stateDict().keySet()));
        assertEquals(List.of("conv1", "bn1", "relu", "layer1", "layer2", "avgpool"), enc.stageNames());
        // Same generator, same weights: the encoder is that ResNet minus fc, and computes its features.
        enc.eval();
        reference.eval();
        Tensor x = Tensor.uniform(0f, 1f, new Generator(1), 3, 1, 10, 10);
        assertArrayEquals(reference.features(x).toArray(), enc.forward(x).toArray(), 1e-6f);
        assertEquals(16, enc.numFeatures());
        assertArrayEquals(new int[] {3, 16, 5, 5}, enc.forwardTo(x, "layer2").shape());
        assertEquals(enc.getParameter("conv1.weight"), enc.firstConv().weight());
    }

    @Test
    void cnnStages() {
        ImageEncoder enc = new ImageEncoder(new ImageEncoder.Spec("CNN", 1, 4, List.of(2, 1, 1)), new Generator(0));
        assertEquals(List.of("block1", "block2", "block3", "avgpool"), enc.stageNames());
        Tensor x = Tensor.uniform(0f, 1f, new Generator(1), 2, 1, 12, 12);
        assertArrayEquals(new int[] {2, 16}, enc.forward(x).shape());
        assertArrayEquals(new int[] {2, 8, 3, 3}, enc.forwardTo(x, "block2").shape());
    }

    @Test
    void multiScaleFeaturesPoolEveryBodyStage() {
        ImageEncoder enc = new ImageEncoder(new ImageEncoder.Spec("resnet", 1, 4, List.of(1, 1, 1)), new Generator(0));
        enc.eval();
        assertEquals(List.of("layer1", "layer2", "layer3"), enc.bodyStages());
        Tensor x = Tensor.uniform(0f, 1f, new Generator(1), 2, 1, 12, 12);
        Tensor f = enc.multiScaleFeatures(x);
        assertArrayEquals(new int[] {2, 4 + 8 + 16}, f.shape());
        assertArrayEquals(enc.forward(x).toArray(), f.narrow(1, 12, 16).contiguous().toArray(), 1e-6f);
        assertArrayEquals(enc.forwardTo(x, "layer1").mean(new int[] {2, 3}, false).toArray(), f.narrow(1, 0, 4).contiguous().toArray(), 1e-6f);
    }

    @Test
    void receptiveFields() {
        ImageEncoder cnn = new ImageEncoder(new ImageEncoder.Spec("cnn", 1, 4, List.of(2, 1, 1)), new Generator(0));
        // block1: two 3x3 convs (5 px), then a 2x2 pool: 6 px, stride 2; block2: a 3x3 conv at stride 2 adds 4: 10, then pool: 12, stride 4.
        assertEquals(new ReceptiveField(6, 2, -2), cnn.receptiveField("block1"));
        assertEquals(new ReceptiveField(12, 4, -4), cnn.receptiveField("block2"));
        ImageEncoder resnet = new ImageEncoder(new ImageEncoder.Spec("resnet", 1, 4, List.of(1, 1)), new Generator(0));
        // stem 3x3: 3; layer1 two 3x3: 7; layer2 3x3 stride 2 then 3x3 at stride 2: 9, 13; the shortcut is ignored.
        assertEquals(new ReceptiveField(7, 1, -3), resnet.receptiveField("layer1"));
        assertEquals(new ReceptiveField(13, 2, -6), resnet.receptiveField("layer2"));
        assertEquals(-1, ReceptiveField.PIXEL.then(3, 1, 1).first(0));
    }

    @Test
    void specRoundTripsThroughMetadata() {
        ImageEncoder.Spec spec = new ImageEncoder.Spec("resnet", 3, 16, List.of(2, 2, 2, 2));
        Map<String, String> meta = spec.toMetadata();
        assertEquals(spec, ImageEncoder.Spec.fromMetadata(meta));
        assertEquals("resnet [2,2,2,2] width 16, 3 input channels (128 features)", spec.describe());
        var missing = assertThrows(IllegalArgumentException.class, () -> ImageEncoder.Spec.fromMetadata(Map.of("encoder.arch", "cnn")));
        assertTrue(missing.getMessage().contains("encoder.in_channels"), missing.getMessage());
        var arch = assertThrows(IllegalArgumentException.class, () -> new ImageEncoder.Spec("vgg", 1, 4, List.of(1)));
        assertTrue(arch.getMessage().contains("'vgg'"), arch.getMessage());
        var layers = assertThrows(IllegalArgumentException.class, () -> ImageEncoder.Spec.parseLayers("1,x"));
        assertTrue(layers.getMessage().contains("'1,x'"), layers.getMessage());
        ImageEncoder enc = new ImageEncoder(new ImageEncoder.Spec("cnn", 1, 4, List.of(1)), new Generator(0));
        var stage = assertThrows(IllegalArgumentException.class, () -> enc.forwardTo(Tensor.zeros(1, 1, 4, 4), "layer9"));
        assertTrue(stage.getMessage().contains("[block1, avgpool]"), stage.getMessage());
        var input = assertThrows(IllegalArgumentException.class, () -> enc.forward(Tensor.zeros(1, 3, 4, 4)));
        assertTrue(input.getMessage().contains("[1, 3, 4, 4]"), input.getMessage());
    }

    @Test
    void simclrAndClassifierNames() {
        SimCLR simclr = new SimCLR(new ImageEncoder(new ImageEncoder.Spec("cnn", 1, 4, List.of(1)), new Generator(0)), 8, 3, true, new Generator(1));
        assertTrue(simclr.stateDict().containsKey("encoder.block1.0.weight"));
        assertTrue(simclr.stateDict().containsKey("projector.1.running_mean"));
        assertTrue(!simclr.stateDict().containsKey("projector.0.bias"), "no bias before a batch norm");
        assertArrayEquals(new int[] {5, 3}, simclr.forward(Tensor.zeros(5, 1, 6, 6)).shape());
        EncoderClassifier clf = new EncoderClassifier(new ImageEncoder(new ImageEncoder.Spec("cnn", 1, 4, List.of(1)), new Generator(0)), 10, new Generator(1));
        assertTrue(clf.stateDict().containsKey("fc.weight"));
        assertArrayEquals(new int[] {2, 10}, clf.forward(Tensor.zeros(2, 1, 6, 6)).shape());
    }
}
