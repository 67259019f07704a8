package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.Bpe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code jgrad average}: checkpoint averaging, the element-wise mean of the parameters of several checkpoints (the
 * paper averages its last 5 or 20). Every input must hold the same tensor names with the same shapes, else nothing is
 * written and the message names the file and tensor. Inputs that carry a tokenizer fingerprint must agree on it. The
 * output keeps the first input's metadata (so it loads like any model file) and is written atomically.
 */
@Command(name = "average",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Averages model checkpoints parameter by parameter (checkpoint averaging).",
                "Example: jgrad average runs/translate/epoch-006.safetensors ... runs/translate/epoch-010.safetensors --out avg.safetensors"})
final class AverageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", arity = "1..*", description = "Model .safetensors files (or run directories) to average.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The averaged model (.safetensors).")
    Path output;

    @Spec
    CommandSpec spec;

    /**
     * Metadata that gives the ids their meaning (vocabularies, tokenizer, classes, input normalisation): equal tensor
     * shapes are not enough, two char models of 65 characters may still have different ones.
     */
    static final List<String> MUST_AGREE = List.of("model", "format", "vocabulary", "classes", "tokenizer.lowercase", Bpe.METADATA_KEY,
            "src_lang", "tgt_lang", "normalize.mean", "normalize.std");

    @Override
    public Integer call() throws Exception {
        List<SafeTensors.File> files = new ArrayList<>();
        for (Path p : inputs) files.add(TrainingCheckpoint.loadModel(p));
        SafeTensors.File first = files.getFirst();
        Path firstPath = inputs.getFirst();
        for (int i = 1; i < files.size(); i++) {
            Map<String, Tensor> t = files.get(i).tensors();
            Path p = inputs.get(i);
            TreeSet<String> missing = new TreeSet<>(first.tensors().keySet()), extra = new TreeSet<>(t.keySet());
            missing.removeAll(t.keySet());
            extra.removeAll(first.tensors().keySet());
            if (!missing.isEmpty() || !extra.isEmpty()) {
                throw new IllegalArgumentException("cannot average " + p + " with " + firstPath + ": the tensor names differ"
                        + (missing.isEmpty() ? "" : "; missing from " + p + ": " + few(missing))
                        + (extra.isEmpty() ? "" : "; only in " + p + ": " + few(extra)) + " (checkpoints of the same model are needed)");
            }
            for (Map.Entry<String, Tensor> e : first.tensors().entrySet()) {
                int[] a = e.getValue().shape(), b = t.get(e.getKey()).shape();
                if (!Arrays.equals(a, b)) {
                    throw new IllegalArgumentException("cannot average " + p + " with " + firstPath + ": tensor '" + e.getKey() + "' has shape "
                            + Shape.str(b) + " there but " + Shape.str(a) + " in " + firstPath);
                }
            }
            String fa = first.metadata().get(Bpe.FINGERPRINT_KEY), fb = files.get(i).metadata().get(Bpe.FINGERPRINT_KEY);
            if (fa != null && fb != null && !fa.equals(fb)) {
                throw new IllegalArgumentException("cannot average " + p + " with " + firstPath + ": they were trained with different tokenizers "
                        + "(sha256 " + fb.substring(0, 16) + "... and " + fa.substring(0, 16) + "...)");
            }
            for (String key : MUST_AGREE) {
                String a = first.metadata().get(key), b = files.get(i).metadata().get(key);
                if (!Objects.equals(a, b)) {
                    throw new IllegalArgumentException("cannot average " + p + " with " + firstPath + ": their metadata '" + key + "' differs ("
                            + describe(b) + " and " + describe(a) + "), so the same ids mean different things in them");
                }
            }
        }
        // The mean in double, rounded once, so the result does not depend on the order of the inputs beyond that.
        Map<String, Tensor> mean = new LinkedHashMap<>();
        for (String k : first.tensors().keySet()) {
            Tensor t0 = first.tensors().get(k);
            double[] sum = new double[t0.numel()];
            for (SafeTensors.File f : files) {
                float[] v = f.tensors().get(k).contiguous().toArray();
                for (int j = 0; j < v.length; j++) sum[j] += v[j];
            }
            float[] out = new float[sum.length];
            for (int j = 0; j < out.length; j++) out[j] = (float) (sum[j] / files.size());
            mean.put(k, Tensor.of(out, t0.shape()));
        }
        Map<String, String> meta = new LinkedHashMap<>(first.metadata());
        meta.put("averaged_from", String.join(",", inputs.stream().map(p -> p.getFileName() == null ? p.toString() : p.getFileName().toString()).toList()));
        SafeTensors.save(output, mean, meta);
        spec.commandLine().getOut().printf("averaged %d checkpoints (%d tensors) into %s%n", files.size(), mean.size(), output);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A metadata value in a message: absent, or its length and start. */
    private static String describe(String value) {
        if (value == null) return "absent";
        String shown = value.length() <= 24 ? value : value.substring(0, 24) + "...";
        return value.length() + " characters, '" + shown.replace("\n", "\\n") + "'";
    }

    private static String few(TreeSet<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 5 ? String.join(", ", l) : String.join(", ", l.subList(0, 5)) + ", ... (" + l.size() + " in all)";
    }
}
