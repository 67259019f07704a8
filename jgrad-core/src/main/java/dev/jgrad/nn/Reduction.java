package dev.jgrad.nn;

/** How a loss combines its per-element values (PyTorch's reduction='mean' | 'sum' | 'none'). */
public enum Reduction {
    /** The average; for class losses, over the targets that are not ignored. */
    MEAN,
    /** The sum over all elements (for class losses, ignored targets add 0). */
    SUM,
    /** One loss per element, in the target's shape. */
    NONE
}
