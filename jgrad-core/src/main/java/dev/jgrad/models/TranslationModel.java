package dev.jgrad.models;

import dev.jgrad.nn.Module;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;

import java.util.Map;

/**
 * What a sequence-to-sequence translation model offers for training, decoding ({@link Translator}) and checkpoints,
 * whatever its architecture: {@link TranslationTransformer} or {@link TranslationLSTM}.
 *
 * <p>Ids: one joint vocabulary for source and target; sources end in {@code <eos>}, targets start with {@code <bos>};
 * padding ({@link SubwordVocabulary#PAD_ID}) comes after a sentence's tokens.
 *
 * <p>Decoding: {@link #startDecoding} encodes a batch of sources once and returns the decoder's state; each
 * {@link #decodeStep} feeds every row's newest token and advances the state by one position. A row is one hypothesis;
 * {@link DecodingState#reorder} keeps, repeats or drops rows when beam search re-ranks its hypotheses or sentences
 * finish.
 */
public abstract class TranslationModel extends Module {

    /** For subclasses, which register their children in their own constructors. */
    protected TranslationModel() {}

    /** A batch's decoding state: one row per hypothesis, initially one per source sentence. */
    public interface DecodingState {
        /**
         * The number of rows.
         *
         * @return the hypotheses being decoded together
         */
        int batchSize();

        /**
         * Keeps rows in the given order: row r becomes the old row rows[r] (rows may repeat; the count may change).
         *
         * @param rows for each new row, the index of the old row it continues, each in {@code [0, batchSize())}
         * @throws IndexOutOfBoundsException if an index is out of range
         */
        void reorder(int[] rows);
    }

    /** A model's shape: what a checkpoint's metadata must say to rebuild it. */
    public interface Config {
        /**
         * Source and target vocabulary size.
         *
         * @return the joint vocabulary's size V (the embeddings' rows and the logits' width)
         */
        int vocabSize();

        /**
         * The longest sequence, in tokens with {@code <bos>}/{@code <eos>}, the model takes and generates.
         *
         * @return the maximum length in tokens
         */
        int maxLen();

        /**
         * As checkpoint metadata, with the key "model" naming the kind.
         *
         * @return string entries a checkpoint stores and the model's {@code fromMetadata} reads back
         */
        Map<String, String> toMetadata();

        /**
         * One line for logs: sizes, layers, attention, embeddings.
         *
         * @return the model's kind and shape
         */
        String summary();
    }

    /**
     * The model's shape.
     *
     * @return the config it was built with
     */
    public abstract Config config();

    /**
     * Source and target vocabulary size.
     *
     * @return V, as {@link Config#vocabSize()}
     */
    public final int vocabSize() {
        return config().vocabSize();
    }

    /**
     * The longest sequence, in tokens with {@code <bos>}/{@code <eos>}, the model takes and generates.
     *
     * @return the maximum length, as {@link Config#maxLen()}
     */
    public final int maxLen() {
        return config().maxLen();
    }

    /**
     * Teacher-forced training: source ids [B, S] and target input ids [B, T] ({@code <bos>} first) to logits [B, T, V].
     *
     * @param src   source ids of shape [B, S], each sentence ending in {@code <eos>}, padded after it
     * @param tgtIn target input ids of shape [B, T]: {@code <bos>} then the target without its last token, padded
     * @return next-token logits of shape [B, T, V]: position t predicts target token t + 1
     */
    public abstract Tensor forward(IntTensor src, IntTensor tgtIn);

    /**
     * Encodes source ids [B, S] (padded after each sentence's end) and returns the state before the first target token.
     *
     * @param src source ids of shape [B, S]
     * @return the decoding state, one row per source sentence, for {@link #decodeStep}
     */
    public abstract DecodingState startDecoding(IntTensor src);

    /**
     * One step for every row of {@code state}: the tokens chosen last [R] ({@code <bos>} at the start) to the next
     * token's logits [R, V]; the state moves on by one position. Decode under {@code GradMode.noGrad()}, in eval mode.
     *
     * @param lastTokens the token each row chose last, one per row of {@code state}
     * @param state      the state {@link #startDecoding} returned, advanced by earlier steps; advanced again
     * @return the next token's logits, of shape [R, V]
     */
    public abstract Tensor decodeStep(int[] lastTokens, DecodingState state);

    /**
     * What the decoder attended to in the source while predicting each next token: weights [B, T, S] for target input
     * ids [B, T] after source ids [B, S], each row a distribution over the real source tokens. For heat maps; call it in
     * eval mode without grad.
     *
     * @param src   source ids of shape [B, S]
     * @param tgtIn target input ids of shape [B, T], {@code <bos>} first
     * @return attention weights of shape [B, T, S], zero at the source's padding
     */
    public abstract Tensor crossAttention(IntTensor src, IntTensor tgtIn);

    /**
     * The model's shape as checkpoint metadata, with the key "model" naming the kind.
     *
     * @return {@link Config#toMetadata()} of this model's config
     */
    public final Map<String, String> metadata() {
        return config().toMetadata();
    }

    /**
     * One line for logs: sizes, layers, attention, embeddings.
     *
     * @return {@link Config#summary()} of this model's config
     */
    public final String summary() {
        return config().summary();
    }

    /** Checks the state's class for a model's decodeStep. */
    static <S extends DecodingState> S ownState(Class<S> type, DecodingState state, String model) {
        if (!type.isInstance(state)) {
            throw new IllegalArgumentException(model + ": the decoding state " + (state == null ? "null" : state.getClass().getSimpleName())
                    + " does not come from this model's startDecoding");
        }
        return type.cast(state);
    }

    /** Rows as an index tensor, each checked against the batch size. */
    static IntTensor rowIndex(int[] rows, int batchSize, String model) {
        for (int r : rows) {
            if (r < 0 || r >= batchSize) throw new IndexOutOfBoundsException(model + ": row " + r + " is out of range for a decoding batch of " + batchSize);
        }
        return IntTensor.of(rows.clone(), rows.length);
    }
}
