package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.CharVocabulary;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CharGPT;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.models.CheckpointFit;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.nn.Reduction;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.InsufficientHeapException;
import dev.jgrad.tensor.IntTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;

/**
 * A character-level language model with its vocabulary, ready to generate and score text: the LSTM ({@link CharLSTM})
 * and the Transformer ({@link CharGPT}) that {@code jgrad train charlm} trains, behind one type.
 * <pre>{@code
 * CharLanguageModel lm = CharLanguageModel.load(Path.of("runs/charlm"));
 * String more = lm.sample("ROMEO:", SampleOptions.defaults().withLength(200).withSeed(1));
 * double ppl = lm.perplexity("To be, or not to be");
 * }</pre>
 *
 * <p><b>Checkpoint.</b> {@link #load} takes a run directory (its current model, as {@link TrainingCheckpoint#loadModel}
 * finds it) or a model {@code .safetensors} file, and reads these metadata entries:
 * <table>
 * <caption>Metadata read by CharLanguageModel.load</caption>
 * <tr><th>key</th><th>holds</th></tr>
 * <tr><td>{@code model}</td><td>{@code CharLSTM} or {@code CharGPT}: which network</td></tr>
 * <tr><td>{@code vocabulary}</td><td>the model's characters as one string, character i having id i</td></tr>
 * <tr><td>{@code vocab_size}, {@code embed_dim}, {@code num_layers}, {@code dropout}</td><td>both networks' sizes</td></tr>
 * <tr><td>{@code hidden_size}</td><td>CharLSTM: the LSTM's width</td></tr>
 * <tr><td>{@code block_size}, {@code num_heads}, {@code feedforward_dim}</td><td>CharGPT: context length, heads, MLP width</td></tr>
 * </table>
 * The weights are the tensors under PyTorch's names ({@code emb.weight}, {@code lstm.weight_ih_l0}, ...). Other
 * entries ({@code step}) are kept in {@link #metadata()} but not needed.
 *
 * <p><b>Threads.</b> One instance may serve several threads at once, and each call gives what it gives alone, bit
 * for bit: the model stays in eval mode (nothing in it is written while predicting), each call has its own recurrent
 * state or key/value cache and its own random generator (from {@link SampleOptions#seed()}), and gradient recording
 * is switched off per thread ({@link GradMode} is thread-local). The kernels' worker pool serves one call at a time;
 * the others run on their own thread meanwhile, which changes the speed but never the arithmetic. Do not call
 * {@code train()} on {@link #model()} while others predict with it.
 */
public final class CharLanguageModel {

    /** The metadata key of the vocabulary: the model's characters in id order, as one string. */
    public static final String VOCABULARY_KEY = "vocabulary";

    /** What generating one character holds at most: its id (4 bytes) and its text (2 chars, 3 times over while the builder grows). */
    private static final long BYTES_PER_SAMPLED_CHARACTER = 16;

    /** Characters the LSTM scores per forward pass; its state carries over, so the window only bounds memory. */
    private static final int LSTM_WINDOW = 1024;
    /** Windows the Transformer scores per forward pass. */
    private static final int GPT_ROWS = 16;

    /** What differs between the two networks: how they generate (their own generate methods, which share a signature). */
    private interface Generation {
        int[] generate(int[] prompt, int length, CharLSTM.Sampling sampling, Generator gen);
    }

    private final Module model;
    private final String summary;
    private final Generation generation;
    /** The summed negative log-likelihood, in nats, of ids[1..] given what precedes each. */
    private final ToDoubleFunction<int[]> totalLoss;
    private final CharVocabulary vocabulary;
    private final Map<String, String> metadata;

    private CharLanguageModel(Module model, String summary, int vocabSize, Generation generation, ToDoubleFunction<int[]> totalLoss,
                              CharVocabulary vocabulary, Map<String, String> metadata, String source) {
        if (vocabulary.size() != vocabSize) {
            throw new IllegalArgumentException(source + ": the vocabulary has " + vocabulary.size() + " characters but the model's vocab_size is "
                    + vocabSize);
        }
        this.model = model;
        this.summary = summary;
        this.generation = generation;
        this.totalLoss = totalLoss;
        this.vocabulary = vocabulary;
        this.metadata = Map.copyOf(metadata);
        model.eval();
    }

    /**
     * The model of a {@code jgrad train charlm} run: a run directory or a model {@code .safetensors} file (see the
     * class comment for what it must hold), in eval mode.
     *
     * @param checkpoint a run directory of {@code jgrad train charlm} or one of its model {@code .safetensors} files
     * @return the model and its vocabulary, ready to sample and score
     * @throws java.nio.file.NoSuchFileException if there is nothing at {@code checkpoint}
     * @throws CheckpointException if it holds another kind of model, lacks the vocabulary, or its metadata and
     *                             weights do not fit together
     * @throws IOException         if reading the file fails
     */
    public static CharLanguageModel load(Path checkpoint) throws IOException {
        return load(checkpoint, LoadOptions.defaults());
    }

