package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * Multi-head attention (torch.nn.MultiheadAttention): project query, key and value, split the embedding
 * into numHeads heads of embedDim / numHeads, run scaled dot-product attention in every head at once,
 * concatenate the heads and project the result.
 *
 * <p>Parameters are PyTorch's, by name and layout, so state dicts move both ways: {@code in_proj_weight}
 * [3E, E] (the query, key and value projections stacked in that order), {@code in_proj_bias} [3E], and the
 * child Linear {@code out_proj} ({@code out_proj.weight} [E, E], {@code out_proj.bias} [E]). kdim and vdim
 * other than embedDim, add_bias_kv and add_zero_attn are not supported.
 *
 * <p>Shapes, with L the target (query) length, S the source (key) length, B the batch:
 * query [L, B, E], key and value [S, B, E] ([B, L, E] and [B, S, E] when batchFirst; [L, E] and [S, E]
 * unbatched). Output [L, B, E] (or [B, L, E], or [L, E]); weights averaged over heads [B, L, S], or per
 * head [B, numHeads, L, S] (unbatched: [L, S] or [numHeads, L, S]).
 *
 * <p>Masks and the rest are {@link AttentionArgs}. Masks ({@link AttentionMask}, bool = nonzero means "not allowed", or
 * additive): keyPaddingMask [B, S] ([S] unbatched), attnMask [L, S] or [B * numHeads, L, S]; causal hides key j from query i when j > i
 * and, unlike PyTorch 2's hint of the same name, needs no attnMask and combines with one. A query whose
 * keys are all masked gets zero weights and output out_proj.bias (PyTorch 1.13: NaN).
 *
 * <p>With a {@link KVCache}, only the new positions are passed and projected (see there); the result equals
 * the corresponding rows of the full computation.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class MultiheadAttention extends Module {

    /**
     * torch.nn.MultiheadAttention's constructor arguments (those jgrad supports). Make them with
     * {@link MultiheadAttention#options(int, int)}: {@code MultiheadAttention.options(512, 8).dropout(0.1).batchFirst().build()}.
     *
     * @param embedDim   the model width E, at least 1, divisible by numHeads
     * @param numHeads   the number of parallel heads, at least 1
     * @param dropout    probability of dropping an attention weight, in training only (default 0)
     * @param bias       whether the in- and out-projections have biases (default true)
     * @param batchFirst inputs and outputs [batch, seq, feature] instead of [seq, batch, feature] (default false)
     */
    public record Options(int embedDim, int numHeads, double dropout, boolean bias, boolean batchFirst) {
        /**
         * Checks the values.
         *
         * @param embedDim the model width E, at least 1, divisible by numHeads
         * @param numHeads the number of parallel heads, at least 1
         * @param dropout attention dropout, in [0, 1)
         * @param bias whether the projections have biases
         * @param batchFirst whether inputs and outputs are [batch, seq, feature]
         * @throws IllegalArgumentException when a size is below 1, embedDim is not divisible by numHeads or dropout is outside [0, 1)
         */
        public Options {
            if (embedDim < 1 || numHeads < 1) {
                throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be positive, got " + embedDim + " and " + numHeads);
            }
            if (embedDim % numHeads != 0) {
                throw new IllegalArgumentException("MultiheadAttention: embed_dim " + embedDim + " must be divisible by num_heads " + numHeads);
            }
            Functional.checkDropoutP(dropout);
        }

        /** Collects the optional arguments by name; {@link #build()} checks them all. */
        public static final class Builder {
            private final int embedDim, numHeads;
            private double dropout;
            private boolean bias = true, batchFirst;

            private Builder(int embedDim, int numHeads) {
                this.embedDim = embedDim;
                this.numHeads = numHeads;
            }

            /**
             * Attention dropout, in training (default 0).
             *
             * @param dropout the probability, in [0, 1)
             * @return this builder
             */
            public Builder dropout(double dropout) {
                this.dropout = dropout;
                return this;
            }

            /**
             * Whether the projections have biases (default true).
             *
             * @param bias true for biases
             * @return this builder
             */
            public Builder bias(boolean bias) {
                this.bias = bias;
                return this;
            }

            /**
             * Inputs and outputs [batch, seq, feature].
             *
             * @return this builder
             */
            public Builder batchFirst() {
                return batchFirst(true);
            }

            /**
             * Inputs and outputs [batch, seq, feature] when true, [seq, batch, feature] when false (the default).
             *
             * @param batchFirst true for batch-first inputs and outputs
             * @return this builder
             */
            public Builder batchFirst(boolean batchFirst) {
                this.batchFirst = batchFirst;
                return this;
            }

            /**
             * The options collected so far, checked.
             *
             * @return the options
             * @throws IllegalArgumentException when a value is out of range (see {@link Options})
             */
            public Options build() {
                return new Options(embedDim, numHeads, dropout, bias, batchFirst);
            }
        }
    }

    /** What forward(query, key, value) asks for: PyTorch's defaults, weights averaged over heads. */
    private static final AttentionArgs WEIGHTS_ONLY = AttentionArgs.builder().needWeights().build();

    private final Options options;
    private final int embedDim, numHeads, headDim;
    private final Linear outProj;

    /**
     * The options of an attention of this width and head count, with PyTorch's defaults for the rest (no dropout,
     * biases, sequence-first), to change by name.
     *
     * @param embedDim the model width E, at least 1, divisible by numHeads
     * @param numHeads the number of parallel heads, at least 1
     * @return a builder; {@code build()} checks the values
     */
    public static Options.Builder options(int embedDim, int numHeads) {
        return new Options.Builder(embedDim, numHeads);
    }

    /**
     * No dropout, biases, sequence-first: PyTorch's defaults.
     *
     * @param embedDim the model width E, at least 1, divisible by numHeads
     * @param numHeads the number of parallel heads, at least 1
     * @throws IllegalArgumentException when the sizes do not fit
     */
    public MultiheadAttention(int embedDim, int numHeads) {
        this(options(embedDim, numHeads).build());
    }

    /**
     * An attention initialised from the default generator.
     *
     * @param options the configuration, from {@link #options(int, int)}
     */
    public MultiheadAttention(Options options) {
        this(options, Generator.defaultGenerator());
    }

    /**
     * PyTorch's initialisation: in_proj_weight Xavier-uniform, in_proj_bias and out_proj.bias zero,
     * out_proj.weight as any Linear.
     *
     * @param options the configuration, from {@link #options(int, int)}
     * @param gen the random generator the initial weights are drawn from
     */
    public MultiheadAttention(Options options, Generator gen) {
        this.options = options;
        this.embedDim = options.embedDim();
        this.numHeads = options.numHeads();
        this.headDim = embedDim / numHeads;
        Parameter w = registerParameter("in_proj_weight", new Parameter(Tensor.zeros(3 * embedDim, embedDim)));
        registerParameter("in_proj_bias", options.bias() ? new Parameter(Tensor.zeros(3 * embedDim)) : null);
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, options.bias(), gen));
        Init.xavierUniform(w, 1.0, gen);
        if (options.bias()) Init.zeros(outProj.bias());
    }

    /**
     * The configuration.
     *
     * @return the options it was built with
     */
    public Options options() {
        return options;
    }

    /**
     * The model width E.
     *
     * @return embed_dim
     */
    public int embedDim() {
        return embedDim;
    }

    /**
     * The number of heads.
     *
     * @return num_heads
     */
    public int numHeads() {
        return numHeads;
    }

    /**
     * The width of each head, embedDim / numHeads.
     *
     * @return head_dim
     */
    public int headDim() {
        return headDim;
    }

    /**
     * [3E, E]: rows [0, E) project the query, [E, 2E) the key, [2E, 3E) the value.
     *
     * @return the packed in-projection weight
     */
    public Parameter inProjWeight() {
        return ownParameter("in_proj_weight");
    }

    /**
     * [3E], or null without bias.
     *
     * @return the packed in-projection bias, or null
     */
    public Parameter inProjBias() {
        return ownParameter("in_proj_bias");
    }

    /**
     * The output projection (PyTorch's out_proj), [E, E] with bias [E].
     *
     * @return the child Linear
     */
    public Linear outProj() {
        return outProj;
    }

    /**
     * No masks; returns the weights averaged over heads, as PyTorch's forward(query, key, value) does.
     *
     * @param query the queries [L, B, E] ([B, L, E] batch-first, [L, E] unbatched)
     * @param key the keys [S, B, E]
     * @param value the values [S, B, E]
     * @return the output and the weights averaged over heads [B, L, S]
     * @throws IllegalArgumentException when the shapes do not fit
     */
    public AttentionOutput forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, WEIGHTS_ONLY);
    }

    /**
     * The full forward: masks, causality, weights and cache as {@code args} says (see {@link AttentionArgs}). With a
     * cache, query/key/value hold only the new positions, S counts the cached ones too (masks are [L, S] and [B, S]
     * over all of them), and causal lets new query i see keys up to position {@code cache.length() + i}. A filled
     * cross-attention cache ignores key and value (they may be null then).
     *
     * @param query the new queries [L, B, E] ([B, L, E] batch-first, [L, E] unbatched)
     * @param key the new keys [S, B, E], or null with a filled cross-attention cache
     * @param value the new values [S, B, E], or null with a filled cross-attention cache
     * @param args masks, causality, weights and cache; {@link AttentionArgs#NONE} for none
     * @return the output [L, B, E] (or batch-first / unbatched), and the weights when {@code args.needWeights()}, else null
     * @throws IllegalArgumentException when args is null, a shape does not fit the others or the cache, or key/value are
     *         missing
     */
    public AttentionOutput forward(Tensor query, Tensor key, Tensor value, AttentionArgs args) {
        if (args == null) throw new IllegalArgumentException("MultiheadAttention: args must not be null (use AttentionArgs.NONE)");
        KVCache cache = args.cache();
        String who = "MultiheadAttention";
        boolean reuseKV = cache != null && !cache.isSelfAttention() && !cache.isEmpty();
        if (reuseKV) {
            key = null;
            value = null;
        } else if (key == null || value == null) {
            throw new IllegalArgumentException(who + ": key and value are required (they may be null only with a filled cross-attention KVCache)");
        }
        boolean batched = checkInputs(who, query, key, value);
        Tensor q = toBatchFirst(query, batched), k = key == null ? null : toBatchFirst(key, batched), v = value == null ? null : toBatchFirst(value, batched);
        int B = q.size(0), L = q.size(1);

        // In-projection: one GEMM per projection, each with its rows of the packed weight. One GEMM for all three
        // and chunk() cost more than it saved: the chunks are strided views, so splitting heads copied them, and
        // each chunk's gradient came back as a zero-padded tensor of the full packed width.
        Tensor w = inProjWeight(), b = inProjBias();
        Tensor qp = Functional.linear(q, rows(w, 0, 1), rows(b, 0, 1));
        Tensor kp = k == null ? null : Functional.linear(k, rows(w, 1, 1), rows(b, 1, 1));
        Tensor vp = v == null ? null : Functional.linear(v, rows(w, 2, 1), rows(b, 2, 1));
        Tensor qh = splitHeads(qp);
        Tensor kh = kp == null ? null : splitHeads(kp), vh = vp == null ? null : splitHeads(vp);
        int past = 0;
        if (cache != null) {
            if (cache.isSelfAttention()) past = cache.length();
            if (!cache.isEmpty() && cache.batchSize() != B) {
                throw new IllegalArgumentException(who + ": the query's batch size " + B + " differs from the KVCache's " + cache.batchSize()
                        + " (reorder() the cache when the batch changes, clear() it for a new batch)");
            }
            Tensor[] kv = cache.update(who, kh, vh);
            kh = kv[0];
            vh = kv[1];
        }
        int S = kh.size(2);

        AttentionMask mask = AttentionMask.combine(attnMaskForHeads(who, args.attnMask(), batched, B, L, S),
                keyPaddingMaskForHeads(who, args.keyPaddingMask(), batched, B, S));
        double p = isTraining() ? options.dropout() : 0.0;
        AttentionOutput att = ScaledDotProductAttention.compute(who, qh, kh, vh, mask, p, args.causal(), past, 1 / Math.sqrt(headDim),
                Generator.defaultGenerator());

        // [B, H, L, Dh] -> [B, L, E] or [L, B, E], heads concatenated, then the output projection.
        Tensor merged = att.output().permute(batched && !options.batchFirst() ? new int[] {2, 0, 1, 3} : new int[] {0, 2, 1, 3});
        Tensor out = outProj.forward(merged.reshape(batched && !options.batchFirst() ? new int[] {L, B, embedDim} : new int[] {B, L, embedDim}));
        if (!batched) out = out.squeeze(0);

        Tensor weights = null;
        if (args.needWeights()) {
            weights = args.averageAttnWeights() ? att.weights().mean(1, false) : att.weights();
            if (!batched) weights = weights.squeeze(0);
        }
        return new AttentionOutput(out, weights);
    }

    /** Rows [part * E, (part + count) * E) of the packed in-projection weight or bias (a view). */
    private Tensor rows(Tensor packed, int part, int count) {
        return packed == null ? null : packed.narrow(0, part * embedDim, count * embedDim);
    }

    /** [B, T, E] to [B, numHeads, T, headDim]. */
    private Tensor splitHeads(Tensor x) {
        return x.reshape(x.size(0), x.size(1), numHeads, headDim).permute(0, 2, 1, 3);
    }

    private Tensor toBatchFirst(Tensor x, boolean batched) {
        if (!batched) return x.unsqueeze(0);
        return options.batchFirst() ? x : x.transpose(0, 1);
    }

    /** Checks ranks, embedding sizes and batch sizes; returns whether the input is batched. */
    private boolean checkInputs(String who, Tensor query, Tensor key, Tensor value) {
        String layout = options.batchFirst() ? "[batch, seq, " + embedDim + "]" : "[seq, batch, " + embedDim + "]";
        if ((query.dim() != 2 && query.dim() != 3) || query.size(-1) != embedDim) {
            throw new IllegalArgumentException(who + ": expected query of shape " + layout + " (or unbatched [seq, " + embedDim + "]), got "
                    + Shape.str(query.shape()));
        }
        boolean batched = query.dim() == 3;
        for (Tensor t : new Tensor[] {key, value}) {
            if (t == null) continue;
            String name = t == key ? "key" : "value";
            if (t.dim() != query.dim() || t.size(-1) != embedDim) {
                throw new IllegalArgumentException(who + ": " + name + " of shape " + Shape.str(t.shape()) + " does not match query of shape "
                        + Shape.str(query.shape()) + ": expected " + (batched ? layout : "[seq, " + embedDim + "]"));
            }
            int bd = options.batchFirst() ? 0 : 1;
            if (batched && t.size(bd) != query.size(bd)) {
                throw new IllegalArgumentException(who + ": " + name + " of shape " + Shape.str(t.shape()) + " has batch size " + t.size(bd)
                        + " but query of shape " + Shape.str(query.shape()) + " has " + query.size(bd));
            }
        }
        if (key != null && value != null && !java.util.Arrays.equals(key.shape(), value.shape())) {
            throw new IllegalArgumentException(who + ": key shape " + Shape.str(key.shape()) + " does not match value shape " + Shape.str(value.shape()));
        }
        return batched;
    }

    /** [L, S] or [B * numHeads, L, S] (unbatched: [numHeads, L, S]) to something that broadcasts to [B, H, L, S]. */
    private AttentionMask attnMaskForHeads(String who, AttentionMask m, boolean batched, int B, int L, int S) {
        if (m == null) return null;
        int[] s = m.shape();
        if (s.length == 2) {
            if (s[0] != L || s[1] != S) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the shape of the 2D attn_mask is %s, but should be %s (target length L, source length S)",
                        who, Shape.str(s), Shape.str(new int[] {L, S})));
            }
            return m;
        }
        if (s.length == 3) {
            int[] want = {B * numHeads, L, S};
            if (!java.util.Arrays.equals(s, want)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the shape of the 3D attn_mask is %s, but should be %s (%s, L, S)",
                        who, Shape.str(s), Shape.str(want), batched ? "batch * num_heads" : "num_heads"));
            }
            return m.reshape(B, numHeads, L, S);
        }
        throw new IllegalArgumentException(who + ": attn_mask must be 2-D [L, S] or 3-D [batch * num_heads, L, S], got shape " + Shape.str(s));
    }

    /** [B, S] (unbatched: [S]) to [B, 1, 1, S]. */
    private static AttentionMask keyPaddingMaskForHeads(String who, AttentionMask m, boolean batched, int B, int S) {
        if (m == null) return null;
        int[] want = batched ? new int[] {B, S} : new int[] {S};
        if (!java.util.Arrays.equals(m.shape(), want)) {
            throw new IllegalArgumentException(who + ": expected key_padding_mask of shape " + Shape.str(want) + (batched ? " (batch, source length)" : " (source length)")
                    + ", but got " + Shape.str(m.shape()));
        }
        return m.reshape(B, 1, 1, S);
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "embed_dim=%d, num_heads=%d, dropout=%s, batch_first=%s", embedDim, numHeads, options.dropout(),
                options.batchFirst() ? "True" : "False");
    }
}
