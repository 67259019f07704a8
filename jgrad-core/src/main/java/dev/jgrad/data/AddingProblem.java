package dev.jgrad.data;

import dev.jgrad.nn.Functional;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * The adding problem (Hochreiter and Schmidhuber, 1997; here in the form of Le, Jaitly and Hinton, 2015): each
 * step carries a random value in [0, 1) and a marker; exactly two steps are marked, one in the first half and
 * one in the second, and the target at the last step is the sum of the two marked values. Inputs are
 * [batch, length, 2] (value, marker), targets [batch, 1]; the loss is the mean squared error. Always
 * answering 1 scores about 1/6, so a model has learnt something only below that.
 */
public final class AddingProblem implements SequenceTask<Tensor> {

    private final int length;

    /**
     * The adding problem over sequences of {@code length} steps (Le et al. use 150 to 400).
     *
     * @param length the number of time steps, at least 2
     * @throws IllegalArgumentException if {@code length} is below 2
     */
    public AddingProblem(int length) {
        if (length < 2) throw new IllegalArgumentException("AddingProblem: length must be at least 2 (one marker per half), got " + length);
        this.length = length;
    }

    @Override public String name() { return "adding"; }
    @Override public int length() { return length; }
    @Override public int inputSize() { return 2; }
    @Override public int outputSize() { return 1; }
    @Override public int scoredSteps() { return 1; }

    /** Var(U + U') = 1/12 + 1/12 for two independent uniform values: the error of always answering their mean, 1. */
    @Override public double baselineLoss() { return 1.0 / 6.0; }

    @Override
    public Batch<Tensor> sample(int batchSize, Generator gen) {
        if (batchSize < 1) throw new IllegalArgumentException("AddingProblem: batch size must be positive, got " + batchSize);
        int half = length / 2;
        float[] x = new float[batchSize * length * 2];
        float[] y = new float[batchSize];
        for (int b = 0; b < batchSize; b++) {
            int base = b * length * 2;
            for (int t = 0; t < length; t++) x[base + 2 * t] = gen.nextFloat();
            int first = gen.nextInt(half);
            int second = half + gen.nextInt(length - half);
            x[base + 2 * first + 1] = 1f;
            x[base + 2 * second + 1] = 1f;
            y[b] = x[base + 2 * first] + x[base + 2 * second];
        }
        return new Batch<>(Tensor.of(x, batchSize, length, 2), Tensor.of(y, batchSize, 1));
    }

    @Override
    public Tensor loss(Tensor outputs, Tensor targets) {
        if (outputs.dim() != 3 || outputs.size(1) != 1 || outputs.size(2) != 1 || targets.dim() != 2
                || targets.size(0) != outputs.size(0) || targets.size(1) != 1) {
            throw new IllegalArgumentException("AddingProblem.loss: expected outputs [batch, 1, 1] and targets [batch, 1], got "
                    + dev.jgrad.tensor.Shape.str(outputs.shape()) + " and " + dev.jgrad.tensor.Shape.str(targets.shape()));
        }
        return Functional.mseLoss(outputs.reshape(outputs.size(0), 1), targets);
    }
}
