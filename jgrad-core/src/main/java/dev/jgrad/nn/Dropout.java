package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * Randomly zeroes elements with probability p during training and scales the survivors by 1/(1-p)
 * (torch.nn.Dropout); the identity in eval mode.
 */
public class Dropout extends Module implements UnaryModule {
    private final double p;
    private final Generator gen; // null: the default generator at call time, so Generator.manualSeed applies

    /**
     * Dropout drawing from the default generator at each call (so Generator.manualSeed applies).
     *
     * @param p the probability of zeroing an element, in [0, 1)
     * @throws IllegalArgumentException when p is outside [0, 1)
     */
    public Dropout(double p) {
        this(p, null);
    }

    /**
     * With its own generator, for masks reproducible independently of other random draws.
     *
     * @param p the probability of zeroing an element, in [0, 1)
     * @param gen the generator the masks are drawn from
     * @throws IllegalArgumentException when p is outside [0, 1)
     */
    public Dropout(double p, Generator gen) {
        Functional.checkDropoutP(p);
        this.p = p;
        this.gen = gen;
    }

    /**
     * The drop probability.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), gen != null ? gen : Generator.defaultGenerator());
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
