package dev.jgrad.models;

import dev.jgrad.nn.AdditiveAttention;
import dev.jgrad.nn.AttentionMask;
import dev.jgrad.nn.AttentionOutput;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.GlobalAttention;
import dev.jgrad.nn.LSTM;
import dev.jgrad.nn.LSTMCell;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.LuongAttention;
import dev.jgrad.nn.ModuleList;
import dev.jgrad.nn.RNNBase;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.jgrad.models.MetadataEntries.boolEntry;
import static dev.jgrad.models.MetadataEntries.doubleEntry;
import static dev.jgrad.models.MetadataEntries.intEntry;

/**
 * An LSTM encoder-decoder with attention for translation (Bahdanau et al. 2015; Luong et al. 2015), the Transformer's
 * predecessor and baseline, top to bottom:
 *
 * <pre>
 * src ids [B, S] -> embed -> dropout -> bidirectional LSTM (L layers, H/2 each way) -> outputs [B, S, H] (keys and values)
 *                                                                       final (h, c) of both directions -> bridge -> decoder's (h, c)
 * for t = 0 .. T-1:                                                     (the decoder runs one step at a time)
 *   x_t   = [embed(y_t) (dropout); a_{t-1}]                             input feeding: the last attentional vector, 0 at t = 0
 *   h_t   = LSTM cells (L layers, H; dropout between them)(x_t)
 *   c_t   = attention(h_t, encoder outputs)                             additive, dot or general; padding weighs 0
 *   a_t   = dropout(tanh(W_c [c_t; h_t]))                               Luong's attentional hidden state
 *   logits_t = generator(a_t)                                           Linear H -> V (tied to the target embedding if E == H)
 * </pre>
 *
 * The encoder reads each source only up to its length (padding never enters a state: the backward direction starts
 * at the last real token); the bridge maps the two directions' final states of each layer, concatenated, to the
 * decoder's initial state of that layer: h = tanh(W_h [h_fw; h_bw] + b), c = W_c' [c_fw; c_bw] + b'.
 *
 * <p>Input feeding makes each decoder step depend on the previous one, so the decoder cannot run as one fused
 * sequence: it steps {@link LSTMCell}s. What does not depend on the step is done once: the embeddings of all
 * target tokens, the attention's key projection ({@link GlobalAttention#prepareKeys}), and the output projection of
 * all steps as one GEMM.
 *
 * <p>Children: {@code src_embed}, {@code tgt_embed} (absent when shared), {@code encoder} (nn.LSTM, batch first,
 * bidirectional), {@code bridge_h}, {@code bridge_c}, {@code decoder} (one LSTMCell per layer: {@code decoder.0.weight_ih}
 * [4H, E + H]...), {@code attention}, {@code combine} (W_c, [H, 2H], no bias), {@code generator}. Parameters start as
 * PyTorch's defaults: embeddings N(0, 1) (the padding row zero), LSTMs U(-1/sqrt(H), 1/sqrt(H)), Linear layers
 * kaiming-uniform. (The U(-0.1, 0.1) of Luong et al. and OpenNMT gives inputs so small that small models barely learn.)
 */
@SuppressWarnings("this-escape")
public final class TranslationLSTM extends TranslationModel {

    /** The attention's score function. */
    public enum Attention {
        /** Bahdanau's v^T tanh(W_q h + W_k s_j). */
        ADDITIVE,
        /** Luong's h^T s_j. */
        DOT,
        /** Luong's h^T W s_j. */
        GENERAL;

        /**
         * "additive", "dot" or "general", as on the command line and in checkpoints.
         *
         * @return the lowercase name
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The attention named by {@link #label()}, with an error listing the choices.
         *
         * @param label "additive", "dot" or "general" (lowercase)
         * @param where what is being read, to start the error message with (a checkpoint's entry, an option)
         * @return the attention
         * @throws IllegalArgumentException if the label is none of those
         */
        public static Attention parse(String label, String where) {
            for (Attention a : values()) if (a.label().equals(label)) return a;
            throw new IllegalArgumentException(where + ": unknown attention '" + label + "', expected additive, dot or general");
        }
    }

