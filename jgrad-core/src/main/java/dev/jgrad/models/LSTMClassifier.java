package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.SequenceBatch;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.LSTM;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RNNBase;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A many-to-one sequence classifier: word embeddings, dropout, an (optionally bidirectional, multi-layer)
 * LSTM reading only each sentence's real tokens, {@link Pooling} over time, dropout, and a linear layer to
 * class scores. With max pooling over a BiLSTM this is the classic strong baseline for sentence
 * classification trained from scratch (e.g. Conneau et al. 2017's BiLSTM-max encoder).
 *
 * <p>Parameter names follow what the same model in PyTorch would have: embedding.weight, lstm.weight_ih_l0,
 * ..., head.weight, head.bias.
 */
public final class LSTMClassifier extends Module {

    /**
     * Architecture; {@link #toMetadata()} / {@link #fromMetadata} store it beside the weights.
     *
     * @param vocabSize     words in the vocabulary, at least 2 (the embedding's rows; row 0 is padding)
     * @param embedDim      the width of each word's embedding
     * @param hiddenSize    the LSTM's hidden size per direction (torch.nn.LSTM's hidden_size)
     * @param numLayers     stacked LSTM layers
     * @param bidirectional whether the LSTM also reads each sentence backwards (features double)
     * @param pooling       how the per-token outputs become one sentence vector
     * @param dropout       the dropout probability on the embeddings, between LSTM layers and before the head, in [0, 1)
     * @param numClasses    classes to score, at least 2
     */
    public record Config(int vocabSize, int embedDim, int hiddenSize, int numLayers, boolean bidirectional,
                         Pooling pooling, double dropout, int numClasses) {
        /**
         * Checks the architecture.
         *
         * @throws IllegalArgumentException if a size is not positive, the vocabulary or the classes are fewer than 2,
         *                                  dropout is not in [0, 1), or pooling is null
         */
        public Config {
            if (vocabSize < 2 || embedDim < 1 || hiddenSize < 1 || numLayers < 1 || numClasses < 2) {
                throw new IllegalArgumentException("LSTMClassifier: vocabulary >= 2, positive embedding/hidden sizes and layers, "
                        + "and at least 2 classes are needed, got vocab=" + vocabSize + " embed=" + embedDim + " hidden=" + hiddenSize
                        + " layers=" + numLayers + " classes=" + numClasses);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LSTMClassifier: dropout must be in [0, 1), got " + dropout);
            if (pooling == null) throw new IllegalArgumentException("LSTMClassifier: pooling is null");
        }

        /**
         * The LSTM's directions.
         *
         * @return 2 if bidirectional, else 1
         */
        public int directions() {
            return bidirectional ? 2 : 1;
        }

        /**
         * Width of the pooled sentence vector (the head's input).
         *
         * @return {@code directions() * hiddenSize}
         */
        public int featureSize() {
            return directions() * hiddenSize;
        }

        /**
         * The weights an LSTMClassifier of this shape has (its {@code numParameters()}), counted without building it.
         *
         * @return the number of weights
         */
        public long numParameters() {
            return ParameterCount.sum(ParameterCount.embedding(vocabSize, embedDim),
                    ParameterCount.recurrent(4, LSTM.options(embedDim, hiddenSize).numLayers(numLayers).bidirectional(bidirectional).build()),
                    ParameterCount.linear((long) directions() * hiddenSize, numClasses, true));
        }

        /**
         * String entries for a checkpoint's metadata ({@link ClassifierCheckpoint} prefixes them with {@code config.}).
         *
         * @return {@code vocab_size}, {@code embed_dim}, {@code hidden_size}, {@code num_layers}, {@code bidirectional},
         *         {@code pooling}, {@code dropout} and {@code num_classes}, in that order
         */
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("vocab_size", Integer.toString(vocabSize));
            m.put("embed_dim", Integer.toString(embedDim));
            m.put("hidden_size", Integer.toString(hiddenSize));
            m.put("num_layers", Integer.toString(numLayers));
            m.put("bidirectional", Boolean.toString(bidirectional));
            m.put("pooling", pooling.id());
            m.put("dropout", Double.toString(dropout));
            m.put("num_classes", Integer.toString(numClasses));
            return m;
        }

        /**
         * Reads what {@link #toMetadata()} wrote.
         *
         * @param m the entries, without their {@code config.} prefix
         * @return the architecture they record
         * @throws IllegalArgumentException naming the key, if an entry is missing or not a number, or the architecture
         *                                  is not valid
         */
        public static Config fromMetadata(Map<String, String> m) {
            return new Config(intOf(m, "vocab_size"), intOf(m, "embed_dim"), intOf(m, "hidden_size"), intOf(m, "num_layers"),
                    Boolean.parseBoolean(need(m, "bidirectional")), Pooling.parse(need(m, "pooling")),
                    Double.parseDouble(need(m, "dropout")), intOf(m, "num_classes"));
        }

        private static String need(Map<String, String> m, String key) {
            String v = m.get(key);
            if (v == null) throw new IllegalArgumentException("LSTMClassifier config: '" + key + "' is missing");
            return v;
        }

        private static int intOf(Map<String, String> m, String key) {
            try {
                return Integer.parseInt(need(m, key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("LSTMClassifier config: '" + key + "' is not an integer: " + m.get(key));
            }
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final LSTM lstm;
    private final Dropout dropout;
    private final Linear head;

    /**
     * A classifier of shape {@code config}; the embedding's padding row (id 0) starts at zero.
     *
     * @param config the architecture
     * @param gen    the random generator of the initial weights and of the {@code dropout} child's masks
     * @throws dev.jgrad.tensor.InsufficientHeapException before allocating, if its weights cannot fit in the heap
     */
    public LSTMClassifier(Config config, Generator gen) {
        ParameterCount.requireHeap(config.numParameters(), 0, () -> "LSTMClassifier" + config);
        this.config = config;
        this.embedding = registerModule("embedding", new Embedding(config.vocabSize(), config.embedDim(), 0, gen));
        RNNBase.Options lstmOptions = LSTM.options(config.embedDim(), config.hiddenSize())
                .numLayers(config.numLayers())
                .bidirectional(config.bidirectional())
                .dropout(config.numLayers() > 1 ? config.dropout() : 0).build();
        this.lstm = registerModule("lstm", new LSTM(lstmOptions, gen));
        this.dropout = registerModule("dropout", new Dropout(config.dropout(), gen));
        this.head = registerModule("head", new Linear(config.featureSize(), config.numClasses(), true, gen));
    }

    /**
     * The architecture.
     *
     * @return the config it was built with
     */
    public Config config() {
        return config;
    }

    /**
     * Class scores of a padded batch of sentences; the LSTM reads only each row's first {@code lengths[b]} tokens.
     *
     * @param ids     [B, T] token ids, padded past each row's length (with any id; 0 by convention)
     * @param lengths real length of each row, in [1, T]
     * @return class logits [B, numClasses]
     * @throws IllegalArgumentException if {@code ids} is not 2-d, there is not one length per row, or a length is
     *                                  outside [1, T]
     */
    public Tensor forward(IntTensor ids, int[] lengths) {
        if (ids.dim() != 2 || lengths.length != ids.size(0)) {
            throw new IllegalArgumentException("LSTMClassifier: expected ids [batch, time] and one length per row, got ids "
                    + Shape.str(ids.shape()) + " and " + lengths.length + " lengths");
        }
        int B = ids.size(0), T = ids.size(1);
        for (int b = 0; b < B; b++) {
            if (lengths[b] < 1 || lengths[b] > T) {
                throw new IllegalArgumentException("LSTMClassifier: length " + lengths[b] + " of row " + b + " is not in [1, " + T + "]");
            }
        }
        // the LSTM runs time-first; transposing the int ids is cheaper than transposing the embedded floats
        int[] src = ids.data(), timeFirst = new int[B * T];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) timeFirst[t * B + b] = src[b * T + t];
        Tensor x = dropout.forward(embedding.forward(IntTensor.of(timeFirst, T, B)));   // [T, B, E]
        RecurrentOutput encoded = lstm.forward(x, lengths, null);                        // [T, B, D*H]
        Tensor pooled = config.pooling().apply(encoded, lengths, config.directions());   // [B, D*H]
        return head.forward(dropout.forward(pooled));
    }

    /**
     * The predicted class of every example the batcher holds, in its order, evaluated in length-sorted batches
     * (so little padding) in evaluation mode and without a graph; the mode is restored after.
     *
     * @param data      the examples (their labels are not used)
     * @param batchSize sentences per forward pass
     * @return the argmax class of each example, in the batcher's order
     */
    public int[] predict(SequenceBatcher data, int batchSize) {
        int[] out = new int[data.size()];
        boolean wasTraining = isTraining();
        eval();
        try (var ignored = GradMode.noGrad()) {
            for (SequenceBatch b : data.sequential(batchSize, true)) {
                int[] pred = Accuracy.argmax(forward(b.ids(), b.lengths()));
                for (int i = 0; i < pred.length; i++) out[b.indices()[i]] = pred[i];
            }
        } finally {
            train(wasTraining);
        }
        return out;
    }

    /**
     * Class probabilities [B, numClasses], in evaluation mode and without a graph; the mode is restored after.
     *
     * @param ids     [B, T] token ids, padded past each row's length
     * @param lengths real length of each row, in [1, T]
     * @return the softmax of {@link #forward}'s logits, of shape [B, numClasses], each row summing to 1
     */
    public Tensor predictProba(IntTensor ids, int[] lengths) {
        boolean wasTraining = isTraining();
        eval();
        try (var ignored = GradMode.noGrad()) {
            return forward(ids, lengths).softmax(1);
        } finally {
            train(wasTraining);
        }
    }
}
