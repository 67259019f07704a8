package dev.jgrad.io;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Everything a training run needs to stop and later continue exactly where it was, kept in a directory of
 * two safetensors files:
 * <ul>
 * <li>{@code model.safetensors}: the model's state dict under PyTorch's names, so it loads in PyTorch as is,
 *     with what rebuilds the model (class, sizes, vocabulary) in its metadata;</li>
 * <li>{@code training.safetensors}: the optimizer's and scheduler's state dicts ({@code optimizer.*},
 *     {@code scheduler.*}), any other tensors of the run ({@code tensors.*}: loss history, a recurrent
 *     state), and as string metadata the progress ({@code progress.*}: step, epoch, data position, random
 *     generator states) and the hyper-parameters ({@code config.*}) that a resumed run must repeat.</li>
 * </ul>
 *
 * <p><b>Consistency.</b> A kill at any moment leaves the old or the new checkpoint, complete, never a mix.
 * Both files carry the same {@code checkpoint_id}. {@link #save} writes the model to a pending file
 * first, then replaces {@code training.safetensors} (the commit point; each write is itself atomic and
 * synced), then renames the pending model over {@code model.safetensors}. A reader that finds the two ids
 * differ knows a save was interrupted between commit and rename, and finishes it from the pending file,
 * which was complete before the commit.
 *
 * @param model         the model's state dict (parameter and buffer name to tensor), saved in {@value #MODEL_FILE}
 * @param modelMetadata what rebuilds the model (class, sizes, vocabulary), as strings; must not use the key
 *                      {@value #ID_KEY}
 * @param optimizer     the optimizer's state dict ({@code Optimizer.stateDict()}), empty if there is none
 * @param scheduler     the learning-rate scheduler's state dict, empty if there is none
 * @param tensors       any other tensors the run must get back (loss history, a recurrent state)
 * @param progress      where the run is: step, epoch, data position, random generator states, as strings
 * @param config        the hyper-parameters a resumed run must repeat (see {@link #requireSameConfig(Map)})
 */
public record TrainingCheckpoint(Map<String, Tensor> model, Map<String, String> modelMetadata,
                                 Map<String, Tensor> optimizer, Map<String, Tensor> scheduler, Map<String, Tensor> tensors,
                                 Map<String, String> progress, Map<String, String> config) {

    /** The file of the model's state dict and metadata, loadable on its own (also by PyTorch). */
    public static final String MODEL_FILE = "model.safetensors";
    /** The file of the optimizer, scheduler, other tensors, progress and config: the save's commit point. */
    public static final String TRAINING_FILE = "training.safetensors";
    /** The model written by a save that has not committed yet (or whose rename is still due). */
    static final String PENDING_MODEL_FILE = ".model.safetensors.pending";
    /** The metadata key of the random id that ties the two files of one save together. */
    public static final String ID_KEY = "checkpoint_id";

    private static final List<String> SECTIONS = List.of("optimizer", "scheduler", "tensors");

    /**
     * Copies every map into an unmodifiable one, keeping its order.
     *
     * @throws NullPointerException     if a map is null (pass an empty map instead)
     * @throws IllegalArgumentException if {@code modelMetadata} uses the reserved key {@value #ID_KEY}
     */
    public TrainingCheckpoint {
        model = frozen(model, "model");
        modelMetadata = frozen(modelMetadata, "modelMetadata");
        optimizer = frozen(optimizer, "optimizer");
        scheduler = frozen(scheduler, "scheduler");
        tensors = frozen(tensors, "tensors");
        progress = frozen(progress, "progress");
        config = frozen(config, "config");
        if (modelMetadata.containsKey(ID_KEY)) throw new IllegalArgumentException("TrainingCheckpoint: '" + ID_KEY + "' is reserved in the model metadata");
    }

    private static <V> Map<String, V> frozen(Map<String, V> m, String what) {
        Objects.requireNonNull(m, () -> "TrainingCheckpoint: " + what + " must not be null (use an empty map)");
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes this checkpoint into {@code dir} (created if needed), replacing the one there atomically: a kill
     * at any moment leaves the previous checkpoint or this one, never a mix. Temporaries left by an earlier
     * killed save are removed first.
     *
     * @param dir the checkpoint directory
     * @throws IOException if a file cannot be written; the previous checkpoint then stays readable
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        removeStaleTemporaries(dir);
        String id = UUID.randomUUID().toString();

        Map<String, String> modelMeta = new LinkedHashMap<>(modelMetadata);
        modelMeta.put(ID_KEY, id);
        Path pending = dir.resolve(PENDING_MODEL_FILE);
        SafeTensors.save(pending, model, modelMeta);

        Map<String, Tensor> all = new LinkedHashMap<>();
        putSection(all, "optimizer", optimizer);
        putSection(all, "scheduler", scheduler);
        putSection(all, "tensors", tensors);
        Map<String, String> meta = new LinkedHashMap<>();
        progress.forEach((k, v) -> meta.put("progress." + k, v));
        config.forEach((k, v) -> meta.put("config." + k, v));
        meta.put(ID_KEY, id);
        SafeTensors.save(dir.resolve(TRAINING_FILE), all, meta); // the commit point

        Files.move(pending, dir.resolve(MODEL_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void putSection(Map<String, Tensor> out, String prefix, Map<String, Tensor> section) {
        section.forEach((k, v) -> out.put(prefix + "." + k, v));
    }

    /** SafeTensors' temporaries of our files left behind by a process killed mid-write. */
    private static void removeStaleTemporaries(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith("." + MODEL_FILE + ".") || name.startsWith("." + TRAINING_FILE + ".")
                        || name.startsWith("." + PENDING_MODEL_FILE + ".")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /**
     * Claims {@code dir} (created if needed) for one training run until closed, so that a second run started
     * on the same directory fails at once instead of interleaving its checkpoints with the first one's. The
     * operating system releases the claim when the process ends, however it ends. The lock file
     * {@code .lock} holds the owner's process id, which the error message quotes.
     *
     * @param dir the checkpoint directory of the run
     * @return the claim; close it (try-with-resources) when the run ends
     * @throws IOException              if the directory or the lock file cannot be created
     * @throws IllegalArgumentException if {@code dir} is an existing file, not a directory
     * @throws IllegalStateException    if another process (or this one) already holds the directory
     */
    public static AutoCloseable lock(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file, not a run directory: choose a directory for the run");
        }
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(".lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldHere) {
            lock = null; // by this very process
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = "";
            try {
                holder = Files.readString(lockFile).strip();
            } catch (IOException ignored) {
                // only the message loses the process id
            }
            ch.close();
            throw new IllegalStateException(dir + " is in use by another training run" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + "; wait for it to finish, stop it, or choose another directory");
        }
        ch.truncate(0).write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        FileLock held = lock;
        return () -> {
            held.release();
            ch.close();
        };
    }

    // ---------------------------------------------------------------- reading

    /**
     * Whether {@code dir} holds a training checkpoint (its training state file), e.g. to decide between
     * resuming and starting afresh.
     *
     * @param dir a directory, which need not exist
     * @return true if {@value #TRAINING_FILE} is there
     */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(TRAINING_FILE));
    }

    /**
     * Reads a complete checkpoint, finishing an interrupted save first if one is found (see the class comment).
     *
     * @param dir the checkpoint directory written by {@link #save(Path)}
     * @return the checkpoint, with the id removed from the model metadata
     * @throws java.nio.file.NoSuchFileException if {@code dir} or its training state file does not exist
     * @throws CheckpointException               if a file is corrupt, the files belong to different saves,
     *                                           or a tensor belongs to no section
     * @throws IOException                       if a file cannot be read
     */
    public static TrainingCheckpoint load(Path dir) throws IOException {
        Path trainingFile = dir.resolve(TRAINING_FILE);
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such checkpoint directory");
        if (!Files.isRegularFile(trainingFile)) {
            throw new NoSuchFileException(trainingFile.toString(), null, "no training state here (was this directory written by a training run?)");
        }
        SafeTensors.File training = SafeTensors.read(trainingFile);
        String id = training.metadata().get(ID_KEY);
        if (id == null) throw new CheckpointException(trainingFile, null, "metadata has no " + ID_KEY + " (not written by TrainingCheckpoint)");
        SafeTensors.File model = SafeTensors.read(modelFileFor(dir, id));

        Map<String, Map<String, Tensor>> sections = new LinkedHashMap<>();
        for (String s : SECTIONS) sections.put(s, new LinkedHashMap<>());
        for (Map.Entry<String, Tensor> e : training.tensors().entrySet()) {
            int dot = e.getKey().indexOf('.');
            Map<String, Tensor> section = dot < 0 ? null : sections.get(e.getKey().substring(0, dot));
            if (section == null) {
                throw new CheckpointException(trainingFile, e.getKey(), "belongs to no section (expected a name starting with one of " + SECTIONS + ")");
            }
            section.put(e.getKey().substring(dot + 1), e.getValue());
        }
        Map<String, String> progress = new LinkedHashMap<>(), config = new LinkedHashMap<>();
        training.metadata().forEach((k, v) -> {
            if (k.startsWith("progress.")) progress.put(k.substring("progress.".length()), v);
            else if (k.startsWith("config.")) config.put(k.substring("config.".length()), v);
        });
        Map<String, String> modelMeta = new LinkedHashMap<>(model.metadata());
        modelMeta.remove(ID_KEY);
        return new TrainingCheckpoint(model.tensors(), modelMeta, sections.get("optimizer"), sections.get("scheduler"),
                sections.get("tensors"), progress, config);
    }

    /**
     * The model alone (tensors and metadata), from a checkpoint directory or from a model file itself; what
     * inference needs. In a directory with a training state, an interrupted save is finished first.
     *
     * @param dirOrFile a checkpoint directory, or a {@code .safetensors} model file (e.g. one saved by PyTorch)
     * @return the model's tensors and metadata, without the checkpoint id
     * @throws java.nio.file.NoSuchFileException if there is no such file, or no model in the directory
     * @throws CheckpointException               if the file is corrupt or belongs to another save
     * @throws IOException                       if a file cannot be read
     */
    public static SafeTensors.File loadModel(Path dirOrFile) throws IOException {
        return loadModel(dirOrFile, LoadOptions.defaults().allowNonFinite());
    }

    /**
     * As {@link #loadModel(Path)}, with {@code options} deciding what NaN and infinite weights do (see
     * {@link SafeTensors#read(Path, LoadOptions)}).
     *
     * @param dirOrFile a checkpoint directory, or a {@code .safetensors} model file
     * @param options   what to do about non-finite values
     * @return the model's tensors and metadata, without the checkpoint id
     * @throws java.nio.file.NoSuchFileException if there is no such file, or no model in the directory
     * @throws CheckpointException               if the file is corrupt, belongs to another save, or is refused for
     *                                           its non-finite values
     * @throws IOException                       if a file cannot be read
     */
    public static SafeTensors.File loadModel(Path dirOrFile, LoadOptions options) throws IOException {
        if (Files.isDirectory(dirOrFile)) {
            Path trainingFile = dirOrFile.resolve(TRAINING_FILE);
            Path modelFile = dirOrFile.resolve(MODEL_FILE);
            if (Files.isRegularFile(trainingFile)) {
                String id = SafeTensors.loadMetadata(trainingFile).get(ID_KEY);
                if (id != null) modelFile = modelFileFor(dirOrFile, id);
            }
            if (!Files.isRegularFile(modelFile)) {
                throw new NoSuchFileException(modelFile.toString(), null, "no model in checkpoint directory " + dirOrFile);
            }
            return stripId(SafeTensors.read(modelFile, options));
        }
        if (!Files.exists(dirOrFile)) throw new NoSuchFileException(dirOrFile.toString(), null, "no such checkpoint file or directory");
        return stripId(SafeTensors.read(dirOrFile, options));
    }

    private static SafeTensors.File stripId(SafeTensors.File f) {
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.remove(ID_KEY);
        return new SafeTensors.File(f.tensors(), meta);
    }

    /** The model file of checkpoint {@code id}, rolling an interrupted save forward when that is where it is. */
    private static Path modelFileFor(Path dir, String id) throws IOException {
        Path modelFile = dir.resolve(MODEL_FILE);
        if (Files.isRegularFile(modelFile) && id.equals(SafeTensors.loadMetadata(modelFile).get(ID_KEY))) return modelFile;
        Path pending = dir.resolve(PENDING_MODEL_FILE);
        if (Files.isRegularFile(pending) && id.equals(SafeTensors.loadMetadata(pending).get(ID_KEY))) {
            try {
                Files.move(pending, modelFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return modelFile;
            } catch (IOException readOnly) {
                return pending; // cannot finish the save here (read-only?), but its model is complete
            }
        }
        throw new CheckpointException(modelFile, null, Files.isRegularFile(modelFile)
                ? "belongs to another checkpoint than " + TRAINING_FILE + " beside it (" + ID_KEY + " differs); the directory was modified by hand?"
                : "missing, though " + TRAINING_FILE + " is there");
    }

    // ---------------------------------------------------------------- helpers for trainers

    /**
     * A required progress entry as a number, with a message naming the checkpoint entry when it is not one.
     *
     * @param key the entry's name without the {@code progress.} prefix, e.g. {@code "step"}
     * @return its value
     * @throws IllegalArgumentException if the entry is missing or not an integer
     */
    public long progressLong(String key) {
        String v = progress.get(key);
        if (v == null) throw new IllegalArgumentException("checkpoint: the training state has no progress entry '" + key + "'");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpoint: progress entry '" + key + "' should be an integer, got '" + v + "'");
        }
    }

    /**
     * A generator's state as a progress entry (two integers), for a resumed run to draw the same random
     * numbers as an uninterrupted one.
     *
     * @param gen the generator, e.g. the one that shuffles the data or drives dropout
     * @return its state as {@code "s0,s1"}
     */
    public static String generatorState(Generator gen) {
        long[] s = gen.state();
        return s[0] + "," + s[1];
    }

    /**
     * Restores {@code gen} from the progress entry {@code key} written by {@link #generatorState}.
     *
     * @param key the progress entry's name
     * @param gen the generator to set
     * @throws IllegalArgumentException if the entry is missing or not two integers
     */
    public void restoreGenerator(String key, Generator gen) {
        restoreGenerator(progress, key, gen);
    }

    /**
     * Restores {@code gen} from the entry {@code key} of {@code entries}, written by {@link #generatorState}.
     *
     * @param entries progress entries, a checkpoint's or a task state's
     * @param key     the entry's name
     * @param gen     the generator to set
     * @throws IllegalArgumentException if the entry is missing or not two integers
     */
    public static void restoreGenerator(Map<String, String> entries, String key, Generator gen) {
        String v = entries.get(key);
        if (v == null) throw new IllegalArgumentException("checkpoint: the training state has no generator state '" + key + "'");
        String[] parts = v.split(",");
        try {
            if (parts.length != 2) throw new NumberFormatException();
            gen.setState(new long[] {Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip())});
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpoint: generator state '" + key + "' should be two integers, got '" + v + "'");
        }
    }

    /**
     * Fails, naming every difference, unless {@code current} has the same hyper-parameters as the checkpoint:
     * a resumed run that changed one would silently be a different run.
     *
     * @param current the settings of the run about to resume, under the keys it saved them with
     * @throws IllegalArgumentException listing every setting that differs, is missing now or was not saved
     */
    public void requireSameConfig(Map<String, String> current) {
        requireSameConfig(current, Set.of());
    }

    /**
     * As {@link #requireSameConfig(Map)}, but settings named in {@code noLongerCompared} may be in the checkpoint
     * without being set now: settings that older versions recorded and that no longer change the run
     * (for example the number of epochs, once the schedule stopped depending on it).
     *
     * @param current          the settings of the run about to resume
     * @param noLongerCompared keys that a checkpoint may hold but {@code current} no longer sets
     * @throws IllegalArgumentException listing every setting that differs
     */
    public void requireSameConfig(Map<String, String> current, Set<String> noLongerCompared) {
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : current.entrySet()) {
            String saved = config.get(e.getKey());
            if (saved == null) diffs.add(e.getKey() + ": not in the checkpoint, " + e.getValue() + " now");
            else if (!saved.equals(e.getValue())) diffs.add(e.getKey() + ": " + saved + " in the checkpoint, " + e.getValue() + " now");
        }
        for (String k : config.keySet()) {
            if (!current.containsKey(k) && !noLongerCompared.contains(k)) diffs.add(k + ": " + config.get(k) + " in the checkpoint, not set now");
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("the checkpoint was made with different settings: " + String.join("; ", diffs));
        }
    }
}
