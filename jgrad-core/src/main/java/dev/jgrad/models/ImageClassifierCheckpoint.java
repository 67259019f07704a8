package dev.jgrad.models;

import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.vision.Normalize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ResNet image classifier in one safetensors file: the state_dict under torchvision's names (so the
 * weights load into torchvision too), and in the string metadata the class names (one per line), the input
 * normalisation the network was trained with, and free-form training facts under "info.".
 *
 * <p>{@link #load} also takes a bare state_dict, such as a torchvision ResNet exported by
 * scripts/make_fixtures_resnet.py: the architecture is always inferred from the tensors
 * ({@link ResNet#inferConfig}); classes then are "0".."n-1" and the normalisation is unknown (null).
 *
 * @param model     the trained network
 * @param classes   one name per output of the network, in order; each non-empty and on one line
 * @param normalize the per-channel normalisation the network was trained with, or null when unknown
 * @param info      free-form training facts to keep (test accuracy, data, ...), stored under "info."
 */
public record ImageClassifierCheckpoint(ResNet model, List<String> classes, Normalize normalize, Map<String, String> info) {

    static final String KIND = "jgrad.ResNet";
    static final int FORMAT_VERSION = 1;

    /**
     * Checks that the parts fit together, and copies the lists.
     *
     * @throws IllegalArgumentException if there is not one class name per output, a name is empty or spans lines, or
     *                                  the normalisation has another number of channels than the network's input
     */
    public ImageClassifierCheckpoint {
        classes = List.copyOf(classes);
        if (classes.size() != model.config().numClasses()) {
            throw new IllegalArgumentException("checkpoint: the model has " + model.config().numClasses() + " outputs but " + classes.size()
                    + " class names were given");
        }
        for (String c : classes) {
            if (c.isEmpty() || c.contains("\n")) throw new IllegalArgumentException("checkpoint: a class name must be non-empty and on one line, got '" + c + "'");
        }
        if (normalize != null && normalize.mean().length != model.config().inChannels()) {
            throw new IllegalArgumentException("checkpoint: normalisation for " + normalize.mean().length + " channels, but the model takes "
                    + model.config().inChannels());
        }
        info = Map.copyOf(info);
    }

    /**
     * Writes atomically (a crash while saving leaves the previous file intact).
     *
     * @param path the {@code .safetensors} file to write (replaced if it exists)
     * @throws IOException if writing fails
     */
    public void save(Path path) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", KIND);
        meta.put("format_version", Integer.toString(FORMAT_VERSION));
        meta.put("architecture", model.config().describe());
        meta.put("classes", String.join("\n", classes));
        if (normalize != null) meta.putAll(normalize.toMetadata());
        info.forEach((k, v) -> meta.put("info." + k, v));
        SafeTensors.save(path, model.stateDict(), meta);
    }

    /**
     * Ours, or any ResNet state_dict (torchvision's names); the model comes back in eval mode. NaN or infinite weights load with a
     * warning ({@link #load(Path, LoadOptions)} chooses).
     *
     * @param path a {@code .safetensors} file written by {@link #save}, or a bare ResNet state_dict
     * @return the network with its class names, normalisation (null for a bare state_dict) and training facts
     * @throws CheckpointException if the format version is not supported, the tensors are not a ResNet's, or the
     *                             metadata does not fit the network
     * @throws IOException         if reading the file fails
     */
    public static ImageClassifierCheckpoint load(Path path) throws IOException {
        return load(path, LoadOptions.defaults());
    }

    /**
     * As {@link #load(Path)}, with {@code options} deciding what NaN or infinite weights do.
     *
     * @param path    a {@code .safetensors} file written by {@link #save}, or a bare ResNet state_dict
     * @param options what NaN or infinite weights do
     * @return the network with its class names, normalisation and training facts
     * @throws CheckpointException if the tensors are not a ResNet's, or the file is refused for non-finite weights
     */
    public static ImageClassifierCheckpoint load(Path path, LoadOptions options) throws IOException {
        SafeTensors.File file = SafeTensors.read(path, options);
        Map<String, String> meta = file.metadata();
        boolean ours = KIND.equals(meta.get("format"));
        if (ours && !Integer.toString(FORMAT_VERSION).equals(meta.get("format_version"))) {
            throw new CheckpointException(path, null, "format version " + meta.get("format_version") + " is not supported (this jgrad reads "
                    + FORMAT_VERSION + ")");
        }
        ResNet model;
        try {
            model = ResNet.fromStateDict(file.tensors());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, null, e.getMessage(), e);
        }
        model.eval();
        int n = model.config().numClasses();
        List<String> classes = new ArrayList<>();
        if (ours && meta.containsKey("classes")) {
            classes.addAll(Arrays.asList(meta.get("classes").split("\n", -1)));
        } else {
            for (int i = 0; i < n; i++) classes.add(Integer.toString(i));
        }
        Map<String, String> info = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("info.")) info.put(k.substring("info.".length()), v);
        });
        try {
            Normalize norm = ours && meta.containsKey(Normalize.MEAN_KEY) ? Normalize.fromMetadata(meta) : null;
            return new ImageClassifierCheckpoint(model, classes, norm, info);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, null, e.getMessage(), e);
        }
    }
}
