package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * The encoder-decoder Transformer of "Attention Is All You Need" (torch.nn.Transformer), without
 * embeddings, positional encodings or the output projection, which the model around it adds (see
 * {@link PositionalEncoding}; the paper scales embeddings by sqrt(dModel) first).
 *
 * <p>Children: {@code encoder} ({@link TransformerEncoder} with a final {@code norm}) and {@code decoder}
 * ({@link TransformerDecoder} with a final {@code norm}), so parameter names match PyTorch's, e.g.
 * "encoder.layers.0.self_attn.in_proj_weight" or "decoder.norm.bias". As PyTorch does, every parameter
 * with more than one dimension is then re-initialised Xavier-uniform.
 *
 * <p>src [S, B, dModel], tgt [T, B, dModel] ([B, S, dModel] and [B, T, dModel] with batchFirst); the
 * output is [T, B, dModel] (or [B, T, dModel]). For training a translation model:
 * <pre>{@code
 * AttentionArgs srcPadding = AttentionArgs.builder().keyPaddingMask(AttentionMask.padding(srcIds, pad)).build();
 * Tensor out = transformer.forward(src, tgt, srcPadding, AttentionArgs.builder().causal().build(), srcPadding);
 * }</pre>
 * For decoding, run {@code encoder().forward(src, srcPadding)} once and then
 * {@code decoder().forward(...)} step by step with a {@link DecoderCache}.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class Transformer extends Module {
    private final TransformerLayerOptions options;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    /**
     * The options of every layer of a Transformer of this width and head count, with PyTorch's defaults for the rest
     * (see {@link TransformerLayerOptions}), to change by name.
     *
     * @param dModel the model width, at least 1
     * @param nhead the number of attention heads, dividing dModel
     * @return a builder; {@code build()} checks the values
     */
    public static TransformerLayerOptions.Builder options(int dModel, int nhead) {
        return new TransformerLayerOptions.Builder(dModel, nhead);
    }

    /** PyTorch's defaults: d_model 512, 8 heads, 6 + 6 layers, dim_feedforward 2048, dropout 0.1. */
    public Transformer() {
        this(options(512, 8).build(), 6, 6);
    }

    /**
     * A Transformer initialised from the default generator.
     *
     * @param options every layer's options, from {@link #options(int, int)}
     * @param numEncoderLayers the encoder's layer count, at least 1
     * @param numDecoderLayers the decoder's layer count, at least 1
     * @throws IllegalArgumentException when a layer count is below 1
     */
    public Transformer(TransformerLayerOptions options, int numEncoderLayers, int numDecoderLayers) {
        this(options, numEncoderLayers, numDecoderLayers, Generator.defaultGenerator());
    }

    /**
     * A Transformer: encoder and decoder stacks of independently initialised layers, each with a final LayerNorm,
     * then every matrix re-initialised Xavier-uniform, as PyTorch.
     *
     * @param options every layer's options, from {@link #options(int, int)}
     * @param numEncoderLayers the encoder's layer count, at least 1
     * @param numDecoderLayers the decoder's layer count, at least 1
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a layer count is below 1
     */
    public Transformer(TransformerLayerOptions options, int numEncoderLayers, int numDecoderLayers, Generator gen) {
        this.options = options;
        int d = options.dModel();
        encoder = registerModule("encoder", new TransformerEncoder(i -> new TransformerEncoderLayer(options, gen), numEncoderLayers,
                new LayerNorm(new int[] {d}, options.layerNormEps(), true)));
        decoder = registerModule("decoder", new TransformerDecoder(i -> new TransformerDecoderLayer(options, gen), numDecoderLayers,
                new LayerNorm(new int[] {d}, options.layerNormEps(), true)));
        for (Parameter p : parameters()) {
            if (p.dim() > 1) Init.xavierUniform(p, 1.0, gen);
        }
    }

    /**
     * The options every layer was built with.
     *
     * @return the options
     */
    public TransformerLayerOptions options() {
        return options;
    }

    /**
     * The encoder stack (child "encoder").
     *
     * @return the encoder
     */
    public TransformerEncoder encoder() {
        return encoder;
    }

    /**
     * The decoder stack (child "decoder").
     *
     * @return the decoder
     */
    public TransformerDecoder decoder() {
        return decoder;
    }

    /**
     * No masks at all (note: the decoder is then not causal).
     *
     * @param src the source sequence [S, B, dModel] ([B, S, dModel] batch-first)
     * @param tgt the target sequence [T, B, dModel] ([B, T, dModel] batch-first)
     * @return the decoder's output, tgt's shape
     * @throws IllegalArgumentException when the shapes do not fit
     */
    public Tensor forward(Tensor src, Tensor tgt) {
        return forward(src, tgt, AttentionArgs.NONE, AttentionArgs.NONE, AttentionArgs.NONE);
    }

    /**
     * PyTorch's forward(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask,
     * memory_key_padding_mask, src_is_causal, tgt_is_causal, memory_is_causal), with the masks and flags of each
     * attention in its {@link AttentionArgs}.
     *
     * @param src                  the source sequence [S, B, dModel] ([B, S, dModel] batch-first, [S, dModel] unbatched)
     * @param tgt                  the target sequence [T, B, dModel] ([B, T, dModel] batch-first, [T, dModel] unbatched)
     * @param encoderSelfAttention the encoder's self-attention: src_mask, src_key_padding_mask, src_is_causal
     * @param decoderSelfAttention the decoder's self-attention: tgt_mask, tgt_key_padding_mask, tgt_is_causal
     * @param crossAttention       the decoder's attention over the memory: memory_mask, memory_key_padding_mask,
     *                             memory_is_causal
     * @return the decoder's output, tgt's shape
     * @throws IllegalArgumentException when the batch or feature sizes of src and tgt do not fit, or an args is invalid
     */
    public Tensor forward(Tensor src, Tensor tgt, AttentionArgs encoderSelfAttention, AttentionArgs decoderSelfAttention,
                          AttentionArgs crossAttention) {
        boolean batched = src.dim() == 3;
        int bd = options.batchFirst() ? 0 : 1;
        if (batched && tgt.dim() == 3 && src.size(bd) != tgt.size(bd)) {
            throw new IllegalArgumentException("Transformer: the batch number of src and tgt must be equal, got src " + Shape.str(src.shape())
                    + " and tgt " + Shape.str(tgt.shape()) + (options.batchFirst() ? " (batch first)" : " (sequence first)"));
        }
        if (src.dim() == 0 || tgt.dim() == 0 || src.size(-1) != options.dModel() || tgt.size(-1) != options.dModel()) {
            throw new IllegalArgumentException("Transformer: the feature number of src and tgt must be equal to d_model " + options.dModel()
                    + ", got src " + Shape.str(src.shape()) + " and tgt " + Shape.str(tgt.shape()));
        }
        Tensor memory = encoder.forward(src, encoderSelfAttention);
        return decoder.forward(tgt, memory, decoderSelfAttention, crossAttention);
    }

    /**
     * The [sz, sz] float mask with -inf above the diagonal and 0 elsewhere (PyTorch's static helper);
     * use it as {@code AttentionMask.additive(...)}, or use {@link AttentionMask#causal(int)}.
     *
     * @param sz the sequence length, non-negative
     * @return a new tensor [sz, sz]
     * @throws IllegalArgumentException when sz is negative
     */
    public static Tensor generateSquareSubsequentMask(int sz) {
        if (sz < 0) throw new IllegalArgumentException("generateSquareSubsequentMask: size must be non-negative, got " + sz);
        float[] d = new float[sz * sz];
        for (int i = 0; i < sz; i++) for (int j = i + 1; j < sz; j++) d[i * sz + j] = Float.NEGATIVE_INFINITY;
        return Tensor.of(d, sz, sz);
    }
}
