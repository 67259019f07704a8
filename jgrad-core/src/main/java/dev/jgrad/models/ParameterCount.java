package dev.jgrad.models;

import dev.jgrad.nn.RNNBase;
import dev.jgrad.tensor.HeapBudget;

import java.util.function.Supplier;

/**
 * The number of parameters of the layers the models are built from, from their sizes alone: what a model's
 * {@code Config.numParameters()} adds up, so that a model can be checked against the heap and against the checkpoint
 * that is to fill it before any weight is allocated. Each count is the layer's own {@code numParameters()}
 * (ModelSizeTest compares them); the arithmetic saturates at {@link Long#MAX_VALUE}, as sizes may come from a corrupt file.
 */
final class ParameterCount {
    private ParameterCount() {}

    static long linear(long in, long out, boolean bias) {
        return HeapBudget.plus(HeapBudget.times(in, out), bias ? out : 0);
    }

    static long embedding(long num, long dim) {
        return HeapBudget.times(num, dim);
    }

    static long layerNorm(long dim) {
        return HeapBudget.times(2, dim);
    }

    /** A recurrent cell (LSTMCell: 4 gates): weight_ih, weight_hh and two biases. */
    static long cell(int gates, long in, long hidden, boolean bias) {
        long gh = HeapBudget.times(gates, hidden);
        return HeapBudget.plus(HeapBudget.times(gh, HeapBudget.plus(in, hidden)), bias ? HeapBudget.times(2, gh) : 0);
    }

    /** A stacked, possibly bidirectional recurrent layer (LSTM: 4 gates) of {@link RNNBase.Options}. */
    static long recurrent(int gates, RNNBase.Options o) {
        int directions = o.bidirectional() ? 2 : 1;
        long n = 0;
        for (int layer = 0; layer < o.numLayers() && n < Long.MAX_VALUE; layer++) {
            long in = layer == 0 ? o.inputSize() : HeapBudget.times(o.hiddenSize(), directions);
            n = HeapBudget.plus(n, HeapBudget.times(directions, cell(gates, in, o.hiddenSize(), o.bias())));
        }
        return n;
    }

    /** MultiheadAttention of width d with biases: the packed in-projection and out_proj. */
    static long attention(long d) {
        return HeapBudget.plus(linear(d, HeapBudget.times(3, d), true), linear(d, d, true));
    }

    /** A Transformer encoder layer: self-attention, the two feed-forward linears, two LayerNorms. */
    static long encoderLayer(long d, long ff) {
        return sum(attention(d), linear(d, ff, true), linear(ff, d, true), HeapBudget.times(2, layerNorm(d)));
    }

    /** A Transformer decoder layer: self- and cross-attention, the feed-forward linears, three LayerNorms. */
    static long decoderLayer(long d, long ff) {
        return sum(HeapBudget.times(2, attention(d)), linear(d, ff, true), linear(ff, d, true), HeapBudget.times(3, layerNorm(d)));
    }

    static long sum(long... counts) {
        long n = 0;
        for (long c : counts) n = HeapBudget.plus(n, c);
        return n;
    }

    /**
     * Fails before a model of {@code parameters} weights (plus {@code buffers} other floats) is allocated when the heap
     * cannot hold them.
     */
    static void requireHeap(long parameters, long buffers, Supplier<String> model) {
        HeapBudget.require(HeapBudget.times(Float.BYTES, HeapBudget.plus(parameters, buffers)), () -> "the weights of " + model.get());
    }
}
