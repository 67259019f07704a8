package dev.jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.data.DataFormatException;
import dev.jgrad.data.LabeledTsv;
import dev.jgrad.data.ParallelText;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.Bpe;
import dev.jgrad.vision.DatasetFormatException;
import dev.jgrad.vision.IdxFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over jgrad's file readers: each valid seed file is mutated (bytes flipped,
 * truncated, bytes inserted, a size field grown) and every mutant must either read or fail with the
 * reader's own documented exception, within a time bound and in this JVM's small heap (the pom runs
 * this class alone with -Xmx256m). Anything else (another exception type, an OutOfMemoryError, a hang)
 * fails the test and names the case, so it can be replayed from its seed.
 */
class ReadersFuzzTest {

    private static final long SEED = 20261207L;
    private static final int CASES_PER_READER = 1000;
    private static final long SECONDS_PER_CASE = 5;

    @TempDir
    static Path tmp;
    private static ExecutorService runner;

    /** A reader under test: reads the file, and says which exception types are its documented failures. */
    private interface Reader {
        void read(Path file) throws Exception;
    }

    @BeforeAll
    static void startRunner() {
        runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true); // a hung read must not keep the test JVM alive
            return t;
        });
    }

    @AfterAll
    static void stopRunner() {
        runner.shutdownNow();
    }

    @Test
    void safetensors() throws Exception {
        Generator g = new Generator(1);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("emb.weight", Tensor.normal(0f, 1f, g, 5, 3));
        tensors.put("out.bias", Tensor.normal(0f, 1f, g, 5));
        tensors.put("scalar", Tensor.scalar(2f));
        Path seed = tmp.resolve("seed.safetensors");
        SafeTensors.save(seed, tensors, Map.of("vocabulary", "abc", "hidden_size", "3"));
        fuzz("safetensors", Files.readAllBytes(seed), headerLengthGrower(), SafeTensors::read, CheckpointException.class);
        fuzz("safetensors metadata", Files.readAllBytes(seed), headerLengthGrower(), SafeTensors::loadMetadata, CheckpointException.class);
    }

    @Test
    void idxImagesAndLabels() throws Exception {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(images)) {
            out.writeInt(IdxFile.IMAGES_MAGIC);
            out.writeInt(3);
            out.writeInt(4);
            out.writeInt(5);
            for (int i = 0; i < 3 * 4 * 5; i++) out.writeByte(i * 7);
        }
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(labels)) {
            out.writeInt(IdxFile.LABELS_MAGIC);
            out.writeInt(6);
            for (int i = 0; i < 6; i++) out.writeByte(i);
        }
        // The size fields are big-endian ints after the magic number; grow one to an absurd count.
        Mutation growSize = (bytes, random) -> {
            int fields = (bytes.length >= 16 && bytes[3] == 3) ? 3 : 1;
            int at = 4 + 4 * random.nextInt(fields);
            byte[] out = bytes.clone();
            if (out.length >= at + 4) ByteBuffer.wrap(out).putInt(at, random.nextBoolean() ? Integer.MAX_VALUE : 46_340 + random.nextInt(1000));
            return out;
        };
        fuzz("IDX images", images.toByteArray(), growSize, IdxFile::readImages, DatasetFormatException.class);
        fuzz("IDX labels", labels.toByteArray(), growSize, IdxFile::readLabels, DatasetFormatException.class);
    }

    @Test
    void labeledTsv() throws Exception {
        String tsv = "sentence\tlabel\nit is a fine film\t1\na dull , tired caf\u00e9 plot\t0\nwonderful\t1\n";
        fuzz("TSV", tsv.getBytes(StandardCharsets.UTF_8), digitGrower(), LabeledTsv::read, DataFormatException.class);
    }

    @Test
    void parallelText() throws Exception {
        byte[] source = "a man rides a horse .\ntwo dogs play in the snow .\n\u00fcber alles\n".getBytes(StandardCharsets.UTF_8);
        Path target = tmp.resolve("target.de");
        Files.writeString(target, "ein mann reitet ein pferd .\nzwei hunde spielen im schnee .\nganz oben\n");
        fuzz("parallel text", source, (b, r) -> b, file -> ParallelText.read(file, target, ParallelText.EmptyLines.ERROR),
                DataFormatException.class);
    }

    @Test
    void bpeTokenizer() throws Exception {
        Bpe bpe = Bpe.learn(List.of("the cat sat on the mat", "the dog sat on the log", "caf\u00e9 au lait"), 60);
        Path seed = tmp.resolve("seed.bpe");
        bpe.save(seed);
        // The tokenizer file's documented failures: a format error is an IllegalArgumentException naming the
        // file and line, bad UTF-8 a DataFormatException.
        fuzz("BPE", Files.readAllBytes(seed), digitGrower(), Bpe::load, IllegalArgumentException.class, DataFormatException.class);
    }

    // ---------------------------------------------------------------- the fuzzer

    @FunctionalInterface
    private interface Mutation {
        byte[] apply(byte[] bytes, Random random);
    }

    /** safetensors: the first 8 bytes are the little-endian header length. */
    private static Mutation headerLengthGrower() {
        return (bytes, random) -> {
            if (bytes.length < 8) return bytes;
            byte[] out = bytes.clone();
            long n = switch (random.nextInt(4)) {
                case 0 -> Long.MAX_VALUE;
                case 1 -> -1L;
                case 2 -> 100L << 20;
                default -> ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0) + random.nextInt(64) - 32;
            };
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            return out;
        };
    }

    /** Text formats: a run of digits becomes a huge number (a label, a count). */
    private static Mutation digitGrower() {
        return (bytes, random) -> {
            List<Integer> digits = new ArrayList<>();
            for (int i = 0; i < bytes.length; i++) if (bytes[i] >= '0' && bytes[i] <= '9') digits.add(i);
            if (digits.isEmpty()) return bytes;
            int at = digits.get(random.nextInt(digits.size()));
            byte[] big = (random.nextBoolean() ? "999999999" : "2147483648").getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[bytes.length - 1 + big.length];
            System.arraycopy(bytes, 0, out, 0, at);
            System.arraycopy(big, 0, out, at, big.length);
            System.arraycopy(bytes, at + 1, out, at + big.length, bytes.length - at - 1);
            return out;
        };
    }

    private static byte[] mutate(byte[] seed, Random random, Mutation grow) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(3);
        for (int round = 0; round < rounds; round++) {
            switch (random.nextInt(6)) {
                case 0 -> { // flip a few bits
                    if (b.length == 0) break;
                    for (int k = 1 + random.nextInt(4); k > 0; k--) b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> { // overwrite a byte with an interesting value
                    if (b.length == 0) break;
                    byte[] interesting = {0, (byte) 0xff, (byte) 0x80, 0x7f, '\n', '\t', '"', '{', (byte) 0xc0, (byte) 0xed};
                    b[random.nextInt(b.length)] = interesting[random.nextInt(interesting.length)];
                }
                case 2 -> b = java.util.Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length)); // truncate
                case 3 -> { // insert random bytes
                    int at = b.length == 0 ? 0 : random.nextInt(b.length + 1), n = 1 + random.nextInt(16);
                    byte[] out = new byte[b.length + n];
                    System.arraycopy(b, 0, out, 0, at);
                    for (int i = 0; i < n; i++) out[at + i] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, out, at + n, b.length - at);
                    b = out;
                }
                case 4 -> { // duplicate a slice (repeated header fields, repeated lines)
                    if (b.length < 2) break;
                    int from = random.nextInt(b.length - 1), len = 1 + random.nextInt(Math.min(64, b.length - from));
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, from + len);
                    System.arraycopy(b, from, out, from + len, b.length - from);
                    b = out;
                }
                default -> b = grow.apply(b, random);
            }
        }
        return b;
    }

    @SafeVarargs
    private static void fuzz(String what, byte[] seed, Mutation grow, Reader reader, Class<? extends Throwable>... documented)
            throws Exception {
        Path file = tmp.resolve("case-" + what.replace(' ', '-'));
        Random random = new Random(SEED ^ what.hashCode());
        List<String> failures = new ArrayList<>();
        int clean = 0, rejected = 0;
        for (int c = 0; c < CASES_PER_READER && failures.size() < 5; c++) {
            byte[] mutant = c == 0 ? seed : mutate(seed, random, grow);
            Files.write(file, mutant);
            Future<?> run = runner.submit(() -> {
                reader.read(file);
                return null;
            });
            try {
                run.get(SECONDS_PER_CASE, TimeUnit.SECONDS);
                clean++;
            } catch (TimeoutException hung) {
                run.cancel(true);
                failures.add(what + " case " + c + ": no answer within " + SECONDS_PER_CASE + " s");
                break; // the runner thread may still be stuck; later cases would time out behind it
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = e.getCause();
                boolean ok = false;
                for (Class<? extends Throwable> type : documented) ok |= type.isInstance(t);
                if (ok && t.getMessage() != null && !t.getMessage().isBlank()) {
                    rejected++;
                } else {
                    failures.add(what + " case " + c + " (" + mutant.length + " bytes): " + t);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(clean >= 1 && rejected >= CASES_PER_READER / 10,
                what + ": the seed must read and many mutants must be rejected; read " + clean + ", rejected " + rejected);
    }
}
