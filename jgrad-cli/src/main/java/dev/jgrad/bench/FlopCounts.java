package dev.jgrad.bench;

/**
 * The floating-point operations of the benchmark models, counted from their shapes, so that a workload's
 * throughput can be read as GFLOP/s and as a fraction of the machine's FMA peak.
 *
 * <p>What is counted: the multiply-adds of the matrix products and convolutions, at 2 FLOPs each (a product
 * of an m x k by a k x n matrix is 2mkn; a convolution is 2 * cin * cout * kh * kw per output position).
 * What is ignored: biases, activations, softmax, layer and batch norm, dropout, embeddings (lookups),
 * the loss and the optimizer step. They are a few percent of the total for these shapes, and they are
 * memory-bound, so they could not run at the FMA peak anyway. A training step counts 3x the forward
 * FLOPs (the forward product, then one product each for the input and the weight gradients), as is usual;
 * the first layer's input gradient, which is not needed, is counted anyway.
 *
 * <p>The counts follow the peer's algorithm, which both sides run: the causal self-attention scores are
 * counted for the whole T x T square (the mask is applied after the product), and uncached decoding
 * recomputes the whole prefix and the memory's keys and values at every step.
 */
public final class FlopCounts {
    private FlopCounts() {}

    /** A training step's FLOPs per forward FLOP: forward, input gradient, weight gradient. */
    public static final double TRAINING_FACTOR = 3;

    /**
     * Forward FLOPs per token of the peer's CharLSTM: an embedding, a stack of LSTM layers, a linear output.
     * Each LSTM layer computes its 4 gates from the input and the previous hidden state:
     * 2 * 4h * (in + h); the output layer is 2 * h * vocab.
     *
     * @param vocab  the number of classes (input and output)
     * @param embed  the embedding width, the first layer's input
     * @param hidden the LSTM's hidden size h
     * @param layers the number of stacked LSTM layers
     * @return FLOPs per token, forward only
     */
    public static double charLstmForwardPerToken(int vocab, int embed, int hidden, int layers) {
        double flops = 0;
        for (int layer = 0; layer < layers; layer++) {
            int in = layer == 0 ? embed : hidden;
            flops += 2.0 * 4 * hidden * (in + hidden);
        }
        return flops + 2.0 * hidden * vocab;
    }

    /**
     * Forward FLOPs of one encoder layer (post-norm, as nn.TransformerEncoderLayer) on one sequence:
     * the q, k, v and output projections 4 * 2sd^2, the scores QK^T and the weighted sum AV 2 * 2s^2d
     * (over all heads together), the feed-forward 2 * 2sd*ff.
     *
     * @param d   the model width
     * @param ff  the feed-forward width
     * @param len the sequence length s
     * @return FLOPs for the sequence
     */
    public static double encoderLayerForward(int d, int ff, int len) {
        double s = len;
        return 8 * s * d * d + 4 * s * s * d + 4 * s * d * ff;
    }

    /**
     * Forward FLOPs of one decoder layer on one target sequence of t positions over a memory of m positions:
     * self-attention as in {@link #encoderLayerForward} over t; cross-attention with its query and output
     * projections on t positions (4td^2), its key and value projections on the memory (4md^2) and scores and
     * sum over t x m (4tmd); the feed-forward 4td*ff.
     *
     * @param d         the model width
     * @param ff        the feed-forward width
     * @param targetLen the target positions t
     * @param memoryLen the encoder's output positions m
     * @return FLOPs for the sequence
     */
    public static double decoderLayerForward(int d, int ff, int targetLen, int memoryLen) {
        double t = targetLen, m = memoryLen;
        double selfAttention = 8 * t * d * d + 4 * t * t * d;
        double crossAttention = 4 * t * d * d + 4 * m * d * d + 4 * t * m * d;
        return selfAttention + crossAttention + 4 * t * d * ff;
    }

    /**
     * Forward FLOPs of the peer's Seq2SeqTransformer on one sentence pair: the encoder on the source, the
     * decoder on the target, and the output projection 2 * d * vocab on each of {@code projected} positions.
     *
     * @param shape     the model's sizes
     * @param sourceLen source positions
     * @param targetLen target positions fed to the decoder
     * @param projected positions projected to the vocabulary
     * @return FLOPs for the pair
     */
    public static double transformerForward(TransformerShape shape, int sourceLen, int targetLen, int projected) {
        return shape.encoderLayers() * encoderLayerForward(shape.d(), shape.ff(), sourceLen)
                + shape.decoderLayers() * decoderLayerForward(shape.d(), shape.ff(), targetLen, sourceLen)
                + 2.0 * projected * shape.d() * shape.vocab();
    }

    /**
     * Forward FLOPs of the peer's uncached greedy decoding of one sentence: the encoder once on the source,
     * then for each step t = 1..steps the decoder on the whole prefix of t positions and the output
     * projection of its last position only.
     *
     * @param shape     the model's sizes
     * @param sourceLen source positions
     * @param steps     tokens decoded
     * @return FLOPs for the sentence
     */
    public static double uncachedGreedyDecode(TransformerShape shape, int sourceLen, int steps) {
        double flops = shape.encoderLayers() * encoderLayerForward(shape.d(), shape.ff(), sourceLen);
        for (int t = 1; t <= steps; t++) {
            flops += shape.decoderLayers() * decoderLayerForward(shape.d(), shape.ff(), t, sourceLen)
                    + 2.0 * shape.d() * shape.vocab();
        }
        return flops;
    }

    /**
     * The sizes of a Transformer encoder-decoder that its FLOPs depend on (the number of heads does not:
     * the heads split d between them).
     *
     * @param vocab         the vocabulary size of the output projection
     * @param d             the model width
     * @param ff            the feed-forward width
     * @param encoderLayers the number of encoder layers
     * @param decoderLayers the number of decoder layers
     */
    public record TransformerShape(int vocab, int d, int ff, int encoderLayers, int decoderLayers) {
        /** The peer's Seq2SeqTransformer: vocabulary 8000, d_model 256, ff 1024, 3 + 3 layers. */
        public static final TransformerShape PEER = new TransformerShape(8000, 256, 1024, 3, 3);
    }

    /**
     * Forward FLOPs per image of the peer's CIFAR ResNet-18: a 3x3 stem to 64 channels at full size, four
     * stages of two BasicBlocks (two 3x3 convolutions each) of 64, 128, 256 and 512 channels, each stage
     * after the first halving the size in its first convolution and adding a 1x1 projection shortcut, then
     * global average pooling and a linear layer. A convolution costs 2 * cin * cout * k^2 per output position.
     *
     * @param height  the input height (32 for CIFAR)
     * @param width   the input width
     * @param classes the linear layer's outputs
     * @return FLOPs per image, forward only
     */
    public static double resnet18CifarForwardPerImage(int height, int width, int classes) {
        int h = height, w = width, cin = 64;
        double flops = convolution(3, 64, 3, h, w);
        for (int[] stage : new int[][] {{64, 1}, {128, 2}, {256, 2}, {512, 2}}) {
            int cout = stage[0], stride = stage[1];
            h /= stride;
            w /= stride;
            flops += convolution(cin, cout, 3, h, w) + 3 * convolution(cout, cout, 3, h, w);
            if (stride != 1 || cin != cout) flops += convolution(cin, cout, 1, h, w);
            cin = cout;
        }
        return flops + 2.0 * cin * classes;
    }

    private static double convolution(int cin, int cout, int kernel, int outHeight, int outWidth) {
        return 2.0 * cin * cout * kernel * kernel * outHeight * outWidth;
    }
}