    /**
     * As {@link #load(Path)}, with {@code options} deciding what NaN or infinite weights do (by default: a warning).
     *
     * @param checkpoint  a run directory or model file of {@code jgrad train charlm}
     * @param options     what NaN or infinite weights do ({@link LoadOptions#defaults()}: a warning)
     * @return the model with its vocabulary, in eval mode
     * @throws java.nio.file.NoSuchFileException if there is nothing at {@code checkpoint}
     * @throws CheckpointException if it holds another kind of model, lacks the vocabulary, its metadata and weights do
     *                             not fit together, or it is refused for non-finite weights
     * @throws dev.jgrad.tensor.InsufficientHeapException if the model its metadata describes cannot fit in the heap
     */
    public static CharLanguageModel load(Path checkpoint, LoadOptions options) throws IOException {
        CheckpointKind kind = CheckpointKind.CHAR_LANGUAGE_MODEL;
        kind.requireExists(checkpoint);
        SafeTensors.File file = TrainingCheckpoint.loadModel(checkpoint, options);
        Map<String, String> meta = file.metadata();
        kind.require(meta, checkpoint, false);
        String chars = meta.get(VOCABULARY_KEY);
        if (chars == null) {
            throw new CheckpointException(checkpoint, null, "the metadata has no '" + VOCABULARY_KEY
                    + "' entry (the model's characters, which 'jgrad train charlm' stores there); expected " + kind.describe());
        }
        String source = checkpoint.toString();
        try {
            CharVocabulary vocab = CharVocabulary.fromChars(chars);
            if ("CharGPT".equals(meta.get("model"))) {
                CharGPT.Config config = CharGPT.Config.fromMetadata(meta, source);
                CheckpointFit.requireWeights(checkpoint, file, config.numParameters(), config.summary());
                CharGPT gpt = new CharGPT(config, new Generator(0));
                gpt.loadStateDict(file.tensors());
                return of(gpt, vocab, meta, source);
            }
            CharLSTM.Config config = CharLSTM.Config.fromMetadata(meta, source);
            CheckpointFit.requireWeights(checkpoint, file, config.numParameters(), config.summary());
            CharLSTM lstm = new CharLSTM(config, new Generator(0));
            lstm.loadStateDict(file.tensors());
            return of(lstm, vocab, meta, source);
        } catch (IllegalArgumentException e) {
            throw CheckpointKind.invalid(checkpoint, e);
        } catch (InsufficientHeapException e) {
            throw e.in(checkpoint.toString());
        }
    }

    /**
     * An LSTM in memory (freshly trained, say) with its vocabulary; the model is put in eval mode.
     *
     * @param model      the network; its {@code vocab_size} must be the vocabulary's size
     * @param vocabulary the characters the model was trained on, character i having id i
     * @return the language model; its {@link #metadata()} is the model's config plus the vocabulary
     * @throws IllegalArgumentException if the vocabulary's size is not the model's
     */
    public static CharLanguageModel of(CharLSTM model, CharVocabulary vocabulary) {
        return of(model, vocabulary, withVocabulary(model.config().toMetadata(), vocabulary), "CharLanguageModel");
    }

    /**
     * A Transformer in memory with its vocabulary; the model is put in eval mode.
     *
     * @param model      the network; its {@code vocab_size} must be the vocabulary's size
     * @param vocabulary the characters the model was trained on, character i having id i
     * @return the language model; its {@link #metadata()} is the model's config plus the vocabulary
     * @throws IllegalArgumentException if the vocabulary's size is not the model's
     */
    public static CharLanguageModel of(CharGPT model, CharVocabulary vocabulary) {
        return of(model, vocabulary, withVocabulary(model.config().toMetadata(), vocabulary), "CharLanguageModel");
    }

    private static CharLanguageModel of(CharLSTM lstm, CharVocabulary vocabulary, Map<String, String> metadata, String source) {
        return new CharLanguageModel(lstm, lstm.summary(), lstm.config().vocabSize(), lstm::generate, ids -> lstmLoss(lstm, ids), vocabulary,
                metadata, source);
    }

    /** The Transformer scores in windows of at least half a block of context ({@link CharGPT#meanLoss}). */
    private static CharLanguageModel of(CharGPT gpt, CharVocabulary vocabulary, Map<String, String> metadata, String source) {
        return new CharLanguageModel(gpt, gpt.summary(), gpt.config().vocabSize(), gpt::generate,
                ids -> gpt.meanLoss(ids, GPT_ROWS) * (ids.length - 1), vocabulary, metadata, source);
    }

