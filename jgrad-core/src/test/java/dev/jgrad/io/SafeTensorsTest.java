package dev.jgrad.io;

import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Round trips, byte-exact output, half-precision decoding, corrupt files and atomic writes. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    private static Tensor t(float[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    private static byte[] u8(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    /** A safetensors file from a header string (used as is: no padding) and raw data bytes. */
    private Path file(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static byte[] floatsLE(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private static byte[] shortsLE(int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : v) b.putShort((short) s);
        return b.array();
    }

    /** Loads p expecting a CheckpointException whose message names the file and (when given) the tensor. */
    private static CheckpointException rejects(Path p, String tensor, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.load(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.getFileName().toString()), "message should name the file: " + m);
        assertEquals(p, e.file());
        if (tensor != null) {
            assertTrue(m.contains("'" + tensor + "'"), "message should name tensor " + tensor + ": " + m);
            assertEquals(tensor, e.tensor(), m);
        }
        for (String f : fragments) assertTrue(m.contains(f), "message should mention '" + f + "': " + m);
        return e;
    }

    private static List<Path> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripKeepsShapesValuesAndMetadata() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("layer.weight", t(new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, Float.MAX_VALUE}, 2, 3));
        in.put("scalar", Tensor.scalar(42.25f));
        in.put("empty", Tensor.zeros(0));
        in.put("empty3d", Tensor.zeros(3, 0, 2));
        in.put("one", t(new float[] {7}, 1));
        in.put("nan_inf", t(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, 3));
        in.put("transposed", Tensor.arange(6).reshape(2, 3).t());            // non-contiguous view
        in.put("narrowed", Tensor.arange(12).reshape(3, 4).narrow(0, 1, 2)); // contiguous view with an offset
        in.put("h\u00e9 \"quoted\"\n\uD83D\uDE00", t(new float[] {1, 2}, 2));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "line\nbreak \"q\" \u00e9");
        Path p = dir.resolve("model.safetensors");

        SafeTensors.save(p, in, meta);
        Map<String, Tensor> out = SafeTensors.load(p);

        assertEquals(in.keySet(), out.keySet());
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor got = out.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(e.getValue().toArray(), got.toArray(), e.getKey());
        }
        assertEquals(0, out.get("scalar").dim());
        assertEquals(42.25f, out.get("scalar").item());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out.get("layer.weight").get(1, 1)));
        assertEquals(meta, SafeTensors.loadMetadata(p));
        SafeTensors.File f = SafeTensors.read(p);
        assertEquals(meta, f.metadata());
        assertEquals(List.copyOf(out.keySet()), List.copyOf(f.tensors().keySet()));
    }

    @Test
    void loadReturnsTensorsInFileOrderWhichIsSortedByName() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : new String[] {"z", "b.bias", "a", "b.weight", "B", "\uFF21", "\uD83D\uDE00"}) in.put(name, Tensor.ones(2));
        Path p = dir.resolve("order.safetensors");
        SafeTensors.save(p, in);
        // Code point order, as Rust sorts UTF-8 strings: the emoji (U+1F600) after U+FF21, unlike String.compareTo.
        assertEquals(List.of("B", "a", "b.bias", "b.weight", "z", "\uFF21", "\uD83D\uDE00"), List.copyOf(SafeTensors.load(p).keySet()));
        assertEquals(Map.of(), SafeTensors.loadMetadata(p));
    }

    @Test
    void fileOrderFollowsDataOffsetsNotHeaderOrder() throws IOException {
        Path p = file("order2.safetensors",
                "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                floatsLE(1, 2));
        Map<String, Tensor> out = SafeTensors.load(p);
        assertEquals(List.of("first", "second"), List.copyOf(out.keySet()));
        assertEquals(1f, out.get("first").item());
        assertEquals(2f, out.get("second").item());
    }

    @Test
    void largeTensorsSpanSeveralChunks() throws IOException {
        int n = 700_001; // > 2 MiB of floats: several read and write chunks, and a partial last one
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i * 0.5f - 3;
        Path p = dir.resolve("big.safetensors");
        SafeTensors.save(p, Map.of("big", t(v, n), "small", Tensor.ones(3)));
        Map<String, Tensor> out = SafeTensors.load(p);
        assertArrayEquals(v, out.get("big").toArray());
        assertArrayEquals(new float[] {1, 1, 1}, out.get("small").toArray());
    }

    // ---------------------------------------------------------------- byte-exact output

    @Test
    void bytesMatchTheReferenceImplementation() throws IOException {
        // Expected bytes are the reference implementation's own serialization tests (safetensors/src/tensor.rs).
        Path p = dir.resolve("a.safetensors");
        SafeTensors.save(p, Map.of("attn.0", t(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)));
        assertArrayEquals(u8(64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
                116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
                58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
                101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
                0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64), Files.readAllBytes(p));

        SafeTensors.save(p, Map.of("attn0", t(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)));
        assertArrayEquals(u8(72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
                121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
                91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
                115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
                32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
                160, 64), Files.readAllBytes(p));

        SafeTensors.save(p, Map.of());
        assertArrayEquals(u8(8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32), Files.readAllBytes(p));

        SafeTensors.save(p, Map.of(), Map.of("framework", "pt"));
        assertArrayEquals(u8(40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                116, 34, 125, 125, 32, 32, 32, 32, 32), Files.readAllBytes(p));
    }

    @Test
    void bytesFollowTheLayoutRulesForSeveralTensorsAndMetadata() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("w", t(new float[] {1, 2, 3, 4}, 2, 2).t()); // a view: written in row-major order of the view
        in.put("b", t(new float[] {-1}, 1));
        in.put("s", Tensor.scalar(0.5f));
        in.put("e", Tensor.zeros(0, 3));
        in.put("q\"\u0001", t(new float[] {9}, 1));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("z", "last");
        meta.put("a", "first\n");
        Path p = dir.resolve("layout.safetensors");
        SafeTensors.save(p, in, meta);

        String json = "{\"__metadata__\":{\"a\":\"first\\n\",\"z\":\"last\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
                + "\"q\\\"\\u0001\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[12,28]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 28).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) expected.put((byte) ' ');
        expected.put(floatsLE(-1, 9, 0.5f, 1, 3, 2, 4));
        assertArrayEquals(expected.array(), Files.readAllBytes(p));
        assertEquals(0, (8 + padded) % 8);
    }

    @Test
    void refusesNamesTheFormatCannotHold() {
        Path p = dir.resolve("x.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(p, Map.of("__metadata__", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("__metadata__") && e.getMessage().contains("reserved"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(p, Map.of("bad\uD800", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("w", null);
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(p, withNull));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        assertFalse(Files.exists(p));
    }

    // ---------------------------------------------------------------- other dtypes

    @Test
    void decodesHalfPrecisionBitPatterns() throws IOException {
        int[] f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x7C00, 0xFC00, 0x8000, 0x3555};
        float[] f16Expected = {1f, -2f, 65504f, 0x1p-24f, 0x1p-14f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0.333251953125f};
        int[] bf16 = {0x3F80, 0xC040, 0x4049, 0x7F80, 0x0001, 0x8000, 0x7F7F};
        float[] bf16Expected = {1f, -3f, 3.140625f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x00010000), -0f,
                Float.intBitsToFloat(0x7F7F0000)};
        ByteBuffer data = ByteBuffer.allocate(2 * f16.length + 2 * bf16.length + 8 * 2).order(ByteOrder.LITTLE_ENDIAN);
        data.put(shortsLE(f16)).put(shortsLE(bf16));
        int f64At = data.position();
        data.putDouble(0.1).putDouble(-1e300);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[9],\"data_offsets\":[0,18]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[7],\"data_offsets\":[18,32]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[" + f64At + "," + (f64At + 16) + "]}}";
        Path p = file("half.safetensors", header, java.util.Arrays.copyOf(data.array(), f64At + 16));
        Map<String, Tensor> out = SafeTensors.load(p);
        float[] h = out.get("h").toArray(), b = out.get("b").toArray(), d = out.get("d").toArray();
        for (int i = 0; i < f16.length; i++) {
            assertEquals(Float.floatToRawIntBits(f16Expected[i]), Float.floatToRawIntBits(h[i]), "F16 0x" + Integer.toHexString(f16[i]));
        }
        for (int i = 0; i < bf16.length; i++) {
            assertEquals(Float.floatToRawIntBits(bf16Expected[i]), Float.floatToRawIntBits(b[i]), "BF16 0x" + Integer.toHexString(bf16[i]));
        }
        assertEquals(0.1f, d[0]);
        assertEquals(Float.NEGATIVE_INFINITY, d[1]);
        // F16 NaN stays NaN
        Path nan = file("nan.safetensors", "{\"n\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[0,2]}}", shortsLE(0x7E00));
        assertTrue(Float.isNaN(SafeTensors.load(nan).get("n").item()));
    }

    @Test
    void integersLoadAsFloatOnlyWhenExact() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(12 + 24).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(3).putInt(-100).putInt(1 << 24).putLong(0).putLong(-1).putLong(16_777_215);
        Path p = file("ints.safetensors", "{\"i\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[12,36]}}", data.array());
        Map<String, Tensor> out = SafeTensors.load(p);
        assertArrayEquals(new float[] {3, -100, 16_777_216}, out.get("i").toArray());
        assertArrayEquals(new float[] {0, -1, 16_777_215}, out.get("l").toArray());

        ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(16_777_217);
        Path q = file("bigint.safetensors", "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", big.array());
        rejects(q, "ids", "16777217", "flat index 1", "exactly");
    }

    // ---------------------------------------------------------------- corrupt files

    private Path valid(String name) throws IOException {
        Path p = dir.resolve(name);
        SafeTensors.save(p, Map.of("a.weight", t(new float[] {1, 2, 3, 4}, 2, 2), "b.bias", t(new float[] {5, 6}, 2)));
        return p;
    }

    @Test
    void truncatedFile() throws IOException {
        Path p = valid("trunc.safetensors");
        byte[] all = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(all, all.length - 4));
        rejects(p, "b.bias", "outside the data section", "truncated");

        Files.write(p, java.util.Arrays.copyOf(all, 5));
        rejects(p, null, "too short");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        Path p = valid("hlen.safetensors");
        byte[] all = Files.readAllBytes(p);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, all.length);
        Files.write(p, all);
        rejects(p, null, "header length " + all.length, "larger than");

        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        Files.write(p, all);
        rejects(p, null, "18446744073709551615", "exceeds the limit");
    }

    @Test
    void aDirectoryOrANamedPipeIsRefusedByName() throws Exception {
        Path directory = Files.createDirectories(dir.resolve("a-directory.safetensors"));
        rejects(directory, null, "is a directory, not a checkpoint file");
        Path fifo = dir.resolve("pipe.safetensors");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mkfifo.waitFor() != 0) return; // no mkfifo here: nothing to test
        // Opening a pipe for reading would wait for a writer forever; the reader must not try.
        rejects(fifo, null, "is not a regular file");
        assertThrows(CheckpointException.class, () -> SafeTensors.loadMetadata(fifo));
    }

    @Test
    void malformedHeader() throws IOException {
        rejects(file("json.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", floatsLE(1)),
                null, "malformed JSON header", "at character");
        rejects(file("json2.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", floatsLE(1)),
                null, "malformed JSON header", "only integers");
        rejects(file("json3.safetensors", "[]", new byte[0]), null, "not a JSON object");
        rejects(file("utf8.safetensors", "{\"\u00e9\":{}}", new byte[0]), "\u00e9", "dtype must be a string"); // valid UTF-8 decodes
        byte[] bad = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        bad[2] = (byte) 0xFF;
        ByteBuffer b = ByteBuffer.allocate(8 + bad.length).order(ByteOrder.LITTLE_ENDIAN).putLong(bad.length).put(bad);
        Path p = dir.resolve("badutf8.safetensors");
        Files.write(p, b.array());
        rejects(p, null, "not valid UTF-8");
    }

    @Test
    void malformedEntries() throws IOException {
        rejects(file("e1.safetensors", "{\"w\":[1]}", new byte[0]), "w", "must be an object");
        rejects(file("e2.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", floatsLE(1)), "w", "data_offsets", "missing");
        rejects(file("e3.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":\"x\"}}", floatsLE(1)),
                "w", "unexpected field 'extra'");
        rejects(file("e4.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", floatsLE(1)), "w", "negative");
        rejects(file("e5.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", floatsLE(1)), "w", "[begin, end]");
        rejects(file("e6.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", floatsLE(1)), "w", "not a valid");
        rejects(file("e7.safetensors", "{\"__metadata__\":{\"k\":[1]}}", new byte[0]), null, "__metadata__", "'k'", "must be a string");
        rejects(file("e8.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{}}", floatsLE(1)),
                null, "duplicate key \"w\"");
        rejects(file("e9.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,4]}}",
                floatsLE(1)), "w", "too large");
    }

    @Test
    void offsetsThatDoNotMatchShapeTimesDtypeSize() throws IOException {
        rejects(file("size.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20]),
                "w", "span 20 bytes", "[2, 3]", "needs 6 x 4 = 24 bytes");
        rejects(file("size16.safetensors", "{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,12]}}", new byte[12]),
                "w", "F16", "needs 3 x 2 = 6 bytes");
    }

    @Test
    void offsetsOutsideTheDataSection() throws IOException {
        rejects(file("out.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[100,108]}}", floatsLE(1, 2, 3)), "b", "outside the data section of 12 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        rejects(file("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floatsLE(1, 2, 3)), "b", "overlap", "'a'");
    }

    @Test
    void gapsAndUncoveredBytes() throws IOException {
        rejects(file("gap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", floatsLE(1, 2, 3)), "b", "gap of 4 bytes", "'a'");
        rejects(file("gap0.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floatsLE(1, 2)),
                "a", "gap of 4 bytes at the start");
        rejects(file("tail.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floatsLE(1, 2)),
                "a", "8 bytes", "4 bytes after this last tensor");
        rejects(file("notensor.safetensors", "{}", floatsLE(1)), null, "there are no tensors");
    }

    @Test
    void unknownAndUnsupportedDtypes() throws IOException {
        rejects(file("dt.safetensors", "{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", floatsLE(1)),
                "w", "unknown dtype \"F33\"");
        rejects(file("u8.safetensors", "{\"mask\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]),
                "mask", "U8 is not supported");
        rejects(file("dt2.safetensors", "{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", floatsLE(1)),
                "w", "dtype must be a string");
    }

    @Test
    void loadMetadataChecksTheHeaderToo() throws IOException {
        Path p = file("m.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", floatsLE(1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.loadMetadata(p));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }

    // ---------------------------------------------------------------- atomic writes

    /** A tensor whose values cannot be read, like a disk or device failing halfway through a save. */
    private static final class Exploding extends Tensor {
        Exploding(Tensor t) {
            super(t);
        }

        @Override
        public float[] storage() {
            throw new IllegalStateException("simulated failure while writing");
        }

        @Override
        public float[] toArray() {
            throw new IllegalStateException("simulated failure while writing");
        }
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path p = valid("ckpt.safetensors");
        byte[] before = Files.readAllBytes(p);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", Tensor.ones(1000)); // written before "z" fails
        in.put("z", new Exploding(Tensor.ones(3)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SafeTensors.save(p, in));
        assertEquals("simulated failure while writing", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of(p), listing(dir));
    }

    @Test
    void failedRenameLeavesNoTemporary() throws IOException {
        Path target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "x");
        assertThrows(IOException.class, () -> SafeTensors.save(target, Map.of("w", Tensor.ones(2))));
        assertEquals(List.of(target), listing(dir));
        assertEquals("x", Files.readString(target.resolve("keep.txt")));
    }

    @Test
    void readOnlyDirectoryFailsCleanly() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path p = ro.resolve("m.safetensors");
        SafeTensors.save(p, Map.of("w", Tensor.ones(2)));
        byte[] before = Files.readAllBytes(p);
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "running as a user who can write to read-only directories (root)");
            assertThrows(IOException.class, () -> SafeTensors.save(p, Map.of("w", Tensor.zeros(2))));
            assertArrayEquals(before, Files.readAllBytes(p));
            assertEquals(List.of(p), listing(ro));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void missingDirectoryIsAnIOException() {
        assertThrows(IOException.class, () -> SafeTensors.save(dir.resolve("no/such/dir/m.safetensors"), Map.of("w", Tensor.ones(1))));
    }

    @Test
    void successfulWriteReplacesTheFileAndKeepsDefaultPermissions() throws IOException {
        Path p = valid("replace.safetensors");
        SafeTensors.save(p, Map.of("only", Tensor.full(3f, 2)));
        assertEquals(List.of("only"), new ArrayList<>(SafeTensors.load(p).keySet()));
        assertEquals(List.of(p), listing(dir));
        // the permissions of any new file (umask), not the owner-only ones of Files.createTempFile
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
    }
}
