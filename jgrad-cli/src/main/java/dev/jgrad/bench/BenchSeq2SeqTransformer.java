package dev.jgrad.bench;

import dev.jgrad.nn.AttentionArgs;
import dev.jgrad.nn.DecoderCache;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Transformer;
import dev.jgrad.nn.TransformerLayerOptions;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/**
 * The peer's Seq2SeqTransformer (the PyTorch peer script torch_bench.py), module for module and name for name:
 * {@code emb} (Embedding(vocab, d), shared by source and target), {@code pos} (learned positions,
 * Embedding(maxLen, d)), {@code transformer} (nn.Transformer, batch first, post-norm, ReLU),
 * {@code proj} (untied Linear(d, vocab)) and {@code drop}. Tokens are embedded as
 * {@code drop(emb(tok) * sqrt(d) + pos(positions))}. The decoder's self-attention is causal by its args, which is
 * the peer's generate_square_subsequent_mask without materialising it.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class BenchSeq2SeqTransformer extends Module {
    final int dModel;
    final Embedding emb, pos;
    final Transformer transformer;
    final Linear proj;
    final Dropout drop;

    /** The decoder's self-attention: each position sees itself and the ones before. */
    private static final AttentionArgs CAUSAL = AttentionArgs.builder().causal().build();

    /** The peer's defaults: vocab 8000, d_model 256, 8 heads, 3 + 3 layers, feed-forward 1024, dropout 0.1, 64 positions. */
    public BenchSeq2SeqTransformer(Generator gen) {
        this(8000, 256, 8, 3, 3, 1024, 0.1, 64, gen);
    }

    public BenchSeq2SeqTransformer(int vocab, int dModel, int nhead, int nEnc, int nDec, int dFf, double dropout, int maxLen, Generator gen) {
        this.dModel = dModel;
        emb = registerModule("emb", new Embedding(vocab, dModel, gen));
        pos = registerModule("pos", new Embedding(maxLen, dModel, gen));
        TransformerLayerOptions options = Transformer.options(dModel, nhead).dimFeedforward(dFf).dropout(dropout).batchFirst().build();
        transformer = registerModule("transformer", new Transformer(options, nEnc, nDec, gen));
        proj = registerModule("proj", new Linear(dModel, vocab, true, gen));
        drop = registerModule("drop", new Dropout(dropout));
    }

    /** tok [B, T] at positions start .. start + T - 1 to [B, T, d]. */
    Tensor embed(IntTensor tok, int start) {
        Tensor positions = pos.weight().narrow(0, start, tok.size(1)); // the rows pos(arange) would gather
        return drop.forward(emb.forward(tok).mul((float) Math.sqrt(dModel)).add(positions));
    }

    /** src [B, S] to memory [B, S, d]. */
    Tensor encode(IntTensor src) {
        return transformer.encoder().forward(embed(src, 0));
    }

    /** The whole target prefix tgt [B, T], causally, to [B, T, d]. */
    Tensor decode(IntTensor tgt, Tensor memory) {
        return transformer.decoder().forward(embed(tgt, 0), memory, CAUSAL, AttentionArgs.NONE);
    }

    /**
     * Only the new positions tgt [B, T'] after the cache's, attending to the cached ones: [B, T', d]. With a
     * memory-only cache, tgt is the whole prefix (the cache's length stays 0) and only the memory's projection is reused.
     */
    Tensor decode(IntTensor tgt, Tensor memory, DecoderCache cache) {
        return transformer.decoder().forward(embed(tgt, cache.length()), memory, CAUSAL, AttentionArgs.NONE, cache);
    }

    /** Logits [B, T, vocab] for source src [B, S] and target input tgt [B, T]. */
    Tensor forward(IntTensor src, IntTensor tgt) {
        return proj.forward(decode(tgt, encode(src)));
    }
}