    /**
     * The model's shape; {@link #toMetadata()} and {@link #fromMetadata} carry it in a checkpoint.
     *
     * @param vocabSize       V, the joint source and target subword vocabulary, special tokens included
     * @param embeddingDim    E, the token embeddings
     * @param hiddenSize      H: the decoder's LSTMs, the encoder's outputs (H/2 per direction), the attentional vector
     * @param numLayers       LSTM layers of the encoder and of the decoder
     * @param attention       the attention's score function
     * @param dropout         the dropout probability on embeddings, between LSTM layers and on the attentional vector, in [0, 1)
     * @param maxLen          longest sequence, in tokens with BOS/EOS, taken and generated
     * @param shareEmbeddings one embedding for source and target
     * @param tieEmbeddings   the output projection reuses the target embedding (needs E == H)
     */
    public record Config(int vocabSize, int embeddingDim, int hiddenSize, int numLayers, Attention attention, double dropout, int maxLen,
                         boolean shareEmbeddings, boolean tieEmbeddings) implements TranslationModel.Config {
        /** The metadata's "model" entry for this architecture. */
        public static final String MODEL = "TranslationLSTM";

        /**
         * Checks the shape.
         *
         * @throws IllegalArgumentException if the vocabulary has no room beyond the special tokens, a size is too
         *                                  small, the hidden size is odd, the attention is null, dropout is not in
         *                                  [0, 1), or tied embeddings have E != H
         */
        public Config {
            if (vocabSize <= SubwordVocabulary.NUM_SPECIALS) {
                throw new IllegalArgumentException("TranslationLSTM: vocabulary size " + vocabSize + " leaves no room after the "
                        + SubwordVocabulary.NUM_SPECIALS + " special tokens");
            }
            if (embeddingDim < 1 || hiddenSize < 2 || numLayers < 1 || maxLen < 2) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "TranslationLSTM: embedding size %d and layers %d must be positive, hidden size %d at least 2 and max length %d at least 2",
                        embeddingDim, numLayers, hiddenSize, maxLen));
            }
            if (hiddenSize % 2 != 0) {
                throw new IllegalArgumentException("TranslationLSTM: the hidden size " + hiddenSize + " must be even (the bidirectional encoder gives each direction half)");
            }
            if (attention == null) throw new IllegalArgumentException("TranslationLSTM: the attention must be additive, dot or general, got null");
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("TranslationLSTM: dropout must be in [0, 1), got " + dropout);
            if (tieEmbeddings && embeddingDim != hiddenSize) {
                throw new IllegalArgumentException("TranslationLSTM: tying the output projection to the target embedding needs the embedding size "
                        + embeddingDim + " to equal the hidden size " + hiddenSize);
            }
        }

        /** String entries for a checkpoint's metadata. */
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("model", MODEL);
            m.put("vocab_size", Integer.toString(vocabSize));
            m.put("embedding_dim", Integer.toString(embeddingDim));
            m.put("hidden_size", Integer.toString(hiddenSize));
            m.put("num_layers", Integer.toString(numLayers));
            m.put("attention", attention.label());
            m.put("dropout", Double.toString(dropout));
            m.put("max_len", Integer.toString(maxLen));
            m.put("share_embeddings", Boolean.toString(shareEmbeddings));
            m.put("tie_embeddings", Boolean.toString(tieEmbeddings));
            return m;
        }

        /**
         * Reads what {@link #toMetadata()} wrote; {@code source} names the checkpoint in messages.
         *
         * @param m      a checkpoint's metadata; other entries are ignored
         * @param source the checkpoint's path or name, for error messages
         * @return the config it records
         * @throws IllegalArgumentException if {@code model} is not {@value #MODEL}, an entry is missing or malformed, or
         *                                  the shape is not valid
         */
        public static Config fromMetadata(Map<String, String> m, String source) {
            String model = m.get("model");
            if (!MODEL.equals(model)) {
                throw new IllegalArgumentException(source + ": not an LSTM translation model checkpoint (its metadata says model="
                        + (model == null ? "<none>" : model) + ")");
            }
            String attention = m.get("attention");
            if (attention == null) throw new IllegalArgumentException(source + ": metadata entry 'attention' is missing (additive, dot or general)");
            return new Config(intEntry(m, "vocab_size", source), intEntry(m, "embedding_dim", source), intEntry(m, "hidden_size", source),
                    intEntry(m, "num_layers", source), Attention.parse(attention, source + ": metadata entry 'attention'"), doubleEntry(m, "dropout", source),
                    intEntry(m, "max_len", source), boolEntry(m, "share_embeddings", source), boolEntry(m, "tie_embeddings", source));
        }

        /**
         * The weights a TranslationLSTM of this shape has (its {@code numParameters()}, tied ones once), counted without building it.
         *
         * @return the number of weights
         */
        public long numParameters() {
            long embeddings = ParameterCount.embedding(vocabSize, embeddingDim);
            long decoder = 0;
            for (int l = 0; l < numLayers && decoder < Long.MAX_VALUE; l++) {
                decoder = HeapBudget.plus(decoder, ParameterCount.cell(4, l == 0 ? (long) embeddingDim + hiddenSize : hiddenSize, hiddenSize, true));
            }
            long attentionWeights = switch (attention) {
                case ADDITIVE -> ParameterCount.sum(ParameterCount.linear(hiddenSize, hiddenSize, false), ParameterCount.linear(hiddenSize, hiddenSize, true),
                        ParameterCount.linear(hiddenSize, 1, false));
                case DOT -> 0;
                case GENERAL -> ParameterCount.linear(hiddenSize, hiddenSize, false);
            };
            return ParameterCount.sum(shareEmbeddings ? embeddings : HeapBudget.times(2, embeddings),
                    ParameterCount.recurrent(4, LSTM.options(embeddingDim, hiddenSize / 2).numLayers(numLayers).bidirectional().build()),
                    HeapBudget.times(2, ParameterCount.linear(hiddenSize, hiddenSize, true)), decoder, attentionWeights,
                    ParameterCount.linear(2L * hiddenSize, hiddenSize, false), tieEmbeddings ? vocabSize : ParameterCount.linear(hiddenSize, vocabSize, true));
        }

        @Override
        public String summary() {
            return String.format(Locale.ROOT, "LSTM %d layers, hidden %d (bidirectional encoder), embeddings %d, %s attention, input feeding, dropout %s, %s embeddings, vocabulary %d",
                    numLayers, hiddenSize, embeddingDim, attention.label(), dropout, (shareEmbeddings ? "shared" : "separate") + (tieEmbeddings ? "+tied" : ""),
                    vocabSize);
        }
    }

    private final Config config;
    private final Embedding srcEmbed, tgtEmbed;
    private final LSTM encoder;
    private final Linear bridgeH, bridgeC, combine, generator;
    private final ModuleList<LSTMCell> decoder;
    private final GlobalAttention attention;
    private final Dropout dropout;

    /**
     * A model of shape {@code config}, initialised as PyTorch's defaults (see the class comment).
     *
     * @param config the model's sizes, attention and embedding sharing
     * @param gen    the random generator of the initial weights
     * @throws dev.jgrad.tensor.InsufficientHeapException before allocating, if its weights cannot fit in the heap
     */
    public TranslationLSTM(Config config, Generator gen) {
        // Beside the weights: the output layer's own weight until it is tied.
        long untied = config.tieEmbeddings() ? HeapBudget.times(config.hiddenSize(), config.vocabSize()) : 0;
        ParameterCount.requireHeap(config.numParameters(), untied, () -> "TranslationLSTM(" + config.summary() + ")");
        this.config = config;
        int V = config.vocabSize(), E = config.embeddingDim(), H = config.hiddenSize(), L = config.numLayers();
        srcEmbed = registerModule("src_embed", new Embedding(V, E, SubwordVocabulary.PAD_ID, gen));
        tgtEmbed = config.shareEmbeddings() ? srcEmbed : registerModule("tgt_embed", new Embedding(V, E, SubwordVocabulary.PAD_ID, gen));
        encoder = registerModule("encoder", new LSTM(LSTM.options(E, H / 2).numLayers(L).bidirectional().batchFirst()
                .dropout(config.dropout()).build(), gen));
        bridgeH = registerModule("bridge_h", new Linear(H, H, true, gen));
        bridgeC = registerModule("bridge_c", new Linear(H, H, true, gen));
        decoder = registerModule("decoder", new ModuleList<>());
        for (int l = 0; l < L; l++) decoder.add(new LSTMCell(l == 0 ? E + H : H, H, true, gen));
        attention = registerModule("attention", switch (config.attention()) {
            case ADDITIVE -> new AdditiveAttention(H, H, H, gen);
            case DOT -> new LuongAttention(LuongAttention.Score.DOT, H, H, gen);
            case GENERAL -> new LuongAttention(LuongAttention.Score.GENERAL, H, H, gen);
        });
        combine = registerModule("combine", new Linear(2 * H, H, false, gen));
        generator = registerModule("generator", new Linear(H, V, true, gen));
        dropout = registerModule("dropout", new Dropout(config.dropout()));
        if (config.tieEmbeddings()) generator.registerParameter("weight", tgtEmbed.weight());
    }

    @Override
    public Config config() {
        return config;
    }

    /**
     * The decoder's state between steps, for training (with the graph) and decoding alike: per layer h and c [B, H],
     * the last attentional vector [B, H], and the encoder's outputs with their prepared keys and padding mask.
     */
    private static final class State implements DecodingState {
        final Tensor[] h, c;
        Tensor feed, values, keys;
        /** The padding as the additive mask every step uses (0 or -inf), made once per batch rather than per step. */
        AttentionMask padding;
        int[] srcLen;

        State(int layers) {
            h = new Tensor[layers];
            c = new Tensor[layers];
        }

        @Override
        public int batchSize() {
            return srcLen.length;
        }

        @Override
        public void reorder(int[] rows) {
            IntTensor idx = rowIndex(rows, srcLen.length, "TranslationLSTM");
            for (int l = 0; l < h.length; l++) {
                h[l] = h[l].indexSelect(0, idx);
                c[l] = c[l].indexSelect(0, idx);
            }
            feed = feed.indexSelect(0, idx);
            values = values.indexSelect(0, idx);
            keys = keys == values ? values : keys.indexSelect(0, idx);
            padding = AttentionMask.additive(padding.tensor().indexSelect(0, idx));
            int[] len = new int[rows.length];
            for (int r = 0; r < rows.length; r++) len[r] = srcLen[rows[r]];
            srcLen = len;
        }
    }

    /** Runs the encoder and the bridge: the state before the first target token. */
    private State encode(IntTensor src) {
        checkIds("source", src);
        int B = src.size(0), S = src.size(1), H = config.hiddenSize(), L = config.numLayers();
        int[] lengths = sourceLengths(src);
        RecurrentOutput enc = encoder.forward(dropout.forward(srcEmbed.forward(src)), lengths, null);
        State s = new State(L);
        s.srcLen = lengths;
        s.values = enc.output(); // [B, S, H], zero at padding
        s.keys = attention.prepareKeys(s.values);
        s.padding = AttentionMask.additive(AttentionMask.keyPadding(lengths, S).toAdditive());
        // [L * 2, B, H/2] in the order (layer 0 forward, layer 0 backward, layer 1 forward...) to [L, B, H]
        Tensor h0 = bridgeH.forward(bothDirections(enc.state().h(), L, B, H)).tanh();
        Tensor c0 = bridgeC.forward(bothDirections(enc.state().c(), L, B, H));
        for (int l = 0; l < L; l++) {
            s.h[l] = h0.select(0, l);
            s.c[l] = c0.select(0, l);
        }
        s.feed = Tensor.zeros(B, H);
        return s;
    }

    private static Tensor bothDirections(Tensor finalStates, int L, int B, int H) {
        return finalStates.reshape(L, 2, B, H / 2).permute(0, 2, 1, 3).reshape(L, B, H);
    }

    /** One decoder step for target embeddings emb [B, E]: the attentional vector (after dropout) and the attention weights. */
    private AttentionOutput step(State s, Tensor emb) {
        Tensor x = Tensor.cat(List.of(emb, s.feed), 1);
        int L = config.numLayers();
        for (int l = 0; l < L; l++) {
            RecurrentState r = decoder.get(l).forward(x, new RecurrentState(s.h[l], s.c[l]));
            s.h[l] = r.h();
            s.c[l] = r.c();
            x = l < L - 1 ? dropout.forward(r.h()) : r.h();
        }
        AttentionOutput a = attention.attend(x, s.keys, s.values, s.padding);
        Tensor out = dropout.forward(combine.forward(Tensor.cat(List.of(a.output(), x), 1)).tanh());
        s.feed = out;
        return new AttentionOutput(out, a.weights());
    }

    /** The attentional vectors [B, T, H] of teacher-forced decoding, and the attention weights [B, T, S] if asked for. */
    private Tensor[] decodeAll(IntTensor src, IntTensor tgtIn, boolean keepWeights) {
        checkIds("source", src);
        checkIds("target", tgtIn);
        if (src.size(0) != tgtIn.size(0)) {
            throw new IllegalArgumentException("TranslationLSTM: source batch " + Shape.str(src.shape()) + " and target batch "
                    + Shape.str(tgtIn.shape()) + " have different numbers of sentences");
        }
        State s = encode(src);
        Tensor emb = dropout.forward(tgtEmbed.forward(tgtIn)); // [B, T, E], all steps at once
        int T = tgtIn.size(1);
        List<Tensor> outs = new ArrayList<>(T), weights = keepWeights ? new ArrayList<>(T) : null;
        for (int t = 0; t < T; t++) {
            AttentionOutput o = step(s, emb.select(1, t));
            outs.add(o.output());
            if (keepWeights) weights.add(o.weights());
        }
        return new Tensor[] {Tensor.stack(outs, 1), keepWeights ? Tensor.stack(weights, 1) : null};
    }

    @Override
    public Tensor forward(IntTensor src, IntTensor tgtIn) {
        return generator.forward(decodeAll(src, tgtIn, false)[0]); // one GEMM for all B * T positions
    }

    @Override
    public Tensor crossAttention(IntTensor src, IntTensor tgtIn) {
        return decodeAll(src, tgtIn, true)[1];
    }

    @Override
    public DecodingState startDecoding(IntTensor src) {
        return encode(src);
    }

    @Override
    public Tensor decodeStep(int[] lastTokens, DecodingState state) {
        State s = ownState(State.class, state, "TranslationLSTM");
        if (lastTokens.length != s.batchSize()) {
            throw new IllegalArgumentException("TranslationLSTM: " + lastTokens.length + " tokens for a decoding batch of " + s.batchSize());
        }
        IntTensor ids = IntTensor.of(lastTokens.clone(), lastTokens.length, 1);
        checkIds("target", ids);
        return generator.forward(step(s, tgtEmbed.forward(ids).reshape(lastTokens.length, config.embeddingDim())).output());
    }

    /** Each source's length: its tokens up to the padding, which must come after them only. */
    private static int[] sourceLengths(IntTensor src) {
        int B = src.size(0), S = src.size(1);
        int[] ids = src.data(), len = new int[B];
        for (int b = 0; b < B; b++) {
            int n = 0;
            while (n < S && ids[b * S + n] != SubwordVocabulary.PAD_ID) n++;
            for (int j = n; j < S; j++) {
                if (ids[b * S + j] != SubwordVocabulary.PAD_ID) {
                    throw new IllegalArgumentException("TranslationLSTM: source sentence " + b + " has padding at position " + n
                            + " before a token at position " + j + "; padding must come after a sentence's tokens");
                }
            }
            if (n == 0) throw new IllegalArgumentException("TranslationLSTM: source sentence " + b + " is empty (all padding)");
            len[b] = n;
        }
        return len;
    }

    private void checkIds(String what, IntTensor ids) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("TranslationLSTM: expected " + what + " ids of shape [batch, seq], got " + Shape.str(ids.shape()));
        }
        if (ids.size(1) > config.maxLen()) {
            throw new IllegalArgumentException("TranslationLSTM: " + what + " of " + ids.size(1) + " tokens exceeds the model's maximum length "
                    + config.maxLen());
        }
        if (ids.size(1) == 0) throw new IllegalArgumentException("TranslationLSTM: " + what + " ids of shape " + Shape.str(ids.shape()) + " hold no positions");
        for (int id : ids.data()) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("TranslationLSTM: " + what + " token id " + id + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
    }
}
