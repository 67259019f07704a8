package dev.jgrad.models;

import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.Tensor;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The check a loader makes between reading a checkpoint and building its model: the sizes in the metadata decide how
 * much the model allocates, so they must not describe more weights than the file holds. A 13 KB file whose metadata
 * says {@code num_layers 1000000} is refused here, in microseconds, instead of allocating gigabytes and then failing;
 * a smaller disagreement (a wrong shape) is left to {@code loadStateDict}, which names the tensor.
 */
public final class CheckpointFit {
    private CheckpointFit() {}

    /**
     * Fails when a model of {@code parameters} weights cannot have come from {@code contents}: every weight of the model
     * is loaded from the file, so the file must hold at least as many values.
     *
     * @param file       the checkpoint, for the message
     * @param contents   its tensors and metadata, as read
     * @param parameters the weights of the model the metadata describes ({@code Config.numParameters()})
     * @param model      the model the metadata describes, for the message
     * @throws CheckpointException if the file holds fewer values than the model has weights
     */
    public static void requireWeights(Path file, SafeTensors.File contents, long parameters, String model) throws CheckpointException {
        long values = 0;
        for (Tensor t : contents.tensors().values()) values += t.numel();
        if (parameters > values) {
            throw new CheckpointException(file, null, String.format(Locale.ROOT, "its metadata describes %s with %,d weights, but the file holds "
                    + "only %,d values: the metadata does not fit the tensors (edited, or from another model?)", model, parameters, values));
        }
    }
}
