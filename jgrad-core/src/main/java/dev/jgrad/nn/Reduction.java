package dev.jgrad.nn;

/** How a loss combines its per-element values (PyTorch's reduction='mean' | 'sum' | 'none'). */
public enum Reduction {
    /** The average; for class losses, over the targets that are not ignored. */
    MEAN,
    SUM,
    /** One loss per element, in the target's shape. */
    NONE
}
