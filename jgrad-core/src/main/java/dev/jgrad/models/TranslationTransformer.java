package dev.jgrad.models;

import dev.jgrad.nn.AttentionArgs;
import dev.jgrad.nn.AttentionMask;
import dev.jgrad.nn.DecoderCache;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.PositionalEncoding;
import dev.jgrad.nn.Transformer;
import dev.jgrad.nn.TransformerLayerOptions;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static dev.jgrad.models.MetadataEntries.boolEntry;
import static dev.jgrad.models.MetadataEntries.doubleEntry;
import static dev.jgrad.models.MetadataEntries.intEntry;

/**
 * The encoder-decoder Transformer of "Attention Is All You Need" for translation, in one file, top to bottom:
 *
 * <pre>
 * src ids [B, S] -> src_embed * sqrt(d) + sinusoid -> dropout -> encoder ------------------> memory [B, S, d]
 * tgt ids [B, T] -> tgt_embed * sqrt(d) + sinusoid -> dropout -> decoder (causal, memory) -> generator -> logits [B, T, V]
 * </pre>
 *
 * Token id 0 is padding ({@link SubwordVocabulary#PAD_ID}): its embedding row is zero and it is masked out as a key
 * (source padding in the encoder's self-attention and the decoder's cross-attention). Target padding needs no
 * mask: it only ever follows the real tokens, which the causal mask already hides it from, and the loss ignores it.
 *
 * <p>Children, named after PyTorch's translation tutorial: {@code src_embed}, {@code tgt_embed} (absent when the
 * embeddings are shared: one joint vocabulary), {@code pos} (the sinusoid and the input dropout), {@code transformer}
 * (nn.Transformer, batch first: {@code transformer.encoder.layers.0.self_attn.in_proj_weight}...) and {@code generator}
 * (Linear d -> V; with tying its weight is the target embedding, so the state dict holds it under both names as
 * PyTorch's does).
 *
 * <p>Embeddings start as N(0, d^-0.5), so that after the sqrt(d) scaling they have unit size like the sinusoid
 * (fairseq's choice; the Transformer's Xavier re-initialisation covers only its own weights).
 *
 * <p>Incremental decoding: {@link #encode} once, then {@link #decodeStep} with a {@link DecoderCache} per new token;
 * {@link Translator} does greedy and beam search with it through {@link TranslationModel}'s {@link #startDecoding}, whose
 * state holds the memory (until the first step has put its projection in the cache), the cache and the source lengths.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class TranslationTransformer extends TranslationModel {

    /**
     * The model's shape; {@link #toMetadata()} and {@link #fromMetadata} carry it in a checkpoint.
     *
     * @param vocabSize        source and target vocabulary (one joint BPE vocabulary)
     * @param dModel           the model width d (torch.nn.Transformer's d_model), divisible by {@code nhead}
     * @param nhead            attention heads per layer
     * @param encoderLayers    encoder layers
     * @param decoderLayers    decoder layers
     * @param dimFeedforward   hidden size of each layer's feed-forward network
     * @param dropout          the dropout probability of the inputs, attention and feed-forward networks, in [0, 1)
     * @param maxLen           longest sequence, in tokens with BOS/EOS, that the positional table covers
     * @param shareEmbeddings  one embedding for source and target
     * @param tieEmbeddings    the output projection reuses the target embedding
     * @param preNorm          LayerNorm before each sub-layer instead of the paper's after
     */
    public record Config(int vocabSize, int dModel, int nhead, int encoderLayers, int decoderLayers, int dimFeedforward,
                         double dropout, int maxLen, boolean shareEmbeddings, boolean tieEmbeddings, boolean preNorm)
            implements TranslationModel.Config {
        /**
         * Checks the shape.
         *
         * @throws IllegalArgumentException if the vocabulary has no room beyond the special tokens, a size is not
         *                                  positive, max length is below 2, {@code dModel} is not divisible by
         *                                  {@code nhead}, or dropout is not in [0, 1)
         */
        public Config {
            if (vocabSize <= SubwordVocabulary.NUM_SPECIALS) {
                throw new IllegalArgumentException("TranslationTransformer: vocabulary size " + vocabSize + " leaves no room after the "
                        + SubwordVocabulary.NUM_SPECIALS + " special tokens");
            }
            if (dModel < 1 || nhead < 1 || encoderLayers < 1 || decoderLayers < 1 || dimFeedforward < 1 || maxLen < 2) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "TranslationTransformer: d_model %d, heads %d, layers %d+%d, feed-forward %d must be positive and max length %d at least 2",
                        dModel, nhead, encoderLayers, decoderLayers, dimFeedforward, maxLen));
            }
            if (dModel % nhead != 0) {
                throw new IllegalArgumentException("TranslationTransformer: d_model " + dModel + " must be divisible by the number of heads " + nhead);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("TranslationTransformer: dropout must be in [0, 1), got " + dropout);
        }

        /** String entries for a checkpoint's metadata. */
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("model", "TranslationTransformer");
            m.put("vocab_size", Integer.toString(vocabSize));
            m.put("d_model", Integer.toString(dModel));
            m.put("nhead", Integer.toString(nhead));
            m.put("num_encoder_layers", Integer.toString(encoderLayers));
            m.put("num_decoder_layers", Integer.toString(decoderLayers));
            m.put("dim_feedforward", Integer.toString(dimFeedforward));
            m.put("dropout", Double.toString(dropout));
            m.put("max_len", Integer.toString(maxLen));
            m.put("share_embeddings", Boolean.toString(shareEmbeddings));
            m.put("tie_embeddings", Boolean.toString(tieEmbeddings));
            m.put("norm_first", Boolean.toString(preNorm));
            return m;
        }

        /**
         * Reads what {@link #toMetadata()} wrote; {@code source} names the checkpoint in messages.
         *
         * @param m      a checkpoint's metadata; other entries are ignored
         * @param source the checkpoint's path or name, for error messages
         * @return the config it records
         * @throws IllegalArgumentException if {@code model} is not {@code TranslationTransformer}, an entry is missing
         *                                  or malformed, or the shape is not valid
         */
        public static Config fromMetadata(Map<String, String> m, String source) {
            String model = m.get("model");
            if (!"TranslationTransformer".equals(model)) {
                throw new IllegalArgumentException(source + ": not a translation model checkpoint (its metadata says model="
                        + (model == null ? "<none>" : model) + ")");
            }
            return new Config(intEntry(m, "vocab_size", source), intEntry(m, "d_model", source), intEntry(m, "nhead", source),
                    intEntry(m, "num_encoder_layers", source), intEntry(m, "num_decoder_layers", source), intEntry(m, "dim_feedforward", source),
                    doubleEntry(m, "dropout", source), intEntry(m, "max_len", source), boolEntry(m, "share_embeddings", source),
                    boolEntry(m, "tie_embeddings", source), boolEntry(m, "norm_first", source));
        }

        /**
         * The weights a TranslationTransformer of this shape has (its {@code numParameters()}, tied ones once), counted
         * without building it.
         *
         * @return the number of weights
         */
        public long numParameters() {
            long embeddings = ParameterCount.embedding(vocabSize, dModel);
            return ParameterCount.sum(shareEmbeddings ? embeddings : HeapBudget.times(2, embeddings),
                    HeapBudget.times(encoderLayers, ParameterCount.encoderLayer(dModel, dimFeedforward)), ParameterCount.layerNorm(dModel),
                    HeapBudget.times(decoderLayers, ParameterCount.decoderLayer(dModel, dimFeedforward)), ParameterCount.layerNorm(dModel),
                    tieEmbeddings ? vocabSize : ParameterCount.linear(dModel, vocabSize, true));
        }

        /** For logs: "d 256, 4 heads, 3+3 layers, ff 1024, post-norm, shared+tied embeddings". */
        public String summary() {
            return String.format(Locale.ROOT, "d %d, %d heads, %d+%d layers, ff %d, dropout %s, %s, %s embeddings, vocabulary %d",
                    dModel, nhead, encoderLayers, decoderLayers, dimFeedforward, dropout, preNorm ? "pre-norm" : "post-norm",
                    (shareEmbeddings ? "shared" : "separate") + (tieEmbeddings ? "+tied" : ""), vocabSize);
        }
    }

    /** The target's self-attention: each position sees itself and the ones before. */
    private static final AttentionArgs CAUSAL = AttentionArgs.builder().causal().build();

    private final Config config;
    private final Embedding srcEmbed, tgtEmbed;
    private final PositionalEncoding pos;
    private final Transformer transformer;
    private final Linear generator;
    private final double embedScale;

    /**
     * A model of shape {@code config}: the Transformer's weight matrices Xavier-uniform (as torch.nn.Transformer's
     * _reset_parameters), the embeddings N(0, d^-0.5) with a zero padding row.
     *
     * @param config the model's sizes and embedding sharing
     * @param gen    the random generator of the initial weights
     * @throws dev.jgrad.tensor.InsufficientHeapException before allocating, if its weights and positional table cannot
     *                                                    fit in the heap
     */
    public TranslationTransformer(Config config, Generator gen) {
        // Beside the weights: the sinusoid table of max_len x d_model, and the output layer's own weight until it is tied.
        long extra = HeapBudget.plus(HeapBudget.times(config.maxLen(), config.dModel()),
                config.tieEmbeddings() ? HeapBudget.times(config.dModel(), config.vocabSize()) : 0);
        ParameterCount.requireHeap(config.numParameters(), extra, () -> "TranslationTransformer(" + config.summary() + ", max_len " + config.maxLen() + ")");
        this.config = config;
        int d = config.dModel();
        srcEmbed = registerModule("src_embed", new Embedding(config.vocabSize(), d, SubwordVocabulary.PAD_ID, gen));
        tgtEmbed = config.shareEmbeddings() ? srcEmbed : registerModule("tgt_embed", new Embedding(config.vocabSize(), d, SubwordVocabulary.PAD_ID, gen));
        pos = registerModule("pos", new PositionalEncoding(d, config.dropout(), config.maxLen(), true));
        TransformerLayerOptions layer = Transformer.options(d, config.nhead()).dimFeedforward(config.dimFeedforward())
                .dropout(config.dropout()).batchFirst().normFirst(config.preNorm()).build();
        transformer = registerModule("transformer", new Transformer(layer, config.encoderLayers(), config.decoderLayers(), gen));
        generator = registerModule("generator", new Linear(d, config.vocabSize(), true, gen));
        for (Embedding e : config.shareEmbeddings() ? new Embedding[] {srcEmbed} : new Embedding[] {srcEmbed, tgtEmbed}) {
            Init.normal(e.weight(), 0, Math.pow(d, -0.5), gen);
            try (var _ = dev.jgrad.autograd.GradMode.noGrad()) {
                e.weight().select(0, SubwordVocabulary.PAD_ID).fillInPlace(0f);
            }
        }
        if (config.tieEmbeddings()) generator.registerParameter("weight", tgtEmbed.weight());
        embedScale = Math.sqrt(d);
    }

    @Override
    public Config config() {
        return config;
    }

    /**
     * The encoder-decoder stack (the child {@code transformer}).
     *
     * @return the nn.Transformer, batch first
     */
    public Transformer transformer() {
        return transformer;
    }

    /** Teacher-forced training: source ids [B, S] and target input ids [B, T] (BOS first) to logits [B, T, V]. */
    @Override
    public Tensor forward(IntTensor src, IntTensor tgtIn) {
        checkIds("source", src);
        checkIds("target", tgtIn);
        if (src.size(0) != tgtIn.size(0)) {
            throw new IllegalArgumentException("TranslationTransformer: source batch " + Shape.str(src.shape()) + " and target batch "
                    + Shape.str(tgtIn.shape()) + " have different numbers of sentences");
        }
        AttentionMask srcPadding = AttentionMask.padding(src, SubwordVocabulary.PAD_ID);
        Tensor memory = encode(src, srcPadding);
        Tensor x = pos.forward(tgtEmbed.forward(tgtIn).mul((float) embedScale));
        Tensor y = transformer.decoder().forward(x, memory, CAUSAL, keyPadding(srcPadding));
        return generator.forward(y);
    }

    /**
     * The source padding mask [B, S] that {@link #encode} and {@link #decodeStep} take.
     *
     * @param src source ids of shape [B, S], padded with {@link SubwordVocabulary#PAD_ID}
     * @return the mask, true (hidden) at the padding
     */
    public static AttentionMask sourcePadding(IntTensor src) {
        return AttentionMask.padding(src, SubwordVocabulary.PAD_ID);
    }

    /** Attention args that hide the source's padding from the queries. */
    private static AttentionArgs keyPadding(AttentionMask srcPadding) {
        return AttentionArgs.builder().keyPaddingMask(srcPadding).build();
    }

    /**
     * The encoder's output [B, S, d] for source ids [B, S].
     *
     * @param src        source ids of shape [B, S]
     * @param srcPadding the source's padding, as {@link #sourcePadding} makes it
     * @return the memory the decoder attends to, of shape [B, S, dModel]
     * @throws IllegalArgumentException if an id is out of range or the ids are not 2-d
     */
    public Tensor encode(IntTensor src, AttentionMask srcPadding) {
        checkIds("source", src);
        Tensor x = pos.forward(srcEmbed.forward(src).mul((float) embedScale));
        return transformer.encoder().forward(x, keyPadding(srcPadding));
    }

    /**
     * One decoding step for every row: the tokens chosen last [B] (BOS at the start) at position
     * {@code cache.length()}, with keys and values of the earlier positions from the cache (which grows by one).
     * Returns the next token's logits [B, V]. {@code memory} is read at the first step only (the cache keeps its
     * projection); later steps may pass null.
     *
     * @param lastTokens the token each row chose last, one per row
     * @param memory     the encoder's output [B, S, dModel] at the first step; null afterwards
     * @param srcPadding the source's padding [B, S], for the cross-attention
     * @param cache      the decoder's key/value cache from {@link #newCache()}, grown by one position
     * @return the next token's logits, of shape [B, vocabSize]
     */
    public Tensor decodeStep(int[] lastTokens, Tensor memory, AttentionMask srcPadding, DecoderCache cache) {
        int b = lastTokens.length;
        IntTensor ids = IntTensor.of(lastTokens.clone(), b, 1);
        checkIds("target", ids);
        Tensor x = pos.forward(tgtEmbed.forward(ids).mul((float) embedScale), cache.length());
        Tensor y = transformer.decoder().forward(x, memory, CAUSAL, keyPadding(srcPadding), cache);
        return generator.forward(y).reshape(b, config.vocabSize());
    }

    /**
     * An empty key/value cache for {@link #decodeStep}.
     *
     * @return an empty cache covering every decoder layer
     */
    public DecoderCache newCache() {
        return transformer.decoder().newCache();
    }

    /**
     * Decoding state: the memory until the first step has projected it into the cache's cross-attention, the cache,
     * and each row's source length, from which every step's padding mask is made.
     */
    private static final class State implements DecodingState {
        Tensor memory;
        int[] srcLen;
        final int width;
        final DecoderCache cache;

        State(Tensor memory, int[] srcLen, int width, DecoderCache cache) {
            this.memory = memory;
            this.srcLen = srcLen;
            this.width = width;
            this.cache = cache;
        }

        @Override
        public int batchSize() {
            return srcLen.length;
        }

        @Override
        public void reorder(int[] rows) {
            IntTensor idx = rowIndex(rows, srcLen.length, "TranslationTransformer");
            if (memory != null) memory = memory.indexSelect(0, idx);
            cache.reorder(idx);
            int[] len = new int[rows.length];
            for (int r = 0; r < rows.length; r++) len[r] = srcLen[rows[r]];
            srcLen = len;
        }
    }

    @Override
    public DecodingState startDecoding(IntTensor src) {
        checkIds("source", src);
        int n = src.size(0), S = src.size(1);
        int[] ids = src.data(), len = new int[n];
        for (int b = 0; b < n; b++) {
            for (int j = S - 1; j >= 0; j--) {
                if (ids[b * S + j] != SubwordVocabulary.PAD_ID) {
                    len[b] = j + 1;
                    break;
                }
            }
        }
        return new State(encode(src, sourcePadding(src)), len, S, newCache());
    }

    @Override
    public Tensor decodeStep(int[] lastTokens, DecodingState state) {
        State s = ownState(State.class, state, "TranslationTransformer");
        if (lastTokens.length != s.batchSize()) {
            throw new IllegalArgumentException("TranslationTransformer: " + lastTokens.length + " tokens for a decoding batch of " + s.batchSize());
        }
        Tensor logits = decodeStep(lastTokens, s.memory, AttentionMask.keyPadding(s.srcLen, s.width), s.cache);
        s.memory = null; // the cache holds its projection now
        return logits;
    }

    /**
     * The cross-attention weights of the last decoder layer, averaged over heads: [B, T, S] for target input ids
     * [B, T] (BOS first) after source ids [B, S]. What the decoder looked at in the source while predicting each
     * next token; for heat maps. Runs the layers as {@link #forward} does (call it in eval mode, without grad).
     */
    @Override
    public Tensor crossAttention(IntTensor src, IntTensor tgtIn) {
        AttentionMask srcPadding = sourcePadding(src);
        Tensor memory = encode(src, srcPadding);
        Tensor x = pos.forward(tgtEmbed.forward(tgtIn).mul((float) embedScale));
        AttentionArgs cross = keyPadding(srcPadding);
        var layers = transformer.decoder().layers();
        for (int i = 0; i < layers.size() - 1; i++) x = layers.get(i).forward(x, memory, CAUSAL, cross).output();
        return layers.get(layers.size() - 1).forward(x, memory, CAUSAL, cross.toBuilder().needWeights().build()).weights();
    }

    private void checkIds(String what, IntTensor ids) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("TranslationTransformer: expected " + what + " ids of shape [batch, seq], got " + Shape.str(ids.shape()));
        }
        if (ids.size(1) > config.maxLen()) {
            throw new IllegalArgumentException("TranslationTransformer: " + what + " of " + ids.size(1) + " tokens exceeds the model's maximum length "
                    + config.maxLen());
        }
        for (int id : ids.data()) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("TranslationTransformer: " + what + " token id " + id + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
    }
}
