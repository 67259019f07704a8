package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.nn.Linear;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.Normalize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoders saved as simclr saves them and classifiers as train images does, loaded back as embedders and used from several threads. */
class ImageEmbedderTest {
    static final Normalize GREY = new Normalize(new float[] {0.3f}, new float[] {0.4f});

    @TempDir
    Path dir;

    /** A run directory as {@code jgrad simclr} leaves it: the encoder and a projection head, the architecture and normalisation in the metadata. */
    static Path simclrRun(Path dir, ImageEncoder encoder) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        encoder.stateDict().forEach((k, v) -> tensors.put("encoder." + k, v));
        new Linear(encoder.numFeatures(), 4, true, new Generator(3)).stateDict().forEach((k, v) -> tensors.put("head." + k, v));
        Map<String, String> meta = new LinkedHashMap<>(encoder.spec().toMetadata());
        meta.put("model", "simclr");
        meta.putAll(GREY.toMetadata());
        Path run = Files.createDirectories(dir.resolve("simclr"));
        SafeTensors.save(run.resolve(TrainingCheckpoint.MODEL_FILE), tensors, meta);
        return run;
    }

    static ImageEncoder encoder() {
        return new ImageEncoder(new ImageEncoder.Spec("resnet", 1, 4, List.of(1, 1)), new Generator(8));
    }

    static List<Image> images(int n, int channels, long seed) {
        return ImageClassifierTest.asImages(Tensor.uniform(0f, 1f, new Generator(seed), n, channels, ImageClassifierTest.H, ImageClassifierTest.W));
    }

    @Test
    void aSimclrRunEmbedsAsItsEncoderDoesOnNormalisedImages() throws IOException {
        ImageEncoder encoder = encoder();
        ImageEmbedder e = ImageEmbedder.load(simclrRun(dir, encoder));
        assertEquals(8, e.dimension());
        assertEquals(1, e.inChannels());
        assertEquals(GREY, e.normalize());
        assertEquals("simclr", e.metadata().get("model"));
        assertNotNull(e.encoder());

        List<Image> images = images(5, 1, 1);
        Tensor expected;
        encoder.eval();
        try (var ignored = GradMode.noGrad()) {
            expected = encoder.forward(GREY.apply(ImageInput.stack(images, "test")));
        }
        List<float[]> got = e.embed(images);
        for (int i = 0; i < images.size(); i++) {
            assertArrayEquals(expected.narrow(0, i, 1).contiguous().toArray(), got.get(i), "image " + i);
            assertArrayEquals(got.get(i), e.embed(images.get(i)), 1e-5f, "alone as in a batch (to rounding: the kernels block by batch size), image " + i);
        }
        assertArrayEquals(expected.toArray(), e.embed(ImageInput.stack(images, "test"), 2).toArray(), 1e-5f, "in batches of 2");
    }

    @Test
    void aTrainImagesModelEmbedsWithTheFeaturesBelowItsHead() throws IOException {
        ImageClassifierCheckpoint ckpt = ImageClassifierTest.checkpoint();
        Path file = dir.resolve("model.safetensors");
        ckpt.save(file);
        ImageEmbedder e = ImageEmbedder.load(dir); // the run directory finds its model file
        assertNull(e.encoder());
        assertEquals(ckpt.model().config().numFeatures(), e.dimension());
        Tensor x = ImageClassifierTest.images(2, 3);
        float[] expected;
        ckpt.model().eval();
        try (var ignored = GradMode.noGrad()) {
            expected = ckpt.model().features(ImageClassifierTest.NORM.apply(x)).toArray();
        }
        assertArrayEquals(expected, e.embed(x, 64).toArray());
        // A grey image for a colour model is repeated over its channels, as for ImageClassifier.
        Image grey = images(1, 1, 4).getFirst();
        float[] rgb = new float[3 * grey.data().length];
        for (int c = 0; c < 3; c++) System.arraycopy(grey.data(), 0, rgb, c * grey.data().length, grey.data().length);
        assertArrayEquals(e.embed(new Image(rgb, 3, grey.height(), grey.width())), e.embed(grey));
    }

    @Test
    void fourThreadsGetTheSingleThreadedAnswersBitForBit() throws Exception {
        ImageEmbedder simclr = ImageEmbedder.load(simclrRun(dir, encoder()));
        ImageClassifierTest.checkpoint().save(dir.resolve("images.safetensors"));
        ImageEmbedder resnet = ImageEmbedder.load(dir.resolve("images.safetensors"));
        List<Callable<List<Integer>>> calls = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            List<Image> grey = images(1 + k, 1, 10 + k), colour = images(1 + k, 3, 20 + k);
            calls.add(() -> bits(simclr.embed(grey)));
            calls.add(() -> bits(resnet.embed(colour)));
        }
        SameAnswersInParallel.check(calls);
    }

    private static List<Integer> bits(List<float[]> rows) {
        List<Integer> out = new ArrayList<>();
        for (float[] r : rows) for (float v : r) out.add(Float.floatToRawIntBits(v));
        return out;
    }

    @Test
    void otherCheckpointsAreRefusedByName() throws IOException {
        Path lm = dir.resolve("lm.safetensors");
        SafeTensors.save(lm, Map.of("w", Tensor.zeros(2)), Map.of("model", "CharLSTM"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ImageEmbedder.load(lm));
        assertTrue(e.getMessage().startsWith(lm + ": expected an image encoder (from 'jgrad simclr / jgrad supervised'), but it holds a character language model"),
                e.getMessage());
        Path bare = dir.resolve("bare.safetensors");
        SafeTensors.save(bare, Map.of("w", Tensor.zeros(2)), Map.of());
        e = assertThrows(CheckpointException.class, () -> ImageEmbedder.load(bare));
        assertTrue(e.getMessage().contains("its metadata names neither and its tensors are not a ResNet's"), e.getMessage());
        // And the other loaders name this one for an encoder's checkpoint.
        Path run = simclrRun(dir, encoder());
        e = assertThrows(CheckpointException.class, () -> ImageClassifier.load(run.resolve(TrainingCheckpoint.MODEL_FILE)));
        assertTrue(e.getMessage().contains("it holds an image encoder (from 'jgrad simclr / jgrad supervised'); load it with ImageEmbedder.load"),
                e.getMessage());
    }

    @Test
    void pngBytesDecodeToTheImageFolderPixels() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(2, 1, 0x00FF80);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Image rgb = Image.decode(png.toByteArray(), 3), grey = Image.decode(png.toByteArray(), 1);
        assertEquals(3, rgb.channels());
        assertEquals(2, rgb.height());
        assertEquals(3, rgb.width());
        assertEquals(1f, rgb.get(0, 0, 0));
        assertEquals(128 / 255f, rgb.get(2, 1, 2));
        assertEquals(((255 * 19595 + 0x8000) >> 16) / 255f, grey.get(0, 0, 0), "PIL's L weights");
        IOException bad = assertThrows(IOException.class, () -> Image.decode(new byte[] {1, 2, 3}, 1));
        assertTrue(bad.getMessage().startsWith("not an image that javax.imageio can decode"), bad.getMessage());
    }
}
