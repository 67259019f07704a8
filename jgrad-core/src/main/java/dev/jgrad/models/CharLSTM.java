package dev.jgrad.models;

import static dev.jgrad.models.MetadataEntries.doubleEntry;
import static dev.jgrad.models.MetadataEntries.intEntry;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LSTM;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RNNBase;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A character-level language model in the manner of Karpathy's char-rnn: each character's embedding goes
 * through a stack of LSTM layers, and a linear layer turns the top layer's output into scores for the next
 * character. Embedding(vocab, emb) -> LSTM(emb, hidden, layers, batch-first) -> Linear(hidden, vocab).
 *
 * <p>The children are named {@code emb}, {@code lstm} and {@code out} as in the PyTorch peer's CharLSTM
 * (../shared/peers/torch_bench.py), so {@link #stateDict()} has PyTorch's keys: emb.weight,
 * lstm.weight_ih_l0, ..., out.weight, out.bias, and a checkpoint loads into either.
 *
 * <p>Dropout, when configured, acts between the LSTM layers (inside {@link LSTM}) and on the top layer's
 * output before the linear layer. Both draw their masks from the default generator, so a trainer that
 * saves and restores {@code Generator.defaultGenerator().state()} resumes with the same masks.
 */
public final class CharLSTM extends Module {

    /**
     * The model's shape; {@link #toMetadata()} and {@link #fromMetadata} carry it in a checkpoint.
     *
     * @param vocabSize  characters in the vocabulary, at least 2 (the embedding's rows and the logits' width)
     * @param embedDim   the width of each character's embedding, the LSTM's input size
     * @param hiddenSize the LSTM's hidden size (torch.nn.LSTM's hidden_size)
     * @param numLayers  stacked LSTM layers
     * @param dropout    the dropout probability between LSTM layers and before the output layer, in [0, 1)
     */
    public record Config(int vocabSize, int embedDim, int hiddenSize, int numLayers, double dropout) {
        /**
         * Checks the shape.
         *
         * @throws IllegalArgumentException if a size is not positive, the vocabulary has fewer than 2 characters, or
         *                                  dropout is not in [0, 1)
         */
        public Config {
            if (vocabSize < 2) throw new IllegalArgumentException("CharLSTM: the vocabulary needs at least 2 characters, got " + vocabSize);
            if (embedDim < 1 || hiddenSize < 1 || numLayers < 1) {
                throw new IllegalArgumentException("CharLSTM: embedding size, hidden size and number of layers must be positive, got "
                        + embedDim + ", " + hiddenSize + ", " + numLayers);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("CharLSTM: dropout must be in [0, 1), got " + dropout);
        }

        /**
         * The weights a CharLSTM of this shape has (its {@code numParameters()}), counted without building it.
         *
         * @return the number of weights
         */
        public long numParameters() {
            return ParameterCount.sum(ParameterCount.embedding(vocabSize, embedDim),
                    ParameterCount.recurrent(4, LSTM.options(embedDim, hiddenSize).numLayers(numLayers).build()),
                    ParameterCount.linear(hiddenSize, vocabSize, true));
        }

        /**
         * One line for logs: "CharLSTM(vocab=65, emb=64, hidden=256, layers=2, dropout=0.0)".
         *
         * @return the model's kind and sizes
         */
        public String summary() {
            return String.format(Locale.ROOT, "CharLSTM(vocab=%d, emb=%d, hidden=%d, layers=%d, dropout=%s)", vocabSize, embedDim, hiddenSize,
                    numLayers, dropout);
        }

        /**
         * String entries for a checkpoint's metadata (safetensors metadata holds strings only).
         *
         * @return {@code model=CharLSTM}, {@code vocab_size}, {@code embed_dim}, {@code hidden_size}, {@code num_layers}
         *         and {@code dropout}, in that order
         */
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("model", "CharLSTM");
            m.put("vocab_size", Integer.toString(vocabSize));
            m.put("embed_dim", Integer.toString(embedDim));
            m.put("hidden_size", Integer.toString(hiddenSize));
            m.put("num_layers", Integer.toString(numLayers));
            m.put("dropout", Double.toString(dropout));
            return m;
        }

        /**
         * Reads what {@link #toMetadata()} wrote; {@code source} names the checkpoint in messages.
         *
         * @param m      a checkpoint's metadata; other entries are ignored
         * @param source the checkpoint's path or name, for error messages
         * @return the config it records
         * @throws IllegalArgumentException if {@code model} is not {@code CharLSTM}, an entry is missing or not a number,
         *                                  or the sizes are not valid
         */
        public static Config fromMetadata(Map<String, String> m, String source) {
            String model = m.get("model");
            if (!"CharLSTM".equals(model)) {
                throw new IllegalArgumentException(source + ": not a CharLSTM checkpoint (its metadata says model="
                        + (model == null ? "<none>" : model) + ")");
            }
            return new Config(intEntry(m, "vocab_size", source), intEntry(m, "embed_dim", source), intEntry(m, "hidden_size", source),
                    intEntry(m, "num_layers", source), doubleEntry(m, "dropout", source));
        }


    }

    private final Config config;
    private final Embedding emb;
    private final LSTM lstm;
    private final Linear out;

    /**
     * A model of shape {@code config}, initialised as PyTorch initialises its layers.
     *
     * @param config the model's sizes
     * @param gen    the random generator of the initial weights (the same seed gives the same model)
     * @throws dev.jgrad.tensor.InsufficientHeapException before allocating, if its weights cannot fit in the heap
     */
    public CharLSTM(Config config, Generator gen) {
        ParameterCount.requireHeap(config.numParameters(), 0, config::summary);
        this.config = config;
        this.emb = registerModule("emb", new Embedding(config.vocabSize(), config.embedDim(), gen));
        // torch.nn.LSTM warns that dropout with one layer does nothing; here it is simply not applied there.
        RNNBase.Options lstmOptions = LSTM.options(config.embedDim(), config.hiddenSize())
                .numLayers(config.numLayers()).batchFirst()
                .dropout(config.numLayers() > 1 ? config.dropout() : 0).build();
        this.lstm = registerModule("lstm", new LSTM(lstmOptions, gen));
        this.out = registerModule("out", new Linear(config.hiddenSize(), config.vocabSize(), true, gen));
    }

    /**
     * The model's shape.
     *
     * @return the config it was built with
     */
    public Config config() {
        return config;
    }

    /**
     * ids [batch, seq] -> next-character logits [batch, seq, vocab], and the LSTM's final state to pass to
     * the next call (detached, for truncated backprop through time). {@code state} null starts from zeros.
     *
     * @param ids   character ids of shape [batch, seq], each in {@code [0, vocabSize)}
     * @param state the (h, c) state to start from, each [numLayers, batch, hiddenSize]; null for zeros
     * @return logits of shape [batch, seq, vocabSize] and the final state
     * @throws IllegalArgumentException if {@code ids} is not 2-d
     */
    public RecurrentOutput forward(IntTensor ids, RecurrentState state) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("CharLSTM: expected character ids of shape [batch, seq], got " + Shape.str(ids.shape()));
        }
        RecurrentOutput r = lstm.forward(emb.forward(ids), state);
        Tensor h = config.dropout() > 0 ? Functional.dropout(r.output(), config.dropout(), isTraining()) : r.output();
        return new RecurrentOutput(out.forward(h), r.state());
    }

    /**
     * A zero state for {@code batch} sequences: h and c of shape [layers, batch, hidden].
     *
     * @param batch sequences in the batch
     * @return a state of zeros, the same as passing null to {@link #forward}
     */
    public RecurrentState zeroState(int batch) {
        int[] shape = {config.numLayers(), batch, config.hiddenSize()};
        return new RecurrentState(Tensor.zeros(shape), Tensor.zeros(shape));
    }

    /**
     * How {@link #generate} picks each next character.
     *
     * @param temperature the logits' divisor, finite and {@code >= 0}: below 1 sharper, above 1 more random, 0 greedy
     * @param topK        draw only among the k most likely characters, {@code >= 0}; 0 means all, 1 is greedy
     */
    public record Sampling(double temperature, int topK) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if the temperature is negative or not finite, or top k is negative
         */
        public Sampling {
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be a finite number >= 0 (0 = always the most likely character), got " + temperature);
            }
            if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = no limit), got " + topK);
        }

        /**
         * Always the most likely character.
         *
         * @return temperature 0, top k 1
         */
        public static Sampling greedy() {
            return new Sampling(0, 1);
        }

        boolean isGreedy() {
            return temperature == 0 || topK == 1;
        }
    }

    /**
     * Reads {@code prompt} (character ids, at least one) to warm up the state, then draws {@code length}
     * characters one at a time, each fed back as the next input. Returns only the new characters.
     *
     * @param prompt   character ids to read first, at least one, each in {@code [0, vocabSize)}
     * @param length   characters to generate, {@code >= 0}
     * @param sampling the temperature and top k of each draw
     * @param gen      the random generator of the draws (the same state gives the same text)
     * @return the {@code length} generated ids, without the prompt
     * @throws IllegalArgumentException if the prompt is empty or holds an id outside the vocabulary, or length is negative
     */
    public int[] generate(int[] prompt, int length, Sampling sampling, Generator gen) {
        if (prompt.length == 0) throw new IllegalArgumentException("CharLSTM.generate: the prompt must hold at least one character");
        if (length < 0) throw new IllegalArgumentException("CharLSTM.generate: length must be >= 0, got " + length);
        HeapBudget.require(4L * length, () -> "CharLSTM.generate: " + length + " character ids");
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("CharLSTM.generate: prompt id " + prompt[i] + " at position " + i
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
        // Only a model in training mode is switched (and back): an eval-mode model is not written to, so
        // several threads may use it at once.
        boolean wasTraining = isTraining();
        if (wasTraining) eval();
        int[] result = new int[length];
        try (var ignored = GradMode.noGrad()) {
            RecurrentOutput r = forward(IntTensor.of(prompt.clone(), 1, prompt.length), null);
            for (int t = 0; t < length; t++) {
                float[] logits = r.output().select(1, r.output().size(1) - 1).reshape(config.vocabSize()).toArray();
                int next = sample(logits, sampling, gen);
                result[t] = next;
                if (t + 1 < length) r = forward(IntTensor.of(new int[] {next}, 1, 1), r.state());
            }
        } finally {
            if (wasTraining) train();
        }
        return result;
    }

    /**
     * One draw from softmax(logits / temperature) restricted to the {@code topK} largest logits (ties broken
     * towards the lower id, so top-k 1 is exactly argmax). Uses one {@code gen.nextDouble()} per draw unless
     * greedy, so a seed fixes the whole sample.
     *
     * @param logits   one score per character
     * @param sampling the temperature and top k
     * @param gen      the random generator, advanced by one double unless greedy
     * @return the drawn character's index into {@code logits}
     */
    public static int sample(float[] logits, Sampling sampling, Generator gen) {
        int n = logits.length;
        if (sampling.isGreedy()) return argmax(logits);
        int k = sampling.topK() == 0 ? n : Math.min(sampling.topK(), n);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // Stable sort by descending logit: equal logits keep id order.
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        double max = logits[order[0]];
        double[] weights = new double[k];
        double total = 0;
        for (int j = 0; j < k; j++) {
            weights[j] = Math.exp((logits[order[j]] - max) / sampling.temperature());
            total += weights[j];
        }
        double u = gen.nextDouble() * total, acc = 0;
        for (int j = 0; j < k; j++) {
            acc += weights[j];
            if (u < acc) return order[j];
        }
        return order[k - 1];
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /**
     * One line for logs: "CharLSTM(vocab=65, emb=64, hidden=512, layers=2, dropout=0.0)".
     *
     * @return the model's kind and sizes
     */
    public String summary() {
        return config.summary();
    }
}
