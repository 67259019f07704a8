package dev.jgrad.train;

import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A task's own part of a checkpoint: tensors (a recurrent state carried between windows) and strings (a data
 * position, a generator's state). Names are the task's, except the few the trainer keeps for itself.
 */
public final class TaskState {
    /** Names the trainer writes itself. */
    static final Set<String> RESERVED = Set.of(Trainer.STEP, Trainer.DEFAULT_RNG, Trainer.LOSSES, Trainer.EVALUATIONS, Trainer.EVALUATION_COLUMNS);

    private final Map<String, Tensor> tensors;
    private final Map<String, String> strings;
    private final TrainingCheckpoint source; // the checkpoint being restored; null while saving

    private TaskState(Map<String, Tensor> tensors, Map<String, String> strings, TrainingCheckpoint source) {
        this.tensors = tensors;
        this.strings = strings;
        this.source = source;
    }

    /**
     * Saves a tensor under {@code name}.
     *
     * @param name  the entry's name, not empty and not one of the trainer's own
     * @param value the tensor to save (its values as they are now)
     * @throws IllegalArgumentException if the name is empty or reserved by the trainer
     */
    public void putTensor(String name, Tensor value) {
        tensors.put(checkName(name), value);
    }

    /**
     * The tensor saved under {@code name}, or null if there is none.
     *
     * @param name the name {@link #putTensor} used
     * @return the restored tensor, or null
     */
    public Tensor tensor(String name) {
        return tensors.get(name);
    }

    /**
     * Saves a string under {@code key}.
     *
     * @param key   the entry's name, not empty and not one of the trainer's own
     * @param value the string to save (a data position, say)
     * @throws IllegalArgumentException if the key is empty or reserved by the trainer
     */
    public void put(String key, String value) {
        strings.put(checkName(key), value);
    }

    /**
     * The string saved under {@code key}, or null if there is none.
     *
     * @param key the name {@link #put} used
     * @return the restored string, or null
     */
    public String get(String key) {
        return strings.get(key);
    }

    /**
     * Saves a generator's state under {@code key}.
     *
     * @param key       the entry's name, not empty and not one of the trainer's own
     * @param generator the generator (a data shuffler, say) whose state to save
     * @throws IllegalArgumentException if the key is empty or reserved by the trainer
     */
    public void putGenerator(String key, Generator generator) {
        put(key, TrainingCheckpoint.generatorState(generator));
    }

    /**
     * Sets {@code generator} to the state saved under {@code key}; fails, naming the key, if there is none.
     *
     * @param key       the name {@link #putGenerator} used
     * @param generator the generator to set, so that it continues exactly where the saved one was
     * @throws IllegalStateException if called on a state being saved rather than restored
     */
    public void restoreGenerator(String key, Generator generator) {
        if (source != null) source.restoreGenerator(key, generator);
        else TrainingCheckpoint.restoreGenerator(strings, key, generator);
    }

    /**
     * The tensors saved so far (or being restored), by name, unmodifiable.
     *
     * @return the tensors
     */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /**
     * The strings saved so far (or being restored), by key, unmodifiable.
     *
     * @return the strings
     */
    public Map<String, String> strings() {
        return Collections.unmodifiableMap(strings);
    }

    /**
     * A state holding these entries (copied), for a {@link TrainingStrategy} that carries a task's state itself: to a
     * data-parallel worker's replica, say. Empty maps give a state to save into.
     *
     * @param tensors the tensor entries
     * @param strings the string entries
     * @return the state
     */
    public static TaskState of(Map<String, Tensor> tensors, Map<String, String> strings) {
        return new TaskState(new LinkedHashMap<>(tensors), new LinkedHashMap<>(strings), null);
    }

    /** An empty state for a task to save into. */
    static TaskState forSaving() {
        return new TaskState(new LinkedHashMap<>(), new LinkedHashMap<>(), null);
    }

    /** The task's entries of a checkpoint being restored (the trainer's own are in it too, read-only). */
    static TaskState of(TrainingCheckpoint checkpoint) {
        return new TaskState(new LinkedHashMap<>(checkpoint.tensors()), new LinkedHashMap<>(checkpoint.progress()), checkpoint);
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("TaskState: a name must not be empty");
        if (RESERVED.contains(name)) throw new IllegalArgumentException("TaskState: '" + name + "' is the trainer's own entry; choose another name");
        return name;
    }
}
