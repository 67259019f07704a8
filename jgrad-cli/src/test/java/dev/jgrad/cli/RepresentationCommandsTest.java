package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** simclr, linear-probe, supervised and visualize end to end on a tiny synthetic IDX dataset (bright blobs in one of four quadrants). */
class RepresentationCommandsTest {

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private StringWriter err;
    private PrintStream savedOut, savedErr;

    @BeforeAll
    static void writeData() throws IOException {
        writeIdx(data, "train", 64, 1);
        writeIdx(data, "t10k", 32, 2);
    }

    /** n 12x12 images: class k has a bright 4x4 blob at a jittered spot of quadrant k, plus faint noise. */
    private static void writeIdx(Path dir, String stem, int n, long seed) throws IOException {
        Generator g = new Generator(seed);
        byte[] pixels = new byte[n * 144], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = i % 4;
            labels[i] = (byte) k;
            int top = (k / 2) * 6 + g.nextInt(3), left = (k % 2) * 6 + g.nextInt(3);
            for (int p = 0; p < 144; p++) pixels[i * 144 + p] = (byte) g.nextInt(30);
            for (int y = top; y < top + 4; y++) for (int x = left; x < left + 4; x++) pixels[i * 144 + y * 12 + x] = (byte) (200 + g.nextInt(55));
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(stem + "-images-idx3-ubyte")))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(12);
            out.writeInt(12);
            out.write(pixels);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(stem + "-labels-idx1-ubyte")))) {
            out.writeInt(0x801);
            out.writeInt(n);
            out.write(labels);
        }
    }

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // progress bars
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

    private String[] simclr(Path out, String... extra) {
        String[] base = {"simclr", "--data", data.toString(), "--arch", "cnn", "--width", "4", "--layers", "1,1", "--proj-hidden", "8", "--proj-dim", "4",
            "--batch", "16", "--epochs", "2", "--max-steps", "4", "--checkpoint-every", "3", "--out", out.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private static double accuracy(String output, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + ".*?test accuracy (\\d\\.\\d+)").matcher(output);
        assertTrue(m.find(), "no '" + label + "' accuracy in: " + output);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void pretrainResumeProbeSuperviseAndVisualize() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        assertEquals(0, jgrad(simclr(a)), err.toString());
        assertTrue(out().contains("4 steps per epoch, 4 steps"), out());
        assertTrue(out().contains("final loss"), out());
        assertNotNull(ImageIO.read(a.resolve("loss.png").toFile()));
        Map<String, String> meta = SafeTensors.loadMetadata(a.resolve("model.safetensors"));
        assertEquals("cnn", meta.get("encoder.arch"));
        assertEquals("simclr", meta.get("model"));

        // Stopped at step 2 and resumed: the same model as the run that never stopped.
        assertEquals(0, jgrad(simclr(b, "--stop-at", "2")), err.toString());
        assertTrue(out().contains("stopped at step 2 of 4"), out());
        assertEquals(0, jgrad(simclr(b, "--resume")), err.toString());
        assertTrue(out().contains("resuming at step 2 of 4"), out());
        Map<String, Tensor> ta = SafeTensors.load(a.resolve("model.safetensors")), tb = SafeTensors.load(b.resolve("model.safetensors"));
        assertEquals(ta.keySet(), tb.keySet());
        // Up to float rounding: SIMD reductions may sum in another order once the JIT has compiled them.
        for (String k : ta.keySet()) assertArrayEquals(ta.get(k).toArray(), tb.get(k).toArray(), 1e-5f, k);

        assertEquals(1, jgrad(simclr(a)));
        assertTrue(err.toString().contains("already holds a checkpoint"), err.toString());

        assertEquals(0, jgrad("linear-probe", "--checkpoint", a.toString(), "--data", data.toString(), "--label-fraction", "1,0.25", "--max-steps", "100"),
                err.toString());
        assertTrue(out().contains("features: 8 per image"), out());
        accuracy(out(), "label fraction 1.0");
        assertTrue(out().contains("label fraction 0.25 (16 labels, class-balanced, seed 0)"), out());

        assertEquals(0, jgrad("linear-probe", "--checkpoint", a.toString(), "--data", data.toString(), "--readout", "multiscale", "--max-steps", "50"),
                err.toString());
        assertTrue(out().contains("features: 12 per image"), out());

        assertEquals(0, jgrad("linear-probe", "--pixels", "--data", data.toString(), "--max-steps", "200"), err.toString());
        assertTrue(accuracy(out(), "label fraction 1.0") > 0.9, out());

        assertEquals(0, jgrad("linear-probe", "--random", "--arch", "cnn", "--width", "4", "--layers", "1", "--data", data.toString(), "--max-steps", "50"),
                err.toString());
        assertTrue(out().contains("untrained cnn [1] width 4"), out());

        Path sup = dir.resolve("sup");
        assertEquals(0, jgrad("supervised", "--checkpoint", a.toString(), "--data", data.toString(), "--label-fraction", "0.5", "--epochs", "2",
                "--batch", "8", "--out", sup.toString()), err.toString());
        assertTrue(out().contains("32 labelled training images"), out());
        assertTrue(out().contains("encoder cnn [1,1] width 4"), out());
        accuracy(out(), "supervised from scratch on 32 labels");
        assertEquals(0, jgrad("linear-probe", "--checkpoint", sup.resolve("model.safetensors").toString(), "--data", data.toString(), "--max-steps", "20"),
                err.toString());

        Path vis = dir.resolve("vis");
        assertEquals(0, jgrad("visualize", "--checkpoint", a.toString(), "--data", data.toString(), "--stage", "block1", "--top-k", "3",
                "--num-channels", "2", "--images", "20", "--points", "20", "--tsne", "--tsne-points", "20", "--out", vis.toString()), err.toString());
        for (String png : new String[] {"filters.png", "patches-block1.png", "pca.png", "tsne.png"}) {
            assertNotNull(ImageIO.read(vis.resolve(png).toFile()), png);
        }
        assertTrue(out().contains("receptive field 4x4, stride 2"), out());

        assertEquals(1, jgrad("visualize", "--checkpoint", a.toString(), "--data", data.toString(), "--stage", "layer7", "--out", vis.toString()));
        assertTrue(err.toString().contains("[block1, block2]"), err.toString());
    }

    @Test
    void clearErrors() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(1, jgrad("linear-probe", "--checkpoint", empty.toString(), "--data", data.toString()));
        assertTrue(err.toString().contains("no model in checkpoint directory"), err.toString());
        assertEquals(2, jgrad("linear-probe", "--pixels", "--random", "--data", data.toString()));
        assertEquals(1, jgrad("linear-probe", "--pixels", "--data", data.toString(), "--label-fraction", "1.5"));
        assertTrue(err.toString().contains("--label-fraction must be in (0, 1], got 1.5"), err.toString());
        assertEquals(1, jgrad("simclr", "--data", dir.resolve("nowhere").toString(), "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("nowhere"), err.toString());
        assertEquals(1, jgrad(simclr(dir.resolve("r"), "--resume")));
        assertTrue(err.toString().contains("--resume: no checkpoint"), err.toString());
        assertEquals(1, jgrad(simclr(dir.resolve("t"), "--temperature", "0")));
        assertTrue(err.toString().contains("--temperature must be positive"), err.toString());
    }

    @Test
    void aStoppedAndResumedSupervisedRunEqualsAnUninterruptedOneBitForBit() throws Exception {
        // 32 labelled images in batches of 8: 4 steps an epoch; stopped inside the first epoch and at the second's start.
        String[] common = {"--data", data.toString(), "--arch", "cnn", "--width", "4", "--layers", "1,1", "--label-fraction", "0.5",
            "--epochs", "3", "--batch", "8"};
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        assertEquals(0, jgrad(Args.of("supervised", common, "--out", straight.toString())), err.toString());
        assertEquals(0, jgrad(Args.of("supervised", common, "--out", resumed.toString(), "--stop-at", "3")), err.toString());
        assertTrue(out().contains("stopped at step 3 as asked"), out());
        assertEquals(0, jgrad(Args.of("supervised", common, "--out", resumed.toString(), "--resume", "--stop-at", "8")), err.toString());
        assertEquals(0, jgrad(Args.of("supervised", common, "--out", resumed.toString(), "--resume")), err.toString());
        SameModel.assertBitIdentical(straight.resolve("model.safetensors"), resumed.resolve("model.safetensors"));
    }

    /** simclr in a JVM of its own with the plain-Java kernels (bit-reproducible from one process to the next). */
    private static Process simclrProcess(Path out, Path log, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("simclr", "--data", data.toString(), "--arch", "cnn", "--width", "4", "--layers", "1,1",
                "--proj-hidden", "8", "--proj-dim", "4", "--batch", "16", "--epochs", "6", "--checkpoint-every", "1", "--out", out.toString()));
        args.addAll(List.of(extra));
        return KilledRun.start(log, List.of("-Djgrad.kernels=scalar"), args);
    }

    @Test
    void aKilledSimclrRunResumesToTheSameModelBitForBit() throws Exception {
        Path straight = dir.resolve("straight"), killed = dir.resolve("killed");
        Path log = dir.resolve("log.txt");
        Process p = simclrProcess(straight, log);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(log));
        KilledRun.killAfterCheckpoint(simclrProcess(killed, log), log, killed, 3);
        long at = TrainingCheckpoint.load(killed).progressLong("step");
        assertTrue(at >= 3 && at < 24, "killed at step " + at);
        p = simclrProcess(killed, log, "--resume");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(log));
        assertTrue(Files.readString(log).contains("resuming at step " + at + " of 24"), Files.readString(log));
        TrainingCheckpoint a = TrainingCheckpoint.load(straight), b = TrainingCheckpoint.load(killed);
        assertArrayEquals(a.tensors().get("train_loss").toArray(), b.tensors().get("train_loss").toArray(), 0f, "identical losses after a kill");
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), b.model().get(k).toArray(), 0f, k);
    }
}
