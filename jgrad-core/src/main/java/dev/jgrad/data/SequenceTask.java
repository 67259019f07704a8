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

    /** A batch: inputs [batch, length, inputSize] and the targets of the scored steps. */
    record Batch<T>(Tensor inputs, T targets) {}

    String name();

    /** Time steps per sequence. */
    int length();

    /** Features per input step. */
    int inputSize();

    /** Outputs the model produces per scored step (1 for a regression, the number of classes otherwise). */
    int outputSize();

    /** How many steps at the end of the sequence are scored. */
    int scoredSteps();

    /** A fresh batch drawn from {@code gen}: the same generator state gives the same batch. */
    Batch<T> sample(int batchSize, Generator gen);

    /** The mean loss of {@code outputs} [batch, scoredSteps, outputSize] (the model's outputs on the scored steps). */
    Tensor loss(Tensor outputs, T targets);

    /** The loss of the best input-blind guess, the level a model must beat to have learnt anything. */
    double baselineLoss();
}
