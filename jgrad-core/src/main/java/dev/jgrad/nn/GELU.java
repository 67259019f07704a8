package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * Gaussian error linear unit (torch.nn.GELU). approximate "none" (the default) is the exact
 * x * Phi(x); "tanh" is the approximation GPT-2 was trained with, needed to reproduce its outputs.
 */
public class GELU extends Module implements UnaryModule {
    private final String approximate;

    /** The exact GELU (approximate "none"). */
    public GELU() {
        this("none");
    }

    /**
     * A GELU of the given form.
     *
     * @param approximate {@code "none"} for the exact form or {@code "tanh"} for the tanh approximation
     * @throws IllegalArgumentException when approximate is neither
     */
    public GELU(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("GELU: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        }
        this.approximate = approximate;
    }

    /**
     * The form computed.
     *
     * @return {@code "none"} or {@code "tanh"}
     */
    public String approximate() {
        return approximate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.gelu(x, approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
