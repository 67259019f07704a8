package dev.jgrad.data;

import dev.jgrad.nn.Functional;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * The copy (memory) problem (Hochreiter and Schmidhuber, 1997; Arjovsky, Shah and Bengio, 2016): the first
 * {@code copyLength} steps show random symbols, blanks follow, a delimiter at step
 * {@code length - copyLength - 1} asks for the symbols back, and the model must output them, in order, during
 * the last {@code copyLength} steps. Tokens: 0 blank, 1..symbols the symbols, symbols + 1 the delimiter; inputs
 * are their one-hot codes [batch, length, symbols + 2]. Targets [batch, copyLength] are symbol ids
 * (1..symbols) among the {@code symbols + 1} output classes (blank and symbols); the loss is cross-entropy on
 * the scored steps, where guessing scores log(symbols).
 */
public final class CopyProblem implements SequenceTask<IntTensor> {

    private final int length, copyLength, symbols;

    /**
     * The copy problem with the given sizes.
     *
     * @param length     the number of time steps, at least {@code 2 * copyLength + 1}
     * @param copyLength the number of symbols to remember and repeat, at least 1
     * @param symbols    the number of distinct symbols, at least 1
     * @throws IllegalArgumentException if a size is out of range
     */
    public CopyProblem(int length, int copyLength, int symbols) {
        if (copyLength < 1 || symbols < 1) {
            throw new IllegalArgumentException("CopyProblem: copyLength and symbols must be positive, got " + copyLength + " and " + symbols);
        }
        if (length < 2 * copyLength + 1) {
            throw new IllegalArgumentException("CopyProblem: length " + length + " leaves no room for " + copyLength
                    + " symbols, the delimiter and " + copyLength + " answers; it must be at least " + (2 * copyLength + 1));
        }
        this.length = length;
        this.copyLength = copyLength;
        this.symbols = symbols;
    }

    /**
     * Ten symbols out of eight, as Arjovsky et al.: copyLength 10, symbols 8.
     *
     * @param length the number of time steps, at least 21 (Arjovsky et al. use T + 20 with T up to 500)
     * @throws IllegalArgumentException if {@code length} is below 21
     */
    public CopyProblem(int length) {
        this(length, 10, 8);
    }

    @Override public String name() { return "copy"; }
    @Override public int length() { return length; }
    @Override public int inputSize() { return symbols + 2; }
    @Override public int outputSize() { return symbols + 1; }
    @Override public int scoredSteps() { return copyLength; }
    @Override public double baselineLoss() { return Math.log(symbols); }

    /**
     * The number of symbols to copy, which is also the number of scored steps.
     *
     * @return copyLength
     */
    public int copyLength() { return copyLength; }

    /**
     * The number of distinct symbols.
     *
     * @return symbols, whose ids are 1..symbols
     */
    public int symbols() { return symbols; }

    /**
     * The delimiter's token id.
     *
     * @return symbols + 1
     */
    public int delimiter() { return symbols + 1; }

    /**
     * Where the delimiter goes: the answers fill the steps after it, to the end.
     *
     * @return the 0-based step of the delimiter, {@code length - copyLength - 1}
     */
    public int delimiterStep() { return length - copyLength - 1; }

    @Override
    public Batch<IntTensor> sample(int batchSize, Generator gen) {
        if (batchSize < 1) throw new IllegalArgumentException("CopyProblem: batch size must be positive, got " + batchSize);
        int vocab = inputSize();
        float[] x = new float[batchSize * length * vocab];
        int[] y = new int[batchSize * copyLength];
        for (int b = 0; b < batchSize; b++) {
            int[] tokens = new int[length]; // blanks unless set
            for (int k = 0; k < copyLength; k++) {
                tokens[k] = 1 + gen.nextInt(symbols);
                y[b * copyLength + k] = tokens[k];
            }
            tokens[delimiterStep()] = delimiter();
            for (int t = 0; t < length; t++) x[(b * length + t) * vocab + tokens[t]] = 1f;
        }
        return new Batch<>(Tensor.of(x, batchSize, length, vocab), IntTensor.of(y, batchSize, copyLength));
    }

    @Override
    public Tensor loss(Tensor outputs, IntTensor targets) {
        int classes = outputSize();
        if (outputs.dim() != 3 || outputs.size(1) != copyLength || outputs.size(2) != classes || targets.dim() != 2
                || targets.size(0) != outputs.size(0) || targets.size(1) != copyLength) {
            throw new IllegalArgumentException("CopyProblem.loss: expected outputs [batch, " + copyLength + ", " + classes
                    + "] and targets [batch, " + copyLength + "], got " + Shape.str(outputs.shape()) + " and " + Shape.str(targets.shape()));
        }
        int n = outputs.size(0) * copyLength;
        return Functional.crossEntropy(outputs.reshape(n, classes), targets.reshape(n));
    }
}
