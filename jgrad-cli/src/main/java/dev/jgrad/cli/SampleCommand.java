package dev.jgrad.cli;

import dev.jgrad.data.CharVocabulary;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CharGPT;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.nn.Module;
import dev.jgrad.tensor.Generator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code jgrad sample}: generates text from a character language model checkpoint (one written by
 * {@code jgrad train charlm}): the prompt warms up the LSTM state, then each next character is drawn from
 * the model's distribution, sharpened by the temperature and cut to the top k. A Transformer checkpoint
 * (metadata model=CharGPT) samples the same way, with its key/value caches.
 */
@Command(name = "sample",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Generates text from a character-level language model checkpoint (from 'jgrad train charlm').",
                "Prints the prompt followed by the generated characters."})
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", defaultValue = "runs/charlm", paramLabel = "DIR_OR_FILE",
            description = "Checkpoint directory, or a model .safetensors file (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Option(names = "--prompt", defaultValue = "\n", paramLabel = "TEXT",
            description = "Text to continue; every character must be in the model's vocabulary (default: a newline).")
    String prompt;

    @Option(names = "--temperature", defaultValue = "0.8",
            description = "Below 1 sharper, above 1 more random; 0 always takes the most likely character (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Draw only among the K most likely characters; 0: all, 1: greedy (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--length", defaultValue = "500", paramLabel = "N", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed, for a repeatable sample (default: a new one each run).")
    Long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (length < 0) throw new IllegalArgumentException("--length must be >= 0, got " + length);
        CharLSTM.Sampling sampling;
        try {
            sampling = new CharLSTM.Sampling(temperature, topK);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--temperature/--top-k: " + e.getMessage());
        }
        if (prompt.isEmpty()) throw new IllegalArgumentException("--prompt must hold at least one character (the default is a newline)");
        Loaded loaded = load(checkpoint);
        int[] ids = encodePrompt(loaded.vocabulary(), prompt);
        Generator gen = new Generator(seed != null ? seed : System.nanoTime());
        String generated = loaded.vocabulary().decode(loaded.generate(ids, length, sampling, gen));
        PrintWriter out = spec.commandLine().getOut();
        out.println(prompt + generated);
        out.flush();
        return 0;
    }

    /** A CharLSTM or CharGPT (as the metadata's "model" says) with its vocabulary, rebuilt from a checkpoint's metadata and weights. */
    record Loaded(Module model, CharVocabulary vocabulary) {
        int[] generate(int[] prompt, int length, CharLSTM.Sampling sampling, Generator gen) {
            return model instanceof CharGPT gpt ? gpt.generate(prompt, length, sampling, gen) : ((CharLSTM) model).generate(prompt, length, sampling, gen);
        }
    }

    static Loaded load(Path checkpoint) throws java.io.IOException {
        SafeTensors.File file = TrainingCheckpoint.loadModel(checkpoint);
        String source = checkpoint.toString();
        boolean gpt = "CharGPT".equals(file.metadata().get("model"));
        CharGPT.Config gptConfig = gpt ? CharGPT.Config.fromMetadata(file.metadata(), source) : null;
        CharLSTM.Config config = gpt ? null : CharLSTM.Config.fromMetadata(file.metadata(), source);
        int vocabSize = gpt ? gptConfig.vocabSize() : config.vocabSize();
        String chars = file.metadata().get("vocabulary");
        if (chars == null) throw new IllegalArgumentException(source + ": the checkpoint's metadata has no vocabulary");
        CharVocabulary vocab = CharVocabulary.fromChars(chars);
        if (vocab.size() != vocabSize) {
            throw new IllegalArgumentException(source + ": the vocabulary has " + vocab.size() + " characters but the model's vocab_size is " + vocabSize);
        }
        Module model = gpt ? new CharGPT(gptConfig, new Generator(0)) : new CharLSTM(config, new Generator(0));
        try {
            model.loadStateDict(file.tensors());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        return new Loaded(model, vocab);
    }

    /** The prompt as ids; a character outside the vocabulary is named, with its position. */
    static int[] encodePrompt(CharVocabulary vocab, String prompt) {
        int[] cps = prompt.codePoints().toArray();
        int[] ids = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            try {
                ids[i] = vocab.id(cps[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--prompt: " + e.getMessage() + " (at position " + i + " of the prompt); the model can only read "
                        + "characters it was trained on");
            }
        }
        return ids;
    }
}
