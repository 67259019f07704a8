package dev.jgrad.spark;

import dev.jgrad.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tiny models trained once per test JVM with the command line, and the command line itself for the tests. */
final class Fixtures {
    private static Path dir, translation, images, imageModel;

    private Fixtures() {}

    /** What a command printed and returned. */
    record Result(int exit, String out, String err) {}

    /** Runs {@code jgrad args...} in this JVM. */
    static Result jgrad(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** {@code base} followed by {@code more}, as an argument array. */
    static String[] concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static Result ok(Result r) {
        assertEquals(0, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        return r;
    }

    static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("jgrad-spark-test");
            dir.toFile().deleteOnExit();
        }
        return dir;
    }

    /** English sentences of a ten-word vocabulary; their German is word for word. */
    static List<String> sentences(int n, long seed, boolean german) {
        String[] en = {"a", "dog", "cat", "runs", "sleeps", "the", "big", "small", "red", "man"};
        String[] de = {"ein", "hund", "katze", "rennt", "schläft", "der", "groß", "klein", "rot", "mann"};
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            int len = 2 + r.nextInt(5);
            for (int k = 0; k < len; k++) s.append(k == 0 ? "" : " ").append((german ? de : en)[r.nextInt(en.length)]);
            out.add(s.append('.').toString());
        }
        return out;
    }

    /** A translation run directory: a tiny Transformer trained for a few steps (its translations are poor, but fixed). */
    static synchronized Path translationModel() throws IOException {
        if (translation != null) return translation;
        Path d = dir();
        Files.write(d.resolve("train.en"), sentences(120, 1, false), StandardCharsets.UTF_8);
        Files.write(d.resolve("train.de"), sentences(120, 1, true), StandardCharsets.UTF_8);
        Files.write(d.resolve("val.en"), sentences(10, 2, false), StandardCharsets.UTF_8);
        Files.write(d.resolve("val.de"), sentences(10, 2, true), StandardCharsets.UTF_8);
        Path run = d.resolve("translate");
        ok(jgrad("train", "translate", "--train-src", d.resolve("train.en").toString(), "--train-tgt", d.resolve("train.de").toString(),
                "--valid-src", d.resolve("val.en").toString(), "--valid-tgt", d.resolve("val.de").toString(), "--out", run.toString(),
                "--d-model", "16", "--heads", "2", "--encoder-layers", "1", "--decoder-layers", "1", "--ff", "32", "--vocab-size", "40",
                "--max-len", "24", "--batch-tokens", "200", "--epochs", "1", "--warmup", "4", "--lr-factor", "1.0", "--dropout", "0"));
        translation = run;
        return run;
    }

    /**
     * A directory of MNIST-style IDX files, uncompressed: 48 training and 16 test images of 8 x 8 grey pixels in 4
     * classes, class c a bright column at 2c on noise.
     */
    static synchronized Path images() throws IOException {
        if (images != null) return images;
        Path d = Files.createDirectories(dir().resolve("images"));
        writeIdx(d, "train", 48, 1);
        writeIdx(d, "t10k", 16, 2);
        images = d;
        return d;
    }

    private static void writeIdx(Path d, String split, int n, long seed) throws IOException {
        Random r = new Random(seed);
        ByteBuffer pixels = ByteBuffer.allocate(16 + n * 64).putInt(0x803).putInt(n).putInt(8).putInt(8);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            for (int p = 0; p < 64; p++) pixels.put((byte) (r.nextInt(80) + (p % 8 == 2 * c ? 170 : 0)));
            labels.put((byte) c);
        }
        Files.write(d.resolve(split + "-images-idx3-ubyte"), pixels.array());
        Files.write(d.resolve(split + "-labels-idx1-ubyte"), labels.array());
    }

    /** A {@code train images} run directory: a tiny ResNet trained for an epoch on {@link #images()}. */
    static synchronized Path imageModel() throws IOException {
        if (imageModel != null) return imageModel;
        Path run = dir().resolve("image-model");
        ok(jgrad("train", "images", "--data", images().toString(), "--width", "2", "--epochs", "1", "--batch", "16", "--out", run.toString()));
        imageModel = run;
        return run;
    }
}
