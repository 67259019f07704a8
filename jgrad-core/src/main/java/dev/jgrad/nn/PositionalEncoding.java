package dev.jgrad.nn;

import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.Tensor;

/**
 * The sinusoidal positional encoding of "Attention Is All You Need", added to the input, then dropout
 * (as in PyTorch's Transformer tutorial; PyTorch itself has no such module):
 * PE(pos, 2i) = sin(pos / 10000^(2i / dModel)), PE(pos, 2i + 1) = cos(pos / 10000^(2i / dModel)).
 *
 * <p>Input [B, T, dModel] with batchFirst, else [T, B, dModel]. The table for maxLen positions is a
 * non-persistent buffer "pe" [maxLen, dModel]: computed in double, rounded once, and left out of the
 * state dict since it is rebuilt from the constructor's arguments. {@link #forward(Tensor, int)} starts at
 * a later position, for incremental decoding.
 */
// Constructors register buffers, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class PositionalEncoding extends Module implements UnaryModule {
    private final int dModel, maxLen;
    private final boolean batchFirst;
    private final Dropout dropout;
    private final Tensor pe;

    /**
     * maxLen 5000, sequence-first, as the tutorial.
     *
     * @param dModel the model width, at least 1
     * @param dropout the dropout after the addition, in [0, 1)
     * @throws IllegalArgumentException when dModel is below 1 or dropout is out of range
     */
    public PositionalEncoding(int dModel, double dropout) {
        this(dModel, dropout, 5000, false);
    }

    /**
     * A positional encoding for up to maxLen positions.
     *
     * @param dModel the model width, at least 1
     * @param dropout the dropout after the addition, in [0, 1)
     * @param maxLen the longest sequence supported, at least 1
     * @param batchFirst whether inputs are [B, T, dModel] rather than [T, B, dModel]
     * @throws IllegalArgumentException when a size is below 1 or dropout is out of range
     */
    public PositionalEncoding(int dModel, double dropout, int maxLen, boolean batchFirst) {
        if (dModel < 1 || maxLen < 1) {
            throw new IllegalArgumentException("PositionalEncoding: d_model and max_len must be positive, got " + dModel + " and " + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        this.dropout = registerModule("dropout", new Dropout(dropout));
        pe = registerBuffer("pe", table(maxLen, dModel), false);
    }

    /**
     * The [length, dModel] sinusoid table.
     *
     * @param length the number of positions, non-negative
     * @param dModel the model width
     * @return a new tensor [length, dModel], even columns sines and odd ones cosines
     */
    public static Tensor table(int length, int dModel) {
        long size = (long) length * dModel;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("PositionalEncoding: a table of " + length + " positions x " + dModel + " = " + size
                    + " values is more than one tensor can hold (2^31 - 9); use a smaller max_len");
        }
        HeapBudget.require(4 * size, () -> "PositionalEncoding(max_len " + length + ", d_model " + dModel + ")");
        float[] d = new float[(int) size];
        for (int pos = 0; pos < length; pos++) {
            for (int i = 0; 2 * i < dModel; i++) {
                double angle = pos / Math.pow(10000.0, 2.0 * i / dModel);
                d[pos * dModel + 2 * i] = (float) Math.sin(angle);
                if (2 * i + 1 < dModel) d[pos * dModel + 2 * i + 1] = (float) Math.cos(angle);
            }
        }
        return Tensor.of(d, length, dModel);
    }

    /**
     * The model width.
     *
     * @return d_model
     */
    public int dModel() {
        return dModel;
    }

    /**
     * The longest sequence supported.
     *
     * @return max_len
     */
    public int maxLen() {
        return maxLen;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    /**
     * Adds the encodings of positions start, start + 1, ... (start = tokens already decoded).
     *
     * @param x the embeddings [T, B, dModel] ([B, T, dModel] when batchFirst)
     * @param start the position of x's first step, non-negative
     * @return x plus the encodings, after dropout
     * @throws IllegalArgumentException when x's shape does not fit or the positions exceed maxLen
     */
    public Tensor forward(Tensor x, int start) {
        if (x.dim() != 3 || x.size(-1) != dModel) {
            throw new IllegalArgumentException("PositionalEncoding: expected input of shape " + (batchFirst ? "[batch, seq, " : "[seq, batch, ")
                    + dModel + "], got " + Shape.str(x.shape()));
        }
        int T = x.size(batchFirst ? 1 : 0);
        if (start < 0 || (long) start + T > maxLen) {
            throw new IllegalArgumentException("PositionalEncoding: positions [" + start + ", " + ((long) start + T) + ") of input "
                    + Shape.str(x.shape()) + " exceed max_len " + maxLen);
        }
        Tensor rows = pe.narrow(0, start, T);
        return dropout.forward(x.add(batchFirst ? rows : rows.unsqueeze(1)));
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", max_len=" + maxLen + ", batch_first=" + (batchFirst ? "True" : "False");
    }
}
