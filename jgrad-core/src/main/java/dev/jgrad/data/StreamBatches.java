package dev.jgrad.data;

import dev.jgrad.tensor.IntTensor;

/**
 * Batches for truncated backpropagation through time, as char-rnn and PyTorch's word_language_model
 * ({@code batchify} / {@code get_batch}) make them: the token sequence is cut into {@code batch}
 * contiguous streams of equal length, one per batch row, and each stream is walked from start to end in
 * windows of at most {@code seqLen} tokens. Window w of row b continues exactly where window w-1 of row b
 * stopped, so a recurrent model can carry its state from one window to the next; the targets are the
 * inputs shifted by one token. The last window of an epoch may be shorter; the few tokens that do not fill
 * a whole stream (fewer than {@code batch}) are left out.
 *
 * <p>The walk has no randomness: a window is named by its index alone, which is what a checkpoint saves to
 * resume at the same place.
 */
public final class StreamBatches {

    /**
     * One window: inputs and the targets (the next token of each input), both [batch, length].
     *
     * @param inputs  token ids of shape [batch, length]
     * @param targets the next token after each input, of shape [batch, length]
     */
    public record Batch(IntTensor inputs, IntTensor targets) {
        /**
         * The number of time steps of this window.
         *
         * @return the second dimension of the inputs
         */
        public int length() {
            return inputs.size(1);
        }
    }

    private final int[] ids;
    private final int batch;
    private final int seqLen;
    private final int streamLength; // input positions per stream

    /**
     * Streams over {@code ids}.
     *
     * @param ids    the token ids of the whole split (not copied)
     * @param batch  the number of streams, one per batch row, at least 1
     * @param seqLen the longest window (the BPTT length), at least 1
     * @param what names the split in messages ("training split")
     * @throws IllegalArgumentException if the sequence cannot give every stream at least one input and its target
     */
    public StreamBatches(int[] ids, int batch, int seqLen, String what) {
        if (batch < 1) throw new IllegalArgumentException("batch must be positive, got " + batch);
        if (seqLen < 1) throw new IllegalArgumentException("sequence length must be positive, got " + seqLen);
        // Each stream needs one more token than it has inputs: the target of its last input.
        long perStream = ids.length < 2 ? 0 : (ids.length - 1L) / batch;
        if (perStream < 1) {
            throw new IllegalArgumentException("the " + what + " has " + ids.length + " tokens, too few for " + batch
                    + " streams (each needs at least 2: an input and its target); use a smaller batch or a longer text");
        }
        this.ids = ids;
        this.batch = batch;
        this.seqLen = seqLen;
        this.streamLength = (int) perStream;
    }

    /**
     * The number of streams.
     *
     * @return the batch size
     */
    public int batch() {
        return batch;
    }

    /**
     * The longest window.
     *
     * @return the BPTT length
     */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Input positions in each stream (all windows of one row together).
     *
     * @return (tokens - 1) / batch
     */
    public int streamLength() {
        return streamLength;
    }

    /**
     * Windows per pass over the data (one epoch).
     *
     * @return streamLength / seqLen, rounded up
     */
    public int windows() {
        // In long arithmetic: a window as long as Integer.MAX_VALUE must not wrap the rounding to 0 windows.
        return (int) ((streamLength + (long) seqLen - 1) / seqLen);
    }

    /**
     * Tokens predicted per epoch: batch x streamLength.
     *
     * @return the number of targets in one epoch
     */
    public long tokensPerEpoch() {
        return (long) batch * streamLength;
    }

    /**
     * Window {@code w} (0-based): for row b, inputs ids[b*S + w*seqLen + t] and targets ids[b*S + w*seqLen + t + 1]
     * for t below the window's length, S being {@link #streamLength()}.
     *
     * @param w the window index, in [0, windows())
     * @return the window's inputs and targets, [batch, min(seqLen, S - w*seqLen)]
     * @throws IllegalArgumentException if {@code w} is out of range
     */
    public Batch window(int w) {
        if (w < 0 || w >= windows()) {
            throw new IllegalArgumentException("window " + w + " is out of range: an epoch has " + windows() + " windows");
        }
        int start = w * seqLen;
        int len = Math.min(seqLen, streamLength - start);
        int[] x = new int[batch * len], y = new int[batch * len];
        for (int b = 0; b < batch; b++) {
            int from = b * streamLength + start;
            System.arraycopy(ids, from, x, b * len, len);
            System.arraycopy(ids, from + 1, y, b * len, len);
        }
        return new Batch(IntTensor.of(x, batch, len), IntTensor.of(y, batch, len));
    }
}
