package dev.jgrad.data;

import dev.jgrad.nn.AttentionMask;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.text.SubwordVocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Batches of sentence pairs of similar length under a token budget, as fairseq's {@code --max-tokens}: a batch of
 * B pairs whose longest source has S tokens and longest target T (decoder steps) holds at most
 * {@code batchTokens >= B * max(S, T)} tokens with padding, so short sentences come in large batches and long ones
 * in small, and little compute goes to padding.
 *
 * <p>Each epoch ({@link #epoch}): the pairs are shuffled with the generator, sorted by length (stably, so equal lengths
 * stay shuffled), cut into batches in that order, and the batches shuffled again. A pair alone over the budget is a
 * batch of its own. The same generator state gives the same batches.
 */
public final class TranslationBatcher {

    /**
     * A padded batch: {@code source} [B, S], {@code targetIn} [B, T] (from {@code <bos>}) and {@code targetOut} [B, T]
     * (to {@code <eos>}), padded with {@link SubwordVocabulary#PAD_ID}; token counts exclude padding.
     *
     * @param indices      the pairs of the batch, as indices into the batcher's lists
     * @param source       source ids, of shape [B, S]
     * @param targetIn     decoder inputs: each target without its last token, of shape [B, T]
     * @param targetOut    decoder targets: each target without its {@code <bos>}, of shape [B, T]
     * @param sourceTokens real source tokens (padding excluded)
     * @param targetTokens real target tokens to predict (padding excluded)
     */
    public record Batch(int[] indices, IntTensor source, IntTensor targetIn, IntTensor targetOut, int sourceTokens, int targetTokens) {
        /**
         * The number of pairs.
         *
         * @return B
         */
        public int size() {
            return indices.length;
        }

        /**
         * The source key padding mask [B, S] (true at padding).
         *
         * @return the mask for the encoder's self-attention and the decoder's cross-attention
         */
        public AttentionMask sourcePadding() {
            return AttentionMask.padding(source, SubwordVocabulary.PAD_ID);
        }
    }

    private final List<int[]> sources, targets;
    private final int batchTokens;

    /**
     * A batcher over encoded pairs (the lists are copied, the arrays are not).
     *
     * @param sources     source ids of each pair, at least 1 token each
     * @param targets {@code <bos>} ... {@code <eos>}, at least 2 tokens each
     * @param batchTokens the token budget per batch, padding included, at least 1
     * @throws IllegalArgumentException if the counts differ, there is no pair, the budget is below 1 or a
     *                                  sequence is too short
     */
    public TranslationBatcher(List<int[]> sources, List<int[]> targets, int batchTokens) {
        if (sources.size() != targets.size()) {
            throw new IllegalArgumentException("batcher: " + sources.size() + " sources but " + targets.size() + " targets");
        }
        if (sources.isEmpty()) throw new IllegalArgumentException("batcher: no sentence pairs");
        if (batchTokens < 1) throw new IllegalArgumentException("batcher: the token budget per batch must be positive, got " + batchTokens);
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).length < 1 || targets.get(i).length < 2) {
                throw new IllegalArgumentException("batcher: pair " + i + " has a source of " + sources.get(i).length + " and a target of "
                        + targets.get(i).length + " tokens; sources need at least 1, targets at least 2 (<bos> ... <eos>)");
            }
        }
        this.sources = List.copyOf(sources);
        this.targets = List.copyOf(targets);
        this.batchTokens = batchTokens;
    }

    /**
     * A batcher over encoded examples.
     *
     * @param examples    the encoded pairs
     * @param batchTokens the token budget per batch, padding included
     * @return the batcher
     * @throws IllegalArgumentException if there is no pair or the budget is below 1
     */
    public static TranslationBatcher of(TranslationExamples examples, int batchTokens) {
        List<int[]> s = new ArrayList<>(), t = new ArrayList<>();
        for (TranslationExamples.Example e : examples.examples()) {
            s.add(e.source());
            t.add(e.target());
        }
        return new TranslationBatcher(s, t, batchTokens);
    }

    /**
     * The number of pairs.
     *
     * @return the dataset size
     */
    public int size() {
        return sources.size();
    }

    /**
     * The token budget per batch.
     *
     * @return the budget given at construction
     */
    public int batchTokens() {
        return batchTokens;
    }

    /** The padded width one pair needs: max(source length, decoder steps). */
    private int width(int i) {
        return Math.max(sources.get(i).length, targets.get(i).length - 1);
    }

    /**
     * One epoch's batches as pair indices, in the order to train on; see the class comment.
     *
     * @param gen the random source of both shuffles
     * @return every pair once, in batches; pass each to {@link #batch(int[])}
     */
    public List<int[]> epoch(Generator gen) {
        Integer[] order = new Integer[sources.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        shuffle(order, gen);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> width(i)).thenComparingInt(i -> sources.get(i).length));
        List<int[]> batches = batches(order);
        int[][] arr = batches.toArray(int[][]::new);
        shuffle(arr, gen);
        return Arrays.asList(arr);
    }

    /**
     * Batches in length order without shuffling (evaluation: deterministic, no generator).
     *
     * @return every pair once, in batches of pair indices
     */
    public List<int[]> inOrder() {
        Integer[] order = new Integer[sources.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> width(i)).thenComparingInt(i -> i));
        return batches(order);
    }

    private List<int[]> batches(Integer[] order) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int end = start + 1, widest = width(order[start]);
            while (end < order.length) {
                int w = Math.max(widest, width(order[end]));
                if ((long) w * (end - start + 1) > batchTokens) break;
                widest = w;
                end++;
            }
            int[] b = new int[end - start];
            for (int k = 0; k < b.length; k++) b[k] = order[start + k];
            out.add(b);
            start = end;
        }
        return out;
    }

    private static <T> void shuffle(T[] a, Generator gen) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            T tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    /**
     * The padded tensors of the pairs at these indices.
     *
     * @param indices pair indices, at least one, e.g. one element of {@link #epoch}
     * @return the padded batch
     * @throws IllegalArgumentException  if {@code indices} is empty
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Batch batch(int[] indices) {
        if (indices.length == 0) throw new IllegalArgumentException("batcher: an empty batch");
        int B = indices.length, S = 0, T = 0;
        for (int i : indices) {
            if (i < 0 || i >= sources.size()) throw new IndexOutOfBoundsException("batcher: pair index " + i + " is out of range for " + sources.size() + " pairs");
            S = Math.max(S, sources.get(i).length);
            T = Math.max(T, targets.get(i).length - 1);
        }
        int[] src = new int[B * S], in = new int[B * T], out = new int[B * T];
        int srcTokens = 0, tgtTokens = 0;
        for (int b = 0; b < B; b++) {
            int[] s = sources.get(indices[b]), t = targets.get(indices[b]);
            System.arraycopy(s, 0, src, b * S, s.length);
            System.arraycopy(t, 0, in, b * T, t.length - 1);
            System.arraycopy(t, 1, out, b * T, t.length - 1);
            srcTokens += s.length;
            tgtTokens += t.length - 1;
        }
        return new Batch(indices.clone(), IntTensor.of(src, B, S), IntTensor.of(in, B, T), IntTensor.of(out, B, T), srcTokens, tgtTokens);
    }
}
