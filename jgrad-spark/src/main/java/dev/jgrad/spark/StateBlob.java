package dev.jgrad.spark;

import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.TaskState;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float32 tensors and strings in a form Spark can ship between the driver and executors: a model's state dict,
 * an optimizer's, or a task replica's resume state ({@link TaskState}).
 *
 * @param values  each tensor's values, row-major, by name in order
 * @param shapes  each tensor's shape, by name
 * @param strings string entries (a generator's state, a data position)
 */
record StateBlob(LinkedHashMap<String, float[]> values, LinkedHashMap<String, int[]> shapes, LinkedHashMap<String, String> strings)
        implements Serializable {

    /** The tensors (copied) and strings. */
    static StateBlob of(Map<String, Tensor> tensors, Map<String, String> strings) {
        LinkedHashMap<String, float[]> values = new LinkedHashMap<>();
        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            values.put(e.getKey(), e.getValue().contiguous().toArray().clone());
            shapes.put(e.getKey(), e.getValue().shape());
        }
        return new StateBlob(values, shapes, new LinkedHashMap<>(strings));
    }

    /** A task's resume state. */
    static StateBlob of(TaskState state) {
        return of(state.tensors(), state.strings());
    }

    /** The tensors, in order. */
    Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : values.entrySet()) out.put(e.getKey(), Tensor.of(e.getValue().clone(), shapes.get(e.getKey())));
        return out;
    }

    /** As a task state, for a replica's {@code loadState}. */
    TaskState taskState() {
        return TaskState.of(tensors(), strings);
    }

    /** Bytes of tensor data, for the communication figures. */
    long bytes() {
        long n = 0;
        for (float[] v : values.values()) n += 4L * v.length;
        return n;
    }
}
