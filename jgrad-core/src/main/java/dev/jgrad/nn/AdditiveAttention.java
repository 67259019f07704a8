package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * Bahdanau's additive ("concat", "mlp") attention (Bahdanau, Cho and Bengio 2015):
 * <pre>
 *   score(q, k_j) = v^T tanh(W_q q + W_k k_j + b)
 * </pre>
 * with W_q [A, Q] ({@code query_proj}, no bias), W_k [A, K] and b ({@code key_proj}) and v [A] ({@code v}, a
 * Linear A -> 1 without bias, as PyTorch code usually writes it). W_k k_j + b depends on the keys alone: it is
 * {@link #prepareKeys}, computed once per source, so a decoder step costs one [B, Q] x [Q, A] product, a tanh over
 * [B, S, A] and a product with v. The parameters start as PyTorch's Linear defaults.
 */
@SuppressWarnings("this-escape")
public final class AdditiveAttention extends GlobalAttention {
    private final Linear queryProj, keyProj, v;
    private final int attnDim;

    /**
     * Query size Q, key size K, and A the width of the hidden layer of the score.
     *
     * @param queryDim the query size Q, at least 1
     * @param keyDim the key size K, at least 1
     * @param attnDim the score's hidden width A, at least 1
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is below 1
     */
    public AdditiveAttention(int queryDim, int keyDim, int attnDim, Generator gen) {
        super(queryDim, keyDim);
        if (attnDim < 1) throw new IllegalArgumentException("AdditiveAttention: the attention size must be positive, got " + attnDim);
        this.attnDim = attnDim;
        queryProj = registerModule("query_proj", new Linear(queryDim, attnDim, false, gen));
        keyProj = registerModule("key_proj", new Linear(keyDim, attnDim, true, gen));
        v = registerModule("v", new Linear(attnDim, 1, false, gen));
    }

    /**
     * Additive attention initialised from the default generator.
     *
     * @param queryDim the query size Q, at least 1
     * @param keyDim the key size K, at least 1
     * @param attnDim the score's hidden width A, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public AdditiveAttention(int queryDim, int keyDim, int attnDim) {
        this(queryDim, keyDim, attnDim, Generator.defaultGenerator());
    }

    @Override
    public int preparedDim() {
        return attnDim;
    }

    @Override
    protected Tensor computePreparedKeys(Tensor keys) {
        return keyProj.forward(keys);
    }

    @Override
    protected Tensor scores(Tensor query, Tensor preparedKeys) {
        Tensor hidden = preparedKeys.add(queryProj.forward(query).unsqueeze(1)).tanh(); // [B, S, A]
        return hidden.matmul(v.weight().reshape(attnDim)); // [B, S]: one GEMM over all B * S rows
    }

    @Override
    protected String extraRepr() {
        return "query=" + queryDim() + ", key=" + keyDim() + ", attn=" + attnDim;
    }
}
