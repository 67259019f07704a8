package dev.jgrad.models;

import static dev.jgrad.models.MetadataEntries.doubleEntry;
import static dev.jgrad.models.MetadataEntries.intEntry;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.AttentionArgs;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.KVCache;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleList;
import dev.jgrad.nn.Parameter;
import dev.jgrad.nn.Reduction;
import dev.jgrad.nn.TransformerEncoderLayer;
import dev.jgrad.nn.TransformerLayerOptions;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A character-level decoder-only Transformer in the manner of nanoGPT:
 *
 * <pre>
 * ids [B, T] -> tok_emb + pos_emb (learned, T &lt;= blockSize) -> drop -> blocks (N x {@link TransformerEncoderLayer}: pre-norm
 * causal self-attention + GELU MLP) -> ln_f -> logits [B, T, vocab] = x tok_emb.weight^T (the output head is tied to the embedding)
 * </pre>
 *
 * Each block is GPT-2's: an encoder layer with pre-norm (normFirst) run with causal self-attention,
 * <pre>
 * x = x + dropout1(self_attn(norm1(x), causal))
 * x = x + dropout2(linear2(dropout(gelu(linear1(norm2(x))))))
 * </pre>
 *
 * Children: {@code tok_emb}, {@code pos_emb}, {@code drop}, {@code blocks} (blocks.0.self_attn.in_proj_weight, ...)
 * and {@code ln_f}; there is no separate head, so the state dict holds the tied matrix once. Initialisation is
 * GPT-2's: weights N(0, 0.02), biases 0, and the two projections that write into the residual stream
 * (self_attn.out_proj and linear2) N(0, 0.02 / sqrt(2 numLayers)), so the stream does not grow with depth.
 *
 * <p>Generation feeds one character at a time through per-block {@link KVCache}s. The context is at most
 * {@code blockSize} characters (the position table ends there): when it would grow past that, it is cut to its
 * last {@code blockSize - blockSize / 2} characters, which are fed again to refill the caches. So the context
 * always holds between half a block and a block, and a re-fill happens once every half block, where nanoGPT's
 * uncached loop keeps exactly the last block and recomputes all of it at every character.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class CharGPT extends Module {

    /**
     * The model's shape; {@link #toMetadata()} and {@link #fromMetadata} carry it in a checkpoint.
     *
     * @param vocabSize      characters in the vocabulary, at least 2 (the embedding's rows and the logits' width)
     * @param blockSize      the longest context, in characters (the learned position table's size)
     * @param embedDim       the width of the residual stream (GPT-2's n_embd), divisible by {@code numHeads}
     * @param numHeads       attention heads per block, each of width {@code embedDim / numHeads}
     * @param numLayers      Transformer blocks
     * @param feedforwardDim hidden size of each block's MLP (4 x embedDim in GPT-2)
     * @param dropout        the dropout probability after the embeddings, in attention and in the MLPs, in [0, 1)
     */
    public record Config(int vocabSize, int blockSize, int embedDim, int numHeads, int numLayers, int feedforwardDim, double dropout) {
        /**
         * Checks the shape.
         *
         * @throws IllegalArgumentException if a size is not positive, the vocabulary has fewer than 2 characters,
         *                                  {@code embedDim} is not divisible by {@code numHeads}, or dropout is not in [0, 1)
         */
        public Config {
            if (vocabSize < 2) throw new IllegalArgumentException("CharGPT: the vocabulary needs at least 2 characters, got " + vocabSize);
            if (blockSize < 1 || embedDim < 1 || numHeads < 1 || numLayers < 1 || feedforwardDim < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "CharGPT: block size %d, embedding size %d, heads %d, layers %d and feed-forward size %d must be positive",
                        blockSize, embedDim, numHeads, numLayers, feedforwardDim));
            }
            if (embedDim % numHeads != 0) {
                throw new IllegalArgumentException("CharGPT: the embedding size " + embedDim + " must be divisible by the number of heads " + numHeads);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("CharGPT: dropout must be in [0, 1), got " + dropout);
        }

        /**
         * The weights a CharGPT of this shape has (its {@code numParameters()}), counted without building it.
         *
         * @return the number of weights
         */
        public long numParameters() {
            return ParameterCount.sum(ParameterCount.embedding(vocabSize, embedDim), ParameterCount.embedding(blockSize, embedDim),
                    HeapBudget.times(numLayers, ParameterCount.encoderLayer(embedDim, feedforwardDim)), ParameterCount.layerNorm(embedDim));
        }

        /**
         * One line for logs: "CharGPT(vocab=65, block=64, emb=128, heads=4, layers=4, ff=512, dropout=0.0)".
         *
         * @return the model's kind and sizes
         */
        public String summary() {
            return String.format(Locale.ROOT, "CharGPT(vocab=%d, block=%d, emb=%d, heads=%d, layers=%d, ff=%d, dropout=%s)",
                    vocabSize, blockSize, embedDim, numHeads, numLayers, feedforwardDim, dropout);
        }

        /**
         * String entries for a checkpoint's metadata (safetensors metadata holds strings only).
         *
         * @return {@code model=CharGPT}, {@code vocab_size}, {@code block_size}, {@code embed_dim}, {@code num_heads},
         *         {@code num_layers}, {@code feedforward_dim} and {@code dropout}, in that order
         */
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("model", "CharGPT");
            m.put("vocab_size", Integer.toString(vocabSize));
            m.put("block_size", Integer.toString(blockSize));
            m.put("embed_dim", Integer.toString(embedDim));
            m.put("num_heads", Integer.toString(numHeads));
            m.put("num_layers", Integer.toString(numLayers));
            m.put("feedforward_dim", Integer.toString(feedforwardDim));
            m.put("dropout", Double.toString(dropout));
            return m;
        }

        /**
         * Reads what {@link #toMetadata()} wrote; {@code source} names the checkpoint in messages.
         *
         * @param m      a checkpoint's metadata; other entries are ignored
         * @param source the checkpoint's path or name, for error messages
         * @return the config it records
         * @throws IllegalArgumentException if {@code model} is not {@code CharGPT}, an entry is missing or not a number,
         *                                  or the sizes are not valid
         */
        public static Config fromMetadata(Map<String, String> m, String source) {
            String model = m.get("model");
            if (!"CharGPT".equals(model)) {
                throw new IllegalArgumentException(source + ": not a CharGPT checkpoint (its metadata says model="
                        + (model == null ? "<none>" : model) + ")");
            }
            return new Config(intEntry(m, "vocab_size", source), intEntry(m, "block_size", source), intEntry(m, "embed_dim", source),
                    intEntry(m, "num_heads", source), intEntry(m, "num_layers", source), intEntry(m, "feedforward_dim", source),
                    doubleEntry(m, "dropout", source));
        }


    }

    /** Every block's self-attention: each position sees itself and the ones before. */
    private static final AttentionArgs CAUSAL = AttentionArgs.builder().causal().build();

    private final Config config;
    private final Embedding tokEmb, posEmb;
    private final Dropout drop;
    private final ModuleList<TransformerEncoderLayer> blocks;
    private final LayerNorm lnF;

    /**
     * A model of shape {@code config}, initialised as GPT-2 (see the class comment).
     *
     * @param config the model's sizes
     * @param gen    the random generator of the initial weights (the same seed gives the same model)
     * @throws dev.jgrad.tensor.InsufficientHeapException before allocating, if its weights cannot fit in the heap
     */
    public CharGPT(Config config, Generator gen) {
        ParameterCount.requireHeap(config.numParameters(), 0, config::summary);
        this.config = config;
        int d = config.embedDim();
        tokEmb = registerModule("tok_emb", new Embedding(config.vocabSize(), d, gen));
        posEmb = registerModule("pos_emb", new Embedding(config.blockSize(), d, gen));
        drop = registerModule("drop", new Dropout(config.dropout()));
        TransformerLayerOptions options = TransformerEncoderLayer.options(d, config.numHeads()).dimFeedforward(config.feedforwardDim())
                .dropout(config.dropout()).activation(TransformerLayerOptions.Activation.GELU).batchFirst().normFirst().build();
        blocks = registerModule("blocks", new ModuleList<>());
        for (int i = 0; i < config.numLayers(); i++) blocks.add(new TransformerEncoderLayer(options, gen));
        lnF = registerModule("ln_f", new LayerNorm(new int[] {d}, options.layerNormEps(), true));

        double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers());
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            if (name.startsWith("ln_f.") || name.contains(".norm")) continue; // LayerNorms stay 1 and 0
            if (p.dim() == 1) Init.zeros(p);
            else if (name.endsWith("out_proj.weight") || name.endsWith("linear2.weight")) Init.normal(p, 0, residualStd, gen);
            else Init.normal(p, 0, 0.02, gen);
        }
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
     * The Transformer blocks, in order (the child {@code blocks}).
     *
     * @return the list of {@code numLayers} pre-norm encoder layers run with causal self-attention
     */
    public ModuleList<TransformerEncoderLayer> blocks() {
        return blocks;
    }

    /**
     * ids [B, T] with {@code T <= blockSize} -> next-character logits [B, T, vocab].
     *
     * @param ids character ids of shape [batch, T], each in {@code [0, vocabSize)}
     * @return logits of shape [batch, T, vocabSize]: position t scores the character after ids[.., t]
     * @throws IllegalArgumentException if {@code ids} is not 2-d or T is 0 or longer than the block size
     */
    public Tensor forward(IntTensor ids) {
        return head(hidden(ids, null));
    }

    /**
     * ids [B, T] are the T positions after the ones already in {@code cache} (from {@link #newCache()}, empty to
     * start): logits [B, T, vocab] for them, and their keys and values are added to the cache.
     *
     * @param ids   the next character ids, of shape [batch, T]
     * @param cache one key/value cache per block, as {@link #newCache()} makes them; appended to
     * @return logits of shape [batch, T, vocabSize]
     * @throws IllegalArgumentException if the cache does not have one entry per block, or the cached and new positions
     *                                  together exceed the block size
     */
    public Tensor forward(IntTensor ids, KVCache[] cache) {
        return head(hidden(ids, cache));
    }

    /**
     * One empty self-attention cache per block.
     *
     * @return an array of {@code numLayers} empty caches, for {@link #forward(IntTensor, KVCache[])}
     */
    public KVCache[] newCache() {
        KVCache[] c = new KVCache[blocks.size()];
        for (int i = 0; i < c.length; i++) c[i] = KVCache.forSelfAttention();
        return c;
    }

    /** The final LayerNorm's output [B, T, embedDim]. */
    private Tensor hidden(IntTensor ids, KVCache[] cache) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("CharGPT: expected character ids of shape [batch, seq], got " + Shape.str(ids.shape()));
        }
        if (cache != null && cache.length != blocks.size()) {
            throw new IllegalArgumentException("CharGPT: the cache has " + cache.length + " layers, the model " + blocks.size() + " (use newCache())");
        }
        int past = cache == null ? 0 : cache[0].length(), T = ids.size(1);
        if (T < 1 || past + T > config.blockSize()) {
            throw new IllegalArgumentException("CharGPT: positions [" + past + ", " + (past + T) + ") of ids " + Shape.str(ids.shape())
                    + " do not fit the block size " + config.blockSize() + (past > 0 ? " (" + past + " of them cached)" : ""));
        }
        Tensor x = drop.forward(tokEmb.forward(ids).add(posEmb.weight().narrow(0, past, T)));
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, cache == null ? CAUSAL : CAUSAL.toBuilder().cache(cache[i]).build());
        }
        return lnF.forward(x);
    }

    /** The tied output layer: scores against every character's embedding. */
    private Tensor head(Tensor h) {
        return Functional.linear(h, tokEmb.weight(), null);
    }

    // ---------------------------------------------------------------- generation

    /**
     * Reads {@code prompt} (character ids, at least one; only its last blockSize are used), then draws {@code length}
     * characters one at a time with the key/value caches (see the class comment for the context window). Returns only
     * the new characters.
     *
     * @param prompt   character ids to read first, at least one, each in {@code [0, vocabSize)}
     * @param length   characters to generate, {@code >= 0}
     * @param sampling the temperature and top k of each draw
     * @param gen      the random generator of the draws (the same state gives the same text)
     * @return the {@code length} generated ids, without the prompt
     * @throws IllegalArgumentException if the prompt is empty or holds an id outside the vocabulary, or length is negative
     */
    public int[] generate(int[] prompt, int length, CharLSTM.Sampling sampling, Generator gen) {
        return generate(prompt, length, sampling, gen, true);
    }

    /**
     * As {@link #generate(int[], int, CharLSTM.Sampling, Generator)}; with {@code useCache} false every character
     * recomputes its whole context window from scratch instead (same windows, same result up to rounding; slow, for checking).
     *
     * @param prompt   character ids to read first, at least one, each in {@code [0, vocabSize)}
     * @param length   characters to generate, {@code >= 0}
     * @param sampling the temperature and top k of each draw
     * @param gen      the random generator of the draws
     * @param useCache true to feed one character at a time through the key/value caches, false to recompute each window
     * @return the {@code length} generated ids, without the prompt
     * @throws IllegalArgumentException if the prompt is empty or holds an id outside the vocabulary, or length is negative
     */
    public int[] generate(int[] prompt, int length, CharLSTM.Sampling sampling, Generator gen, boolean useCache) {
        if (prompt.length == 0) throw new IllegalArgumentException("CharGPT.generate: the prompt must hold at least one character");
        if (length < 0) throw new IllegalArgumentException("CharGPT.generate: length must be >= 0, got " + length);
        if (length > Integer.MAX_VALUE - 8 - prompt.length) {
            throw new IllegalArgumentException("CharGPT.generate: a prompt of " + prompt.length + " and " + length + " more characters do not fit in one array");
        }
        HeapBudget.require(4L * (prompt.length + length), () -> "CharGPT.generate: " + (prompt.length + length) + " character ids");
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("CharGPT.generate: prompt id " + prompt[i] + " at position " + i
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
        int block = config.blockSize(), keep = block - block / 2;
        int[] ids = Arrays.copyOf(prompt, prompt.length + length);
        int len = prompt.length, start = Math.max(0, len - block); // the context is ids[start, len)
        // Only a model in training mode is switched (and back): an eval-mode model is not written to, so
        // several threads may use it at once.
        boolean wasTraining = isTraining();
        if (wasTraining) eval();
        try (var ignored = GradMode.noGrad()) {
            KVCache[] cache = newCache();
            int fed = start; // ids[start, fed) are in the cache
            for (int t = 0; t < length; t++) {
                int from = useCache ? fed : start;
                Tensor h = hidden(IntTensor.of(Arrays.copyOfRange(ids, from, len), 1, len - from), useCache ? cache : null);
                fed = len;
                float[] logits = head(h.select(1, len - from - 1)).toArray();
                ids[len++] = CharLSTM.sample(logits, sampling, gen);
                if (len - start > block) { // the next context would not fit: keep its end and refill
                    start = len - keep;
                    cache = newCache();
                    fed = start;
                }
            }
        } finally {
            if (wasTraining) train();
        }
        return Arrays.copyOfRange(ids, prompt.length, ids.length);
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * Windows that score every target of a sequence of n ids exactly once: {start, length, scoreFrom}, where the
     * window's inputs are ids[start, start + length) and the targets of its positions scoreFrom.. are counted.
     * Windows advance by half a block, so every character after the first half block is predicted from at least
     * half a block of context (non-overlapping windows would give the first character of each window none).
     */
    static List<int[]> evaluationWindows(int n, int block) {
        List<int[]> windows = new ArrayList<>();
        int targets = n - 1, stride = Math.max(1, block / 2), scored = 0;
        for (int start = 0; scored < targets; start += stride) {
            int length = Math.min(block, targets - start);
            windows.add(new int[] {start, length, scored - start});
            scored = start + length;
        }
        return windows;
    }

    /**
     * Mean loss in nats per character of predicting ids[1..] from what precedes each, with the context the
     * {@link #evaluationWindows} give (at most a block, at least half a block after the first). Runs in eval mode,
     * {@code rows} windows per batch.
     *
     * @param ids  a text's character ids, at least 2
     * @param rows windows per forward pass, at least 1 (it changes the speed and memory, the result only by rounding)
     * @return the mean cross-entropy in nats per predicted character (exp of it is the perplexity)
     * @throws IllegalArgumentException if there are fewer than 2 ids or {@code rows} is not positive
     */
    public double meanLoss(int[] ids, int rows) {
        if (ids.length < 2) throw new IllegalArgumentException("CharGPT.meanLoss: need at least 2 characters (an input and its target), got " + ids.length);
        if (rows < 1) throw new IllegalArgumentException("CharGPT.meanLoss: rows must be positive, got " + rows);
        List<int[]> windows = evaluationWindows(ids.length, config.blockSize());
        // Only a model in training mode is switched (and back): an eval-mode model is not written to, so
        // several threads may use it at once.
        boolean wasTraining = isTraining();
        if (wasTraining) eval();
        double sum = 0;
        long count = 0;
        LossOptions options = LossOptions.defaults().withReduction(Reduction.SUM);
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < windows.size(); ) {
                // A batch of windows of one length (only the last window can be shorter).
                int length = windows.get(i)[1], b = 0;
                while (i + b < windows.size() && b < rows && windows.get(i + b)[1] == length) b++;
                int[] x = new int[b * length], y = new int[b * length];
                for (int r = 0; r < b; r++) {
                    int[] w = windows.get(i + r);
                    System.arraycopy(ids, w[0], x, r * length, length);
                    for (int t = 0; t < length; t++) {
                        boolean counted = t >= w[2];
                        y[r * length + t] = counted ? ids[w[0] + t + 1] : LossOptions.DEFAULT_IGNORE_INDEX;
                        if (counted) count++;
                    }
                }
                Tensor logits = forward(IntTensor.of(x, b, length));
                sum += Functional.crossEntropy(logits.reshape(b * length, config.vocabSize()), IntTensor.of(y, b * length), options).item();
                i += b;
            }
        } finally {
            if (wasTraining) train();
        }
        return sum / count;
    }

    /**
     * One line for logs: "CharGPT(vocab=65, block=128, emb=128, heads=4, layers=4, ff=512, dropout=0.1)".
     *
     * @return the model's kind and sizes
     */
    public String summary() {
        return config.summary();
    }
}
