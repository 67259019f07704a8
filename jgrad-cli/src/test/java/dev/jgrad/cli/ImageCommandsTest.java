package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.tensor.IntTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** jgrad train images and jgrad finetune end to end on tiny synthetic image sets (folders of PNGs, IDX files). */
class ImageCommandsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private StringWriter err;
    private PrintStream savedOut, savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int jgrad(String... args) {
        stdout.reset();
        err = new StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    /** Grey size x size images; class c is a bright bar at a class-specific row, plus noise. */
    private static int[][] pattern(int c, int size, Generator gen) {
        int[][] px = new int[size][size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) px[y][x] = gen.nextInt(60) + (y / 2 == c ? 180 : 0);
        }
        return px;
    }

    /** root/<class>/<i>.png for classes c0..c(k-1). */
    private Path folder(String name, int classes, int perClass, int size, long seed) throws IOException {
        Generator gen = new Generator(seed);
        Path root = dir.resolve(name);
        for (int c = 0; c < classes; c++) {
            Path cd = Files.createDirectories(root.resolve("c" + c));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
                int[][] px = pattern(c, size, gen);
                for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) img.getRaster().setSample(x, y, 0, Math.min(255, px[y][x]));
                ImageIO.write(img, "png", cd.resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    /** MNIST-style IDX files (uncompressed) of one split. */
    private void idx(Path d, String stem, int classes, int n, int size, long seed) throws IOException {
        Files.createDirectories(d);
        Generator gen = new Generator(seed);
        try (OutputStream imgs = Files.newOutputStream(d.resolve(stem + "-images-idx3-ubyte"));
             OutputStream lbls = Files.newOutputStream(d.resolve(stem + "-labels-idx1-ubyte"))) {
            DataOutputStream im = new DataOutputStream(imgs), lb = new DataOutputStream(lbls);
            im.writeInt(0x803);
            im.writeInt(n);
            im.writeInt(size);
            im.writeInt(size);
            lb.writeInt(0x801);
            lb.writeInt(n);
            for (int i = 0; i < n; i++) {
                int c = i % classes;
                for (int[] row : pattern(c, size, gen)) for (int v : row) im.writeByte(Math.min(255, v));
                lb.writeByte(c);
            }
            im.flush();
            lb.flush();
        }
    }

    @Test
    void pretrainThenFinetuneTheLastStageLeavesTheFrozenStagesBitForBit() throws IOException {
        folder("a/train", 3, 8, 8, 1);
        folder("a/test", 3, 4, 8, 2);
        Path preRun = dir.resolve("pre"), pre = preRun.resolve("model.safetensors");
        assertEquals(0, jgrad("train", "images", "--data", dir.resolve("a").toString(), "--grayscale", "--width", "4", "--epochs", "2",
                "--batch", "8", "--out", preRun.toString()), err.toString());
        assertEquals("", err.toString(), "no warning for the directory form of --out");
        assertTrue(out().contains("3 classes, images 1x8x8; 24 training images"), out());
        assertTrue(out().contains("small-input in=1 classes=3"), out());
        assertTrue(out().contains("test accuracy"), out());
        ImageClassifierCheckpoint ckpt = ImageClassifierCheckpoint.load(pre);
        assertEquals(List.of("c0", "c1", "c2"), ckpt.classes());
        assertNotNull(ckpt.normalize());
        assertEquals("train images", ckpt.info().get("command"));

        folder("b/train", 2, 10, 8, 3);
        folder("b/test", 2, 3, 8, 4);
        Path ft = dir.resolve("out/ft").resolve("model.safetensors");
        assertEquals(0, jgrad("finetune", "--checkpoint", preRun.toString(), "--train", dir.resolve("b/train").toString(),
                "--test", dir.resolve("b/test").toString(), "--grayscale", "--num-classes", "2", "--train-blocks", "1",
                "--lr", "0.1", "--lr-decay", "0.5", "--epochs", "2", "--batch", "8", "--out", ft.getParent().toString()), err.toString());
        String log = out();
        assertTrue(log.contains("head and the last 1 stage"), log);
        assertTrue(log.contains("learning rates from the head down: 0.100, 0.0500;"), log);
        assertTrue(log.matches("(?s).*test accuracy \\d\\.\\d{4} \\(6 images\\).*"), log);

        Map<String, Tensor> before = SafeTensors.load(pre), after = SafeTensors.load(ft);
        assertEquals(before.keySet(), after.keySet());
        for (String key : before.keySet()) {
            boolean trained = key.startsWith("layer4.") || key.startsWith("fc.");
            if (!trained) assertArrayEquals(before.get(key).toArray(), after.get(key).toArray(), key + " frozen (batch norm in eval)");
        }
        assertFalse(java.util.Arrays.equals(before.get("layer4.0.conv1.weight").toArray(), after.get("layer4.0.conv1.weight").toArray()));
        assertArrayEquals(new int[] {2, 32}, after.get("fc.weight").shape());
        ImageClassifierCheckpoint tuned = ImageClassifierCheckpoint.load(ft);
        assertEquals(List.of("c0", "c1"), tuned.classes());
        assertEquals(ckpt.normalize(), tuned.normalize(), "the pretraining's normalisation by default");
        assertEquals("1", tuned.info().get("train_blocks"));
    }

    @Test
    void finetunesATorchvisionExportOnIdxFilesWithABalancedSubset() throws IOException, URISyntaxException {
        Path data = dir.resolve("idx");
        idx(data, "train", 4, 40, 28, 5);
        idx(data, "t10k", 4, 12, 28, 6);
        Path export = Path.of(getClass().getResource("/resnet/resnet_small_input_w4.safetensors").toURI());
        Path ft = dir.resolve("ft.safetensors");
        assertEquals(0, jgrad("finetune", "--checkpoint", export.toString(), "--data", data.toString(), "--labels", "8",
                "--train-blocks", "0", "--epochs", "1", "--batch", "4", "--eval-every-epochs", "0", "--out", ft.toString()), err.toString());
        String log = out();
        assertTrue(log.contains("8 training images (a class-balanced subset of 40, seed 1234), 12 test images"), log);
        assertTrue(log.contains("head only, 132 of"), log);
        assertTrue(log.contains("Normalize(mean="), log); // fitted on the data: a bare export records none
        assertEquals(List.of("0", "1", "2", "3"), ImageClassifierCheckpoint.load(ft).classes());
        // --out FILE, the older form, still writes that file, with one warning.
        assertEquals("jgrad: warning: --out FILE is deprecated; use --out DIR (the model goes to DIR/model.safetensors)",
                err.toString().strip(), err.toString());
    }

    @Test
    void stoppedAndResumedImageRunsEqualUninterruptedOnesBitForBit() throws IOException {
        folder("r/train", 3, 8, 8, 11);
        folder("r/test", 3, 2, 8, 12);
        String[] common = {"--data", dir.resolve("r").toString(), "--grayscale", "--width", "2", "--epochs", "2", "--batch", "8",
                "--augment", "flip-crop"}; // 3 steps an epoch; the augmentation's generator must carry over too
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        assertEquals(0, jgrad(Args.of("train", "images", "--out", straight.toString(), common)), err.toString());
        assertEquals(0, jgrad(Args.of("train", "images", "--out", resumed.toString(), "--stop-at", "2", common)), err.toString());
        assertTrue(out().contains("stopped at step 2 as asked (--stop-at)"), out());
        assertFalse(Files.exists(resumed.resolve("model.safetensors")), "no model before the run's end");
        assertEquals(0, jgrad(Args.of("train", "images", "--out", resumed.toString(), "--resume", "--stop-at", "4", common)), err.toString());
        assertEquals(0, jgrad(Args.of("train", "images", "--out", resumed.toString(), "--resume", common)), err.toString());
        SameModel.assertBitIdentical(straight.resolve("model.safetensors"), resumed.resolve("model.safetensors"));

        // A finished run is refused before its first step, and left as it was.
        byte[] model = Files.readAllBytes(straight.resolve("model.safetensors"));
        assertEquals(1, jgrad(Args.of("train", "images", "--out", straight.toString(), common)));
        assertTrue(err.toString().contains("already holds a checkpoint; continue it with --resume, replace it with --overwrite"), err.toString());
        assertFalse(out().contains("epoch 1:"), out());
        assertArrayEquals(model, Files.readAllBytes(straight.resolve("model.safetensors")));
        assertEquals(1, jgrad(Args.of("train", "images", "--out", dir.resolve("r/train/c0/0.png").toString(), common)));
        assertTrue(err.toString().contains("is a file; give a directory"), err.toString());

        // finetune from that model, stopped inside its first epoch
        String[] tune = {"--checkpoint", straight.toString(), "--data", dir.resolve("r").toString(), "--grayscale",
                "--train-blocks", "1", "--epochs", "2", "--batch", "8", "--augment", "flip"};
        assertEquals(0, jgrad(Args.of("finetune", "--out", dir.resolve("ft1").toString(), tune)), err.toString());
        assertEquals(0, jgrad(Args.of("finetune", "--out", dir.resolve("ft2").toString(), "--stop-at", "1", tune)), err.toString());
        assertEquals(0, jgrad(Args.of("finetune", "--out", dir.resolve("ft2").toString(), "--resume", tune)), err.toString());
        assertTrue(out().contains("test accuracy"), out());
        SameModel.assertBitIdentical(dir.resolve("ft1/model.safetensors"), dir.resolve("ft2/model.safetensors"));
    }

    @Test
    void balancedSubsetsTakeEqualSharesPerClassReproducibly() {
        int n = 50;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i < 30 ? 0 : i < 40 ? 1 : 2;
        LabeledImages d = new LabeledImages(Tensor.arange(n).reshape(n, 1, 1, 1), IntTensor.of(labels, n), List.of("a", "b", "c"));
        LabeledImages s = ImageDataOptions.balancedSubset(d, 7, 3);
        int[] counts = new int[3];
        for (int l : s.labels().data()) counts[l]++;
        assertArrayEquals(new int[] {3, 2, 2}, counts);
        for (int i = 0; i < s.size(); i++) assertEquals(labels[(int) s.images().get(i, 0, 0, 0)], s.labels().data()[i], "image and label move together");
        assertArrayEquals(s.images().toArray(), ImageDataOptions.balancedSubset(d, 7, 3).images().toArray());
        assertFalse(java.util.Arrays.equals(s.images().toArray(), ImageDataOptions.balancedSubset(d, 7, 4).images().toArray()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDataOptions.balancedSubset(d, 45, 3));
        assertTrue(e.getMessage().contains("class 'b' has only 10 images"), e.getMessage());
    }

    @Test
    void usageErrorsAreOneLineAndNameTheProblem() throws IOException {
        folder("c/train", 2, 4, 8, 7);
        folder("c/test", 2, 2, 8, 8);
        Path pre = dir.resolve("pre.safetensors");
        assertEquals(0, jgrad("train", "images", "--data", dir.resolve("c").toString(), "--grayscale", "--width", "2", "--epochs", "1",
                "--out", pre.toString()), err.toString());
        String c = dir.resolve("c").toString();

        assertNotEquals(0, jgrad("finetune", "--checkpoint", pre.toString(), "--data", c, "--grayscale", "--num-classes", "5"));
        assertTrue(err.toString().contains("--num-classes 5 but the data has 2 classes"), err.toString());
        assertNotEquals(0, jgrad("finetune", "--checkpoint", pre.toString(), "--data", c, "--grayscale", "--train-blocks", "some"));
        assertTrue(err.toString().contains("--train-blocks must be"), err.toString());
        assertNotEquals(0, jgrad("finetune", "--checkpoint", pre.toString(), "--data", c));
        assertTrue(err.toString().contains("3 channels but the network takes 1"), err.toString());
        assertNotEquals(0, jgrad("finetune", "--checkpoint", dir.resolve("missing.safetensors").toString(), "--data", c));
        assertTrue(err.toString().contains("missing.safetensors"), err.toString());
        assertNotEquals(0, jgrad("train", "images", "--data", c, "--grayscale", "--model", "resnet19"));
        assertTrue(err.toString().contains("unknown ResNet 'resnet19'"), err.toString());
        assertNotEquals(0, jgrad("train", "images", "--data", dir.toString()));
        assertTrue(err.toString().contains("holds neither MNIST-style IDX files"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }
}
