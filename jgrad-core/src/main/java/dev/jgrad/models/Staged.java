package dev.jgrad.models;

/**
 * A network read as stages from input to output: a stem (stage 0), body stages 1..{@link #numStages()},
 * and a head (stage numStages() + 1). Transfer learning works on stages: train the last k of them, or give
 * earlier stages smaller learning rates (see {@link Transfer}).
 */
public interface Staged {
    /**
     * Number of body stages (4 for a ResNet: layer1..layer4).
     *
     * @return the body stages, not counting the stem and the head
     */
    int numStages();

    /**
     * The stage a parameter (by its dotted name in namedParameters()) belongs to: 0 for the stem,
     * 1..numStages() for the body, numStages() + 1 for the head.
     *
     * @param parameterName a key of the model's {@code namedParameters()}, e.g. {@code layer2.0.conv1.weight}
     * @return the stage, from 0 (stem) to {@code numStages() + 1} (head)
     * @throws IllegalArgumentException for a name that is not one of the model's parameters
     */
    int stageOf(String parameterName);
}
