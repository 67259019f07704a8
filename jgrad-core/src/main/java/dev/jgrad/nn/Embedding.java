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

    /**
     * A table without padding row, drawn from the default generator.
     *
     * @param numEmbeddings the vocabulary size, non-negative
     * @param embeddingDim the size of each vector, non-negative
     * @throws IllegalArgumentException when a size is negative
     */
    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, Generator.defaultGenerator());
    }

    /**
     * A table without padding row.
     *
     * @param numEmbeddings the vocabulary size, non-negative
     * @param embeddingDim the size of each vector, non-negative
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is negative
     */
    public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
        this(numEmbeddings, embeddingDim, -1, false, gen);
    }

    /**
     * With a padding row; a negative paddingIdx counts from the end, as in PyTorch.
     *
     * @param numEmbeddings the vocabulary size, non-negative
     * @param embeddingDim the size of each vector, non-negative
     * @param paddingIdx the padding token's id, in [-numEmbeddings, numEmbeddings)
     * @throws IllegalArgumentException when a size is negative or paddingIdx is out of range
     */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, Generator.defaultGenerator());
    }

    /**
     * A table with a padding row (zero, never updated).
     *
     * @param numEmbeddings the vocabulary size, non-negative
     * @param embeddingDim the size of each vector, non-negative
     * @param paddingIdx the padding token's id, in [-numEmbeddings, numEmbeddings); negative counts from the end
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is negative or paddingIdx is out of range
     */
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

    /**
     * [num_embeddings, embedding_dim].
     *
     * @return the weight parameter
     */
    public Parameter weight() {
        return ownParameter("weight");
    }

    /**
     * The vocabulary size.
     *
     * @return num_embeddings
     */
    public int numEmbeddings() {
        return numEmbeddings;
    }

    /**
     * The size of each vector.
     *
     * @return embedding_dim
     */
    public int embeddingDim() {
        return embeddingDim;
    }

    /**
     * The padding row, normalised to [0, numEmbeddings).
     *
     * @return the padding index, or empty when there is none
     */
    public OptionalInt paddingIdx() {
        return paddingIdx < 0 ? OptionalInt.empty() : OptionalInt.of(paddingIdx);
    }

    /**
     * ids of any shape, each in [0, num_embeddings), to ids.shape + [embedding_dim].
     *
     * @param ids token ids
     * @return the vectors, differentiable with respect to the weight
     * @throws IndexOutOfBoundsException when an id is out of range
     */
    public Tensor forward(IntTensor ids) {
        return EmbeddingOp.embedding(ids, weight(), paddingIdx);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
