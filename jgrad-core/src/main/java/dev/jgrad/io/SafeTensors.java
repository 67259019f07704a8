package dev.jgrad.io;

import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and writes the safetensors format of Hugging Face, so that checkpoints move between jgrad and
 * PyTorch ({@code safetensors.torch.load_file} / {@code save_file}) in both directions.
 *
 * <p>Layout: an unsigned little-endian 64-bit header length N, N bytes of UTF-8 JSON mapping each tensor
 * name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional
 * {@code "__metadata__"} object of strings), then the raw little-endian, row-major data; offsets count
 * from the start of the data section, which the tensors must cover exactly, without gaps or overlaps.
 *
 * <p><b>Writing</b> produces the same bytes as the reference implementation: F32 only, tensors laid out
 * in order of descending dtype alignment then name (so simply by name, compared as UTF-8 bytes),
 * compact JSON with {@code __metadata__} first, the header padded with spaces to a multiple of 8 bytes.
 * The reference writes metadata in hash order; we write it sorted by key so output is deterministic.
 * Writes are atomic: the file is written beside the target, fsynced, then renamed over it.
 *
 * <p><b>Reading</b> converts F32, F64, F16 and BF16 to float32, and I32 and I64 too when every value is
 * an integer of magnitude at most 2^24 (exactly representable: class targets, token ids); a larger
 * integer is an error rather than a silent rounding. Other dtypes (BOOL, U8, F8_*, ...) are refused.
 * Every defect in a file raises a {@link CheckpointException} naming the file and the tensor.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** The key under which the header keeps string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    /** The reference implementation's limit; a larger header is corrupt, not a model. */
    static final long MAX_HEADER_SIZE = 100_000_000;

    /** Integers up to this magnitude convert to float32 exactly. */
    private static final long MAX_EXACT_INT = 1L << 24;

    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * A whole checkpoint: tensors in file order and the string metadata (empty when the file has none).
     *
     * @param tensors  the tensors by name, as float32; copied into an unmodifiable map keeping the given order
     * @param metadata the {@code __metadata__} strings; copied into an unmodifiable map
     */
    public record File(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** Copies both maps, so a {@code File} never changes after construction. */
        public File {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** The element types jgrad can read, with their size in bytes. */
    private enum Dtype {
        F16(2), BF16(2), I32(4), F32(4), F64(8), I64(8);

        final int size;

        Dtype(int size) {
            this.size = size;
        }
    }

    /** Dtypes of the format that jgrad does not read, to tell "unsupported" from "not a dtype". */
    private static final Set<String> OTHER_DTYPES = Set.of("BOOL", "U8", "I8", "I16", "U16", "U32", "U64",
            "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

    private record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {}

    private record Header(long dataStart, List<Entry> entries, Map<String, String> metadata) {}

    // ---------------------------------------------------------------- writing

    /**
     * Saves {@code tensors} as F32 with no metadata, atomically as {@link #save(Path, Map, Map)}
     * ({@code safetensors.torch.save_file(tensors, path)}).
     *
     * @param path    the file to create or replace
     * @param tensors the tensors by name (typically a module's state dict); the file orders them by name
     * @throws IOException if the file cannot be written; an existing file is then left untouched
     * @throws IllegalArgumentException for a name the format cannot hold or a null tensor
     */
    public static void save(Path path, Map<String, ? extends Tensor> tensors) throws IOException {
        save(path, tensors, null);
    }

    /**
     * Saves {@code tensors} as F32, atomically: an existing file at {@code path} is replaced only once the
     * new one is completely written and synced, and is left untouched if anything fails.
     *
     * @param path     the file to create or replace
     * @param tensors  the tensors by name; any shape and any strides (they are written row-major)
     * @param metadata string metadata for {@code __metadata__}, or null to write none (an empty map writes
     *                 an empty {@code __metadata__} object, as the reference does)
     * @throws IOException if the file cannot be written; an existing file is then left untouched
     * @throws IllegalArgumentException for a name the format cannot hold ({@code __metadata__}, null,
     *                                  or a string with unpaired surrogates) or a null tensor
     */
    public static void save(Path path, Map<String, ? extends Tensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        List<Map.Entry<String, Tensor>> sorted = new ArrayList<>(tensors.size());
        for (Map.Entry<String, ? extends Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null) throw new IllegalArgumentException("SafeTensors.save " + path + ": a tensor name is null");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.save " + path + ": '" + METADATA_KEY + "' is reserved for metadata and cannot name a tensor");
            }
            checkWellFormed(path, "tensor name", name);
            if (e.getValue() == null) throw new IllegalArgumentException("SafeTensors.save " + path + ": tensor '" + name + "' is null");
            sorted.add(Map.entry(name, e.getValue()));
        }
        // Rust compares names as UTF-8 bytes, which orders like code points (not like Java's UTF-16 compareTo).
        sorted.sort(Map.Entry.comparingByKey(SafeTensors::compareCodePoints));

        StringBuilder json = new StringBuilder("{");
        if (metadata != null) {
            json.append('"').append(METADATA_KEY).append("\":{");
            Map<String, String> byKey = new TreeMap<>(SafeTensors::compareCodePoints);
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (m.getKey() == null || m.getValue() == null) {
                    throw new IllegalArgumentException("SafeTensors.save " + path + ": metadata entry " + m.getKey() + "=" + m.getValue() + " is null");
                }
                checkWellFormed(path, "metadata key", m.getKey());
                checkWellFormed(path, "metadata value for '" + m.getKey() + "'", m.getValue());
                byKey.put(m.getKey(), m.getValue());
            }
            boolean first = true;
            for (Map.Entry<String, String> m : byKey.entrySet()) {
                if (!first) json.append(',');
                first = false;
                Json.appendQuoted(json, m.getKey());
                json.append(':');
                Json.appendQuoted(json, m.getValue());
            }
            json.append('}');
        }
        long offset = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Map.Entry<String, Tensor> e = sorted.get(i);
            if (i > 0 || metadata != null) json.append(',');
            Json.appendQuoted(json, e.getKey());
            json.append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = e.getValue().shape();
            for (int d = 0; d < shape.length; d++) {
                if (d > 0) json.append(',');
                json.append(shape[d]);
            }
            long bytes = 4L * e.getValue().numel();
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        json.append('}');
        byte[] headerJson = json.toString().getBytes(StandardCharsets.UTF_8);
        // Padding keeps the data section 8-byte aligned so readers can map it directly as any dtype.
        int padded = (headerJson.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(headerJson);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        writeAtomically(path, ch -> {
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer floats = buf.asFloatBuffer();
            for (Map.Entry<String, Tensor> e : sorted) writeData(ch, e.getValue(), buf, floats);
        });
    }

    private static void writeData(FileChannel ch, Tensor t, ByteBuffer buf, FloatBuffer floats) throws IOException {
        int n = t.numel();
        if (n == 0) return;
        // Contiguous tensors are written straight from storage; views (transposes, slices) are copied once.
        float[] src;
        int base;
        if (t.isContiguous()) {
            src = t.storage();
            base = t.offset();
        } else {
            src = t.toArray();
            base = 0;
        }
        int perChunk = buf.capacity() / 4;
        for (int i = 0; i < n; i += perChunk) {
            int k = Math.min(perChunk, n - i);
            floats.clear();
            floats.put(src, base + i, k);
            buf.clear().limit(4 * k);
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    @FunctionalInterface
    private interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /**
     * Writes to a fresh file in the target's directory (so the rename stays on one file system), syncs
     * it, and renames it over the target; on any failure the temporary file is removed and the target
     * keeps its old contents.
     */
    private static void writeAtomically(Path target, Body body) throws IOException {
        try {
            writeAtomicallyOrFail(target, body);
        } catch (IOException e) {
            throw AtomicFile.naming(target, e);
        }
    }

    private static void writeAtomicallyOrFail(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = createTemporary(dir, abs.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.write(ch);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        syncDirectory(dir);
    }

    private static Path createTemporary(Path dir, String name) throws IOException {
        while (true) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                // Unlike Files.createTempFile this keeps the default permissions, which the renamed file inherits.
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException taken) {
                // another writer picked the same random name; draw again
            }
        }
    }

    /** Makes the rename itself durable. Not every platform can open a directory; there it is skipped. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // the data itself is already synced; only the directory entry's durability is best effort
        }
    }

    private static void checkWellFormed(Path path, String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("SafeTensors.save " + path + ": " + what + " " + Json.quote(s)
                        + " has an unpaired surrogate at index " + i + " and cannot be written as UTF-8");
            }
        }
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ---------------------------------------------------------------- reading

    /**
     * All tensors of the file as float32, in file (data offset) order ({@code safetensors.torch.load_file}).
     *
     * @param path the safetensors file
     * @return a new mutable map from tensor name to tensor
     * @throws CheckpointException if the file is not valid safetensors or holds a dtype jgrad cannot read
     * @throws IOException         if the file cannot be read
     */
    public static Map<String, Tensor> load(Path path) throws IOException {
        return new LinkedHashMap<>(read(path).tensors());
    }

    /**
     * The file's {@code __metadata__} (empty if it has none), reading and checking only the header: cheap
     * even for a large model.
     *
     * @param path the safetensors file
     * @return an unmodifiable map of the metadata strings
     * @throws CheckpointException if the header is not valid
     * @throws IOException         if the file cannot be read
     */
    public static Map<String, String> loadMetadata(Path path) throws IOException {
        try (FileChannel ch = open(path)) {
            return Collections.unmodifiableMap(readHeader(path, ch).metadata());
        }
    }

    /**
     * Tensors and metadata together.
     *
     * @param path the safetensors file
     * @return the tensors (float32, in file order) and the metadata
     * @throws CheckpointException if the file is not valid safetensors or holds a dtype jgrad cannot read
     * @throws IOException         if the file cannot be read
     */
    public static File read(Path path) throws IOException {
        return read(path, LoadOptions.defaults().allowNonFinite());
    }

    /**
     * Tensors and metadata together, with {@code options} deciding what NaN and infinite values do: loaded as they are,
     * with a warning naming the file and the first tensor holding one, or refused.
     *
     * @param path    the safetensors file
     * @param options what to do about non-finite values
     * @return the tensors (float32, in file order) and the metadata
     * @throws CheckpointException if the file is not valid safetensors, holds a dtype jgrad cannot read, or (with
     *                             {@link LoadOptions.NonFinite#REFUSE}) holds a NaN or infinite value
     * @throws dev.jgrad.tensor.InsufficientHeapException if its tensors, as float32, cannot fit in the Java heap
     * @throws IOException         if the file cannot be read
     */
    public static File read(Path path, LoadOptions options) throws IOException {
        try (FileChannel ch = open(path)) {
            Header header = readHeader(path, ch);
            long values = 0;
            for (Entry e : header.entries()) values += (e.end() - e.begin()) / e.dtype().size;
            long floats = values;
            HeapBudget.require(4 * floats, () -> path + " (" + header.entries().size() + " tensors, " + floats + " values as float32)");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : header.entries()) {
                tensors.put(e.name(), Tensor.of(readData(path, ch, header.dataStart(), e, buf), e.shape()));
            }
            checkFinite(path, tensors, options);
            return new File(tensors, header.metadata());
        }
    }

    /**
     * Applies {@link LoadOptions#nonFinite()}: the message names the first tensor (in file order) holding a NaN or an
     * infinity, how many values of it do and where the first is, and how many other tensors have some too.
     */
    private static void checkFinite(Path path, Map<String, Tensor> tensors, LoadOptions options) throws CheckpointException {
        if (options.nonFinite() == LoadOptions.NonFinite.ALLOW) return;
        String first = null;
        long bad = 0;
        int firstIndex = -1, otherTensors = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            float[] v = t.getValue().storage(); // freshly read: contiguous, offset 0, exactly numel long
            int count = 0, at = -1;
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    if (at < 0) at = i;
                    count++;
                }
            }
            if (count == 0) continue;
            if (first == null) {
                first = t.getKey();
                bad = count;
                firstIndex = at;
            } else {
                otherTensors++;
            }
        }
        if (first == null) return;
        float example = tensors.get(first).storage()[firstIndex];
        String problem = String.format(Locale.ROOT, "holds %d NaN or infinite value%s (the first, %s, at flat index %d)%s: the weights are "
                        + "broken (a diverged run?) and what the model computes from them is meaningless",
                bad, bad == 1 ? "" : "s", example, firstIndex, otherTensors == 0 ? "" : ", and " + otherTensors + " other tensor"
                        + (otherTensors == 1 ? " has" : "s have") + " some too");
        CheckpointException e = new CheckpointException(path, first, problem);
        if (options.nonFinite() == LoadOptions.NonFinite.REFUSE) throw e;
        options.warnings().accept("warning: " + e.getMessage());
    }

    /**
     * Opens a checkpoint for reading. Only a regular file: opening a named pipe would wait for a writer
     * forever, and a directory's "Is a directory" would not name the path.
     */
    private static FileChannel open(Path path) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new CheckpointException(path, null, Files.isDirectory(path)
                    ? "is a directory, not a checkpoint file" : "is not a regular file (a pipe or a device?)");
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    private static Header readHeader(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw new CheckpointException(path, null, "file is " + size + " bytes, too short for the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, null, ch, lenBuf, 0);
        long n = lenBuf.flip().getLong();
        if (n < 0 || n > MAX_HEADER_SIZE) {
            throw new CheckpointException(path, null, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_SIZE + " bytes (not a safetensors file?)");
        }
        if (n > size - 8) {
            throw new CheckpointException(path, null, "header length " + n + " is larger than the " + (size - 8)
                    + " bytes that follow it (file truncated or not a safetensors file)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(path, null, ch, headerBytes, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes.flip()).toString();
        } catch (CharacterCodingException ex) {
            throw new CheckpointException(path, null, "header is not valid UTF-8", ex);
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.ParseException ex) {
            throw new CheckpointException(path, null, "malformed JSON header: " + ex.getMessage(), ex);
        }
        if (!(root instanceof Map<?, ?> top)) throw new CheckpointException(path, null, "header is not a JSON object");

        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> kv : top.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = parseMetadata(path, kv.getValue());
            } else {
                entries.add(parseEntry(path, name, kv.getValue(), dataLength));
            }
        }

        // File order is data order; the stable sort keeps header order among empty tensors at one offset.
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.begin() < expected) {
                throw new CheckpointException(path, e.name(), "data_offsets " + offsets(e) + " overlap those of tensor '"
                        + previous.name() + "' " + offsets(previous));
            }
            if (e.begin() > expected) {
                throw new CheckpointException(path, e.name(), "data_offsets " + offsets(e) + " leave a gap of " + (e.begin() - expected)
                        + " bytes " + (previous == null ? "at the start of the data section" : "after tensor '" + previous.name() + "' " + offsets(previous))
                        + " (the data section must be filled contiguously)");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw new CheckpointException(path, previous == null ? null : previous.name(), "the data section is " + dataLength
                    + " bytes but the tensors cover only " + expected + (previous == null ? " (there are no tensors)"
                    : "; " + (dataLength - expected) + " bytes after this last tensor " + offsets(previous) + " belong to no tensor"));
        }
        return new Header(dataStart, entries, metadata);
    }

    private static Map<String, String> parseMetadata(Path path, Object value) throws CheckpointException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new CheckpointException(path, null, METADATA_KEY + " must be an object of strings, not " + jsonType(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : map.entrySet()) {
            if (!(kv.getValue() instanceof String s)) {
                throw new CheckpointException(path, null, METADATA_KEY + " entry '" + kv.getKey() + "' must be a string, not " + jsonType(kv.getValue()));
            }
            out.put((String) kv.getKey(), s);
        }
        return out;
    }

    private static Entry parseEntry(Path path, String name, Object value, long dataLength) throws CheckpointException {
        if (!(value instanceof Map<?, ?> info)) {
            throw new CheckpointException(path, name, "header entry must be an object with dtype, shape and data_offsets, not " + jsonType(value));
        }
        for (Object key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new CheckpointException(path, name, "unexpected field '" + key + "' (expected dtype, shape, data_offsets)");
            }
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new CheckpointException(path, name, "dtype must be a string, not " + jsonType(info.get("dtype")));
        }
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dtypeName);
        } catch (IllegalArgumentException unknown) {
            throw new CheckpointException(path, name, OTHER_DTYPES.contains(dtypeName)
                    ? "dtype " + dtypeName + " is not supported (jgrad reads F32, F64, F16, BF16, I32 and I64)"
                    : "unknown dtype " + Json.quote(dtypeName));
        }
        List<Long> shapeList = longs(path, name, "shape", info.get("shape"));
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int d = 0; d < shape.length; d++) {
            long s = shapeList.get(d);
            if (s < 0) throw new CheckpointException(path, name, "shape " + shapeList + " has a negative size");
            if (s > Integer.MAX_VALUE) throw new CheckpointException(path, name, "shape " + shapeList + " is too large for jgrad (a dimension over 2^31-1)");
            shape[d] = (int) s;
            numel = numel == 0 || s == 0 ? 0 : (numel > Long.MAX_VALUE / s ? -1 : numel * s);
            if (numel < 0) throw new CheckpointException(path, name, "shape " + shapeList + " has more elements than fit in 64 bits");
        }
        // jgrad tensors are backed by one float[]: at most 2^31-1 elements.
        if (numel > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(path, name, "shape " + shapeList + " has " + numel + " elements, more than a jgrad tensor can hold");
        }
        List<Long> offsets = longs(path, name, "data_offsets", info.get("data_offsets"));
        if (offsets.size() != 2) throw new CheckpointException(path, name, "data_offsets must be [begin, end], not " + offsets);
        long begin = offsets.get(0), end = offsets.get(1);
        if (begin < 0 || end < begin) throw new CheckpointException(path, name, "data_offsets " + offsets + " are not a valid [begin, end] range");
        long needed = numel * dtype.size;
        if (end - begin != needed) {
            throw new CheckpointException(path, name, "data_offsets " + offsets + " span " + (end - begin) + " bytes but shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + numel + " x " + dtype.size + " = " + needed + " bytes");
        }
        if (end > dataLength) {
            throw new CheckpointException(path, name, "data_offsets " + offsets + " fall outside the data section of "
                    + dataLength + " bytes (file truncated?)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static List<Long> longs(Path path, String name, String field, Object value) throws CheckpointException {
        if (!(value instanceof List<?> list)) {
            throw new CheckpointException(path, name, field + " must be an array of integers, not " + jsonType(value));
        }
        List<Long> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Long l)) throw new CheckpointException(path, name, field + " must be an array of integers, but holds " + jsonType(o));
            out.add(l);
        }
        return out;
    }

    private static String jsonType(Object v) {
        if (v == null) return "nothing (missing)";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String s) return "the string " + Json.quote(s);
        return "the integer " + v;
    }

    private static String offsets(Entry e) {
        return "[" + e.begin() + ", " + e.end() + "]";
    }

    private static float[] readData(Path path, FileChannel ch, long dataStart, Entry e, ByteBuffer buf) throws IOException {
        int n = (int) ((e.end() - e.begin()) / e.dtype().size);
        float[] out = new float[n];
        int perChunk = buf.capacity() / e.dtype().size;
        for (int i = 0; i < n; i += perChunk) {
            int k = Math.min(perChunk, n - i);
            buf.clear().limit(k * e.dtype().size);
            readFully(path, e.name(), ch, buf, dataStart + e.begin() + (long) i * e.dtype().size);
            buf.flip();
            decode(path, e, buf, out, i, k);
        }
        return out;
    }

    private static void decode(Path path, Entry e, ByteBuffer buf, float[] out, int at, int k) throws CheckpointException {
        switch (e.dtype()) {
            case F32 -> buf.asFloatBuffer().get(out, at, k);
            case F64 -> {
                var d = buf.asDoubleBuffer();
                for (int j = 0; j < k; j++) out[at + j] = (float) d.get(j);
            }
            case F16 -> {
                var s = buf.asShortBuffer();
                for (int j = 0; j < k; j++) out[at + j] = Float.float16ToFloat(s.get(j));
            }
            case BF16 -> {
                // bfloat16 is the top half of a float32, so widening is exact.
                var s = buf.asShortBuffer();
                for (int j = 0; j < k; j++) out[at + j] = Float.intBitsToFloat(s.get(j) << 16);
            }
            case I32 -> {
                var ints = buf.asIntBuffer();
                for (int j = 0; j < k; j++) out[at + j] = exactInt(path, e, ints.get(j), at + j);
            }
            case I64 -> {
                var longs = buf.asLongBuffer();
                for (int j = 0; j < k; j++) out[at + j] = exactInt(path, e, longs.get(j), at + j);
            }
        }
    }

    private static float exactInt(Path path, Entry e, long v, int index) throws CheckpointException {
        if (v > MAX_EXACT_INT || v < -MAX_EXACT_INT) {
            throw new CheckpointException(path, e.name(), e.dtype() + " value " + v + " at flat index " + index
                    + " cannot be represented exactly as float32 (jgrad reads integers only up to 2^24 in magnitude)");
        }
        return v;
    }

    private static void readFully(Path path, String tensor, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new CheckpointException(path, tensor, "file ended at byte " + at + " while reading",
                        new EOFException(path.toString()));
            }
            at += r;
        }
    }
}
