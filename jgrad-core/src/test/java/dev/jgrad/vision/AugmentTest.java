package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentTest {

    private static Augment simclr() {
        return Augment.of(new RandomResizedCrop(12, 0.2, 1.0), new RandomHorizontalFlip(),
                new RandomApply(new ColorJitter(0.4, 0.4), 0.8), new RandomApply(new GaussianBlur(3, 0.1, 2.0), 0.5),
                new GaussianNoise(0.05));
    }

    private static Tensor batch(int n, int c, int h, int w, long seed) {
        return Tensor.uniform(0f, 1f, new Generator(seed), n, c, h, w);
    }

    @Test
    void sameSeedSameViewsOtherSeedOtherViews() {
        Tensor x = batch(5, 1, 16, 16, 1);
        Tensor a = simclr().apply(x, new Generator(42)), b = simclr().apply(x, new Generator(42));
        assertArrayEquals(a.toArray(), b.toArray());
        assertFalse(Arrays.equals(a.toArray(), simclr().apply(x, new Generator(43)).toArray()));
        // Two draws from one generator are two different views (SimCLR's pair).
        Generator g = new Generator(42);
        assertFalse(Arrays.equals(simclr().apply(x, g).toArray(), simclr().apply(x, g).toArray()));
    }

    @Test
    void batchIsPerImageWithSeedsDrawnInOrder() {
        Tensor x = batch(40, 2, 10, 9, 2); // 40 images: split across the cores
        Generator g = new Generator(5);
        Tensor out = simclr().apply(x, g);
        Generator replay = new Generator(5);
        for (int i = 0; i < 40; i++) {
            Tensor one = simclr().apply(x.select(0, i), new Generator(replay.nextLong()));
            assertArrayEquals(one.toArray(), out.select(0, i).toArray(), "image " + i);
        }
        assertEquals(replay.nextLong(), g.nextLong(), "the caller's generator advances by one draw per image");
    }

    @Test
    void shapesAndRange() {
        Tensor x = batch(6, 1, 28, 28, 3);
        Tensor out = simclr().apply(x, new Generator(1));
        assertArrayEquals(new int[] {6, 1, 12, 12}, out.shape());
        for (float v : out.toArray()) assertTrue(v >= 0f && v <= 1f, "value " + v);
        Tensor single = simclr().apply(x.select(0, 0), new Generator(1));
        assertArrayEquals(new int[] {1, 12, 12}, single.shape());
        Tensor rgb = Augment.of(new RandomResizedCrop(8), new ColorJitter(0.5, 0.5)).apply(batch(2, 3, 20, 14, 4), new Generator(0));
        assertArrayEquals(new int[] {2, 3, 8, 8}, rgb.shape());
        for (float v : rgb.toArray()) assertTrue(v >= 0f && v <= 1f);
        assertArrayEquals(new int[] {0, 1, 5, 5}, simclr().apply(Tensor.zeros(0, 1, 5, 5), new Generator(0)).shape());
    }

    @Test
    void inputIsNotModified() {
        Tensor x = batch(3, 1, 8, 8, 9);
        float[] before = x.toArray();
        simclr().apply(x, new Generator(0));
        assertArrayEquals(before, x.toArray());
    }

    @Test
    void bilinearResizeMatchesPyTorch() {
        // F.interpolate(x[:, :, 1:3, 0:3], size=(4, 5), mode="bilinear", align_corners=False), x = arange(12).reshape(3, 4) / 11
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) x[i] = i / 11f;
        Image out = RandomResizedCrop.resizedCrop(new Image(x, 1, 3, 4), new RandomResizedCrop.Box(1, 0, 2, 3), 4, 5);
        float[] expected = {0.363636f, 0.4f, 0.454545f, 0.509091f, 0.545455f, 0.454545f, 0.490909f, 0.545455f, 0.6f, 0.636364f,
            0.636364f, 0.672727f, 0.727273f, 0.781818f, 0.818182f, 0.727273f, 0.763636f, 0.818182f, 0.872727f, 0.909091f};
        assertArrayEquals(expected, out.data(), 1e-5f);
        // The whole image at its own size is the image.
        Image same = RandomResizedCrop.resizedCrop(new Image(x, 1, 3, 4), new RandomResizedCrop.Box(0, 0, 3, 4), 3, 4);
        assertArrayEquals(x, same.data(), 0f);
    }

    @Test
    void cropBoxesRespectScaleAndRatio() {
        RandomResizedCrop crop = new RandomResizedCrop(28, 28, 0.3, 0.6, 0.5, 2.0);
        Generator g = new Generator(11);
        for (int t = 0; t < 500; t++) {
            RandomResizedCrop.Box b = crop.sampleBox(28, 28, g);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= 28 && b.left() + b.width() <= 28, b.toString());
            double area = b.height() * b.width() / 784.0, ratio = (double) b.width() / b.height();
            // Rounding each side to whole pixels moves the area and ratio a little.
            assertTrue(area > 0.3 * 0.8 && area < 0.6 * 1.25, "area " + area + " of " + b);
            assertTrue(ratio > 0.5 * 0.8 && ratio < 2.0 * 1.25, "ratio " + ratio + " of " + b);
        }
        // Impossible requests fall back to the central crop with the ratio clamped.
        RandomResizedCrop wide = new RandomResizedCrop(4, 4, 1.0, 1.0, 3.0, 3.0);
        assertEquals(new RandomResizedCrop.Box(2, 0, 6, 18), wide.sampleBox(10, 18, new Generator(0)));
    }

    @Test
    void flipAndJitterAndBlurAndNoise() {
        Image img = new Image(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 1, 2, 3);
        assertArrayEquals(new float[] {0.3f, 0.2f, 0.1f, 0.6f, 0.5f, 0.4f}, RandomHorizontalFlip.flip(img).data());
        assertSame(img, new RandomHorizontalFlip(0).apply(img, new Generator(0)));
        assertArrayEquals(img.data(), new RandomHorizontalFlip(1).apply(RandomHorizontalFlip.flip(img), new Generator(0)).data());

        float[] b = img.data().clone();
        ColorJitter.adjustBrightness(b, 2f);
        assertArrayEquals(new float[] {0.2f, 0.4f, 0.6f, 0.8f, 1f, 1f}, b, 1e-6f);
        Image c = new Image(img.data().clone(), 1, 2, 3);
        ColorJitter.adjustContrast(c, 0f); // zero contrast: everything at the mean grey 0.35
        for (float v : c.data()) assertEquals(0.35f, v, 1e-6f);
        assertArrayEquals(img.data(), new ColorJitter(0, 0).apply(img, new Generator(1)).data());

        float[] k = GaussianBlur.kernel(5, 1.0);
        double sum = 0;
        for (float v : k) sum += v;
        assertEquals(1.0, sum, 1e-6);
        assertEquals(Math.exp(-0.5) / Math.exp(0), k[1] / k[2], 1e-6);
        float[] flat = new float[25];
        Arrays.fill(flat, 0.7f);
        for (float v : GaussianBlur.blur(new Image(flat, 1, 5, 5), 3, 1.5).data()) assertEquals(0.7f, v, 1e-6f);
        // Reflect padding mirrors without repeating the border: for [0, 1, 0] and kernel [a, b, a] each axis gives [2a, b, 2a].
        float[] impulse = new float[9];
        impulse[4] = 1f;
        float[] blurred = GaussianBlur.blur(new Image(impulse, 1, 3, 3), 3, 1.0).data();
        float[] k3 = GaussianBlur.kernel(3, 1.0), axis = {2 * k3[0], k3[1], 2 * k3[0]};
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) assertEquals(axis[y] * axis[x], blurred[y * 3 + x], 1e-6f, "(" + y + ", " + x + ")");
        }
        Image noisy = new GaussianNoise(0, 0.1, false).apply(Image.zeros(1, 50, 50), new Generator(3));
        double mean = 0, sq = 0;
        for (float v : noisy.data()) {
            mean += v;
            sq += v * v;
        }
        mean /= 2500;
        assertEquals(0, mean, 0.01);
        assertEquals(0.1, Math.sqrt(sq / 2500 - mean * mean), 0.01);
        for (float v : new GaussianNoise(0.5).apply(Image.zeros(1, 10, 10), new Generator(3)).data()) assertTrue(v >= 0 && v <= 1);
    }

    @Test
    void clearErrors() {
        var rank = assertThrows(IllegalArgumentException.class, () -> simclr().apply(Tensor.zeros(4, 4), new Generator(0)));
        assertTrue(rank.getMessage().contains("[4, 4]"), rank.getMessage());
        var scale = assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 0.5, 0.2));
        assertTrue(scale.getMessage().contains("(0.5, 0.2)"), scale.getMessage());
        var kernel = assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(4, 0.1, 2));
        assertTrue(kernel.getMessage().contains("odd"), kernel.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> GaussianBlur.blur(Image.zeros(1, 2, 2), 5, 1));
        assertTrue(small.getMessage().contains("2x2"), small.getMessage());
        var box = assertThrows(IllegalArgumentException.class,
                () -> RandomResizedCrop.resizedCrop(Image.zeros(1, 4, 4), new RandomResizedCrop.Box(2, 2, 3, 3), 2, 2));
        assertTrue(box.getMessage().contains("4x4"), box.getMessage());
        assertNotEquals(null, simclr().toString());
    }

    @Test
    void randomCropShiftsWithinPaddingAndRepeatsEdges() {
        // A 1x3x4 image 0..11: shifting the window down by one and left by one repeats row 0 and column 0.
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) v[i] = i;
        Image img = new Image(v, 1, 3, 4);
        Image shifted = RandomCrop.shift(img, -1, -1);
        assertArrayEquals(new float[] {0, 0, 1, 2, 0, 0, 1, 2, 4, 4, 5, 6}, shifted.data());
        assertArrayEquals(v, RandomCrop.shift(img, 0, 0).data());
        assertSame(img, new RandomCrop(0).apply(img, new Generator(1)));
        // Every offset in [-2, 2] shows up, and nothing else: the window's top-left pixel tells the offset.
        float[] ramp = new float[100];
        for (int i = 0; i < 100; i++) ramp[i] = i;
        Image big = new Image(ramp, 1, 10, 10);
        java.util.Set<Integer> offsets = new java.util.HashSet<>();
        Generator g = new Generator(3);
        for (int k = 0; k < 400; k++) {
            Image out = new RandomCrop(2).apply(big, g);
            float centre = out.get(0, 5, 5); // = (5 + dy) * 10 + (5 + dx)
            int dy = (int) centre / 10 - 5, dx = (int) centre % 10 - 5;
            assertTrue(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, "offset " + dy + "," + dx);
            offsets.add(dy * 10 + dx);
        }
        assertEquals(25, offsets.size(), "all 5 x 5 offsets are drawn");
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(-1));
    }
}
