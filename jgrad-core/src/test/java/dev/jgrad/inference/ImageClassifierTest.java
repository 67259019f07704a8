package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.models.ResNet;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.Normalize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ResNet saved as {@code jgrad train images} saves it ({@link ImageClassifierCheckpoint#save}), loaded back, and used from several threads. */
class ImageClassifierTest {
    static final List<String> CLASSES = List.of("cat", "dog", "ship");
    static final Normalize NORM = new Normalize(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.25f, 0.2f, 0.3f});
    static final int N = 6, C = 3, H = 16, W = 16;

    @TempDir
    Path dir;

    static ImageClassifierCheckpoint checkpoint() {
        ResNet.Config config = ResNet.Config.of(ResNet.Block.BASIC, List.of(1, 1, 1, 1), CLASSES.size()).withWidth(8).withSmallInput(true);
        return new ImageClassifierCheckpoint(new ResNet(config, new Generator(6)), CLASSES, NORM, Map.of("test_accuracy", "0.33"));
    }

    static Tensor images(long seed, int channels) {
        return Tensor.uniform(0f, 1f, new Generator(seed), N, channels, H, W);
    }

    static List<Image> asImages(Tensor x) {
        float[] d = x.contiguous().toArray();
        int c = x.size(1), size = c * H * W;
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < x.size(0); i++) out.add(new Image(java.util.Arrays.copyOfRange(d, i * size, (i + 1) * size), c, H, W));
        return out;
    }

    @Test
    void theClassifierComesBackAndPredictsAsInMemory() throws IOException {
        ImageClassifierCheckpoint ckpt = checkpoint();
        Path file = dir.resolve("model.safetensors");
        ckpt.save(file);
        ImageClassifier c = ImageClassifier.load(file);
        assertEquals(CLASSES, c.classes());
        assertEquals(NORM, c.normalize());
        assertEquals("0.33", c.info().get("test_accuracy"));

        Tensor x = images(1, C);
        float[] expected;
        ckpt.model().eval();
        try (var ignored = GradMode.noGrad()) {
            expected = ckpt.model().forward(NORM.apply(x)).softmax(1).toArray();
        }
        List<Prediction> got = c.predict(x);
        assertEquals(N, got.size());
        for (int i = 0; i < N; i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, i * 3, i * 3 + 3), got.get(i).probabilities(), "image " + i);
            assertEquals(CLASSES.get(got.get(i).label()), got.get(i).name());
        }
        assertEquals(got, c.predict(asImages(x)), "vision.Image and tensor inputs agree");
        assertEquals(ImageClassifier.of(ckpt).predict(x), got);
        assertEquals(c.predict(x.narrow(0, 2, 1)).getFirst(), c.predict(asImages(x).get(2)));

        // grey images are repeated over the colour model's three channels, as training did
        Tensor grey = images(2, 1);
        assertEquals(c.predict(grey.expand(N, 3, H, W).contiguous()), c.predict(grey));
    }

    @Test
    void aBareStateDictHasNumberedClassesAndNoNormalisation() throws IOException {
        ImageClassifierCheckpoint ckpt = checkpoint();
        Path file = dir.resolve("torchvision.safetensors");
        SafeTensors.save(file, ckpt.model().stateDict(), Map.of());
        ImageClassifier c = ImageClassifier.load(file);
        assertEquals(List.of("0", "1", "2"), c.classes());
        assertNull(c.normalize());
        Tensor x = images(3, C);
        ImageClassifier inMemory = ImageClassifier.of(new ImageClassifierCheckpoint(ckpt.model(), List.of("0", "1", "2"), null, Map.of()));
        assertEquals(inMemory.predict(NORM.apply(x)), c.predict(NORM.apply(x)));
    }

    @Test
    void fourThreadsGetTheSingleThreadedAnswers() throws Exception {
        ImageClassifierCheckpoint ckpt = checkpoint();
        ckpt.model().train();
        Path file = dir.resolve("model.safetensors");
        ckpt.save(file);
        List<Callable<Object>> calls = new ArrayList<>();
        for (ImageClassifier c : List.of(ImageClassifier.load(file), ImageClassifier.of(ckpt))) {
            for (long seed = 0; seed < 3; seed++) {
                Tensor x = images(seed, C);
                calls.add(() -> c.predict(x));
                calls.add(() -> c.predict(x, 4));
            }
            Image one = asImages(images(9, 1)).getFirst();
            calls.add(() -> c.predict(one));
        }
        SameAnswersInParallel.check(calls);
        assertEquals(false, ckpt.model().isTraining());
    }

    @Test
    void errorsNameThePathAndWhatWasExpected() throws IOException {
        Path none = dir.resolve("none.safetensors");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> ImageClassifier.load(none));
        assertTrue(missing.getMessage().contains(none.toString()) && missing.getMessage().contains("expected an image classifier"), missing.getMessage());

        Path text = dir.resolve("text.safetensors");
        TextClassifierTest.checkpoint().save(text);
        CheckpointException wrongKind = assertThrows(CheckpointException.class, () -> ImageClassifier.load(text));
        assertEquals(text + ": expected an image classifier (from 'jgrad train images / jgrad finetune'), but it holds a text classifier "
                + "(from 'jgrad train classify'); load it with TextClassifier.load", wrongKind.getMessage());

        Path notResNet = dir.resolve("not-resnet.safetensors");
        SafeTensors.save(notResNet, Map.of("w", Tensor.zeros(2)), Map.of());
        CheckpointException tensors = assertThrows(CheckpointException.class, () -> ImageClassifier.load(notResNet));
        assertTrue(tensors.getMessage().startsWith(notResNet + ": "), tensors.getMessage());

        Path file = dir.resolve("model.safetensors");
        checkpoint().save(file);
        ImageClassifier c = ImageClassifier.load(file);
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> c.predict(images(1, 2)));
        assertTrue(channels.getMessage().contains("2 channels but the network takes 3"), channels.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.predict(List.of(Image.zeros(3, H, W), Image.zeros(3, 8, 8))));
    }
}