    /** The LSTM's summed loss: its state is carried through the text, a window at a time. */
    private static double lstmLoss(CharLSTM lstm, int[] ids) {
        int vocab = lstm.config().vocabSize();
        double sum = 0;
        try (var ignored = GradMode.noGrad()) {
            RecurrentState state = null;
            for (int start = 0; start + 1 < ids.length; start += LSTM_WINDOW) {
                int len = Math.min(LSTM_WINDOW, ids.length - 1 - start);
                int[] inputs = Arrays.copyOfRange(ids, start, start + len), targets = Arrays.copyOfRange(ids, start + 1, start + 1 + len);
                RecurrentOutput r = lstm.forward(IntTensor.of(inputs, 1, len), state);
                sum += Functional.crossEntropy(r.output().reshape(len, vocab), IntTensor.of(targets, len), Reduction.SUM).item();
                state = r.state();
            }
        }
        return sum;
    }

    private static Map<String, String> withVocabulary(Map<String, String> config, CharVocabulary vocabulary) {
        Map<String, String> m = new LinkedHashMap<>(config);
        m.put(VOCABULARY_KEY, vocabulary.chars());
        return m;
    }

    /**
     * The characters the model reads and writes.
     *
     * @return the vocabulary, character i having id i
     */
    public CharVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The checkpoint's metadata (or, for {@link #of}, the model's config and vocabulary), unmodifiable.
     *
     * @return the metadata entries by key (see the class comment)
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The network: a {@link CharLSTM} or a {@link CharGPT}, in eval mode.
     *
     * @return the network, shared by every call: do not switch it to training mode while it serves
     */
    public Module model() {
        return model;
    }

    /**
     * One line for logs, as the model's own summary: "CharLSTM(vocab=65, emb=64, ...)".
     *
     * @return the network's kind and sizes
     */
    public String summary() {
        return summary;
    }

    /**
     * The ids of {@code text}'s characters.
     *
     * @param text any text made of characters of the vocabulary
     * @return one id per code point of {@code text}
     * @throws IllegalArgumentException naming the first character the vocabulary lacks and its position
     */
    public int[] encode(String text) {
        int[] cps = text.codePoints().toArray();
        int[] ids = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            try {
                ids[i] = vocabulary.id(cps[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (at position " + i + "); the model can only read characters it was trained on", e);
            }
        }
        return ids;
    }

    /**
     * Continues {@code prompt}: reads it (at least one character, all in the vocabulary), then draws
     * {@code options.length()} characters one at a time, each from the model's distribution sharpened by the
     * temperature and cut to the top k. Returns the new characters only, without the prompt. With a seed in the
     * options, the same call always gives the same text.
     *
     * @param prompt  the text to continue, at least one character, all in the vocabulary
     * @param options how many characters to draw, the temperature, top k and seed
     * @return the generated characters, {@code options.length()} of them, without the prompt
     * @throws IllegalArgumentException if the prompt is empty or has a character outside the vocabulary
     */
    public String sample(String prompt, SampleOptions options) {
        int[] ids = encode(prompt);
        if (ids.length == 0) throw new IllegalArgumentException("sample: the prompt must hold at least one character");
        // The ids, then the text: up to two chars per character, in a builder that grows by doubling, then copied.
        HeapBudget.require(HeapBudget.times(BYTES_PER_SAMPLED_CHARACTER, options.length()),
                () -> String.format(Locale.ROOT, "sampling %,d characters", options.length()));
        long seed = options.seed() != null ? options.seed() : ThreadLocalRandom.current().nextLong();
        return vocabulary.decode(generation.generate(ids, options.length(), options.sampling(), new Generator(seed)));
    }

    /**
     * The log-probability, in nats, that the model gives {@code text} after its first character: the sum over
     * characters 2..n of log p(character | the characters before it). The first character is context only.
     *
     * @param text at least 2 characters, all in the vocabulary
     * @return the summed log-probability, in nats (at most 0)
     * @throws IllegalArgumentException if the text is shorter than 2 characters or has one outside the vocabulary
     */
    public double logLikelihood(String text) {
        return -totalLoss.applyAsDouble(scored(text));
    }

    /**
     * exp of the mean negative log-likelihood per predicted character (characters 2..n of {@code text}): 1 for a
     * model that is sure and right, the vocabulary's size for a uniform guess.
     *
     * @param text at least 2 characters, all in the vocabulary
     * @return the perplexity, at least 1
     * @throws IllegalArgumentException if the text is shorter than 2 characters or has one outside the vocabulary
     */
    public double perplexity(String text) {
        int[] ids = scored(text);
        return Math.exp(totalLoss.applyAsDouble(ids) / (ids.length - 1));
    }

    private int[] scored(String text) {
        int[] ids = encode(text);
        if (ids.length < 2) throw new IllegalArgumentException("scoring a text needs at least 2 characters (one to read, one to predict), got " + ids.length);
        return ids;
    }
}
