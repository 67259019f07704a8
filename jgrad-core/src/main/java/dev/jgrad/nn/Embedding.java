package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.ops.EmbeddingOp;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.util.OptionalInt;

/**
 * A lookup table of num vectors of size dim (torch.nn.Embedding): ids of any shape to ids.shape + [dim].
 * Weights start as N(0, 1). The optional padding row starts at zero and receives no gradient, so padding
 * tokens contribute nothing however long training runs.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class Embedding extends Module {
    private final int numEmbeddings, embeddingDim;
    private final int paddingIdx; // in [0, num) or -1

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, Generator.defaultGenerator());
    }

    public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
        this(numEmbeddings, embeddingDim, -1, false, gen);
    }

    /** With a padding row; a negative paddingIdx counts from the end, as in PyTorch. */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, Generator.defaultGenerator());
    }

    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, Generator gen) {
        this(numEmbeddings, embeddingDim, paddingIdx, true, gen);
    }

    private Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, boolean padded, Generator gen) {
        if (numEmbeddings < 0 || embeddingDim < 0) {
            throw new IllegalArgumentException("Embedding: num_embeddings and embedding_dim must be non-negative, got "
                    + numEmbeddings + " and " + embeddingDim);
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = padded ? Functional.normalizePaddingIdx(paddingIdx, numEmbeddings) : -1;
        Parameter w = registerParameter("weight", new Parameter(Tensor.zeros(numEmbeddings, embeddingDim)));
        Init.normal(w, 0, 1, gen);
        if (this.paddingIdx >= 0) {
            try (var _ = GradMode.noGrad()) {
                w.select(0, this.paddingIdx).fillInPlace(0f);
            }
        }
    }

    /** [num_embeddings, embedding_dim]. */
    public Parameter weight() {
        return ownParameter("weight");
    }

    public int numEmbeddings() {
        return numEmbeddings;
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    public OptionalInt paddingIdx() {
        return paddingIdx < 0 ? OptionalInt.empty() : OptionalInt.of(paddingIdx);
    }

    /** ids of any shape, each in [0, num_embeddings), to ids.shape + [embedding_dim]. */
    public Tensor forward(IntTensor ids) {
        return EmbeddingOp.embedding(ids, weight(), paddingIdx);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
