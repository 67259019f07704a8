package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * Luong's multiplicative attention (Luong, Pham and Manning 2015), with one of two scores:
 * <pre>
 *   dot:      score(q, k_j) = q^T k_j              (query and keys of one size, no parameters)
 *   general:  score(q, k_j) = q^T W k_j            (W [Q, K], {@code key_proj.weight}, no bias)
 * </pre>
 * For "general" {@link #prepareKeys} computes W k_j once per source, so each decoder step is a dot product as with
 * "dot". The scores are not scaled (unlike the Transformer's 1/sqrt(d)), as in the paper.
 */
@SuppressWarnings("this-escape")
public final class LuongAttention extends GlobalAttention {

    /** The score function. */
    public enum Score {
        /** q^T k_j: no parameters, queries and keys of one size. */
        DOT,
        /** q^T W k_j, with a learned W [Q, K]. */
        GENERAL;

        /**
         * "dot" or "general", as on the command line and in checkpoints.
         *
         * @return the lower-case name
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Score score;
    private final Linear keyProj;

    /**
     * Luong attention with the given score; GENERAL's W starts as PyTorch's Linear default.
     *
     * @param score DOT or GENERAL
     * @param queryDim the query size Q, at least 1
     * @param keyDim the key size K, at least 1; equal to Q for DOT
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when score is null, a size is below 1, or DOT is given two sizes
     */
    public LuongAttention(Score score, int queryDim, int keyDim, Generator gen) {
        super(queryDim, keyDim);
        if (score == null) throw new IllegalArgumentException("LuongAttention: the score must be DOT or GENERAL, got null");
        if (score == Score.DOT && queryDim != keyDim) {
            throw new IllegalArgumentException("LuongAttention: the dot score needs queries and keys of one size, got " + queryDim + " and " + keyDim
                    + " (use the general score, which has a W between them)");
        }
        this.score = score;
        keyProj = score == Score.GENERAL ? registerModule("key_proj", new Linear(keyDim, queryDim, false, gen)) : null;
    }

    /**
     * Luong attention initialised from the default generator.
     *
     * @param score DOT or GENERAL
     * @param queryDim the query size Q, at least 1
     * @param keyDim the key size K, at least 1; equal to Q for DOT
     * @throws IllegalArgumentException when score is null, a size is below 1, or DOT is given two sizes
     */
    public LuongAttention(Score score, int queryDim, int keyDim) {
        this(score, queryDim, keyDim, Generator.defaultGenerator());
    }

    /**
     * The score function.
     *
     * @return DOT or GENERAL
     */
    public Score score() {
        return score;
    }

    @Override
    public int preparedDim() {
        return queryDim();
    }

    @Override
    protected Tensor computePreparedKeys(Tensor keys) {
        return keyProj == null ? keys : keyProj.forward(keys);
    }

    @Override
    protected Tensor scores(Tensor query, Tensor preparedKeys) {
        return preparedKeys.matmul(query.unsqueeze(2)).squeeze(2); // [B, S, Q] x [B, Q, 1]
    }

    @Override
    protected String extraRepr() {
        return "score=" + score.label() + ", query=" + queryDim() + ", key=" + keyDim();
    }
}
