package dev.jgrad.data;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * A synthetic sequence task with long-range dependencies, scored only on its last {@link #scoredSteps()} steps:
 * whatever the model needs from the start of the sequence must survive {@link #length()} steps of recurrence,
 * and so must the gradient on the way back. The benchmarks of Hochreiter and Schmidhuber (1997) for the LSTM.
 *
 * @param <T> the targets' type: a {@link Tensor} of values (regression) or an {@link dev.jgrad.tensor.IntTensor}
 *            of class ids
 */
public interface SequenceTask<T> {

    /**
     * A batch: inputs [batch, length, inputSize] and the targets of the scored steps.
     *
     * @param <T>     the targets' type
     * @param inputs  the input sequences, of shape [batch, length, inputSize]
     * @param targets what the model should output on the scored steps
     */
    record Batch<T>(Tensor inputs, T targets) {}

    /**
     * The task's short name, for reports and file names.
     *
     * @return e.g. "adding" or "copy"
     */
    String name();

    /**
     * Time steps per sequence.
     *
     * @return T, the distance the information must travel
     */
    int length();

    /**
     * Features per input step.
     *
     * @return the last dimension of the inputs
     */
    int inputSize();

    /**
     * Outputs the model produces per scored step (1 for a regression, the number of classes otherwise).
     *
     * @return the size of the model's output layer
     */
    int outputSize();

    /**
     * How many steps at the end of the sequence are scored.
     *
     * @return the number of final steps the loss looks at
     */
    int scoredSteps();

    /**
     * A fresh batch drawn from {@code gen}: the same generator state gives the same batch.
     *
     * @param batchSize the number of sequences, at least 1
     * @param gen       the random source, advanced
     * @return inputs and targets
     */
    Batch<T> sample(int batchSize, Generator gen);

    /**
     * The mean loss of {@code outputs} [batch, scoredSteps, outputSize] (the model's outputs on the scored steps).
     *
     * @param outputs the model's outputs on the scored steps, of shape [batch, scoredSteps, outputSize]
     * @param targets the batch's targets
     * @return a scalar loss tensor, differentiable with respect to {@code outputs}
     * @throws IllegalArgumentException if the shapes do not fit the task
     */
    Tensor loss(Tensor outputs, T targets);

    /**
     * The loss of the best input-blind guess, the level a model must beat to have learnt anything.
     *
     * @return the baseline loss
     */
    double baselineLoss();
}
