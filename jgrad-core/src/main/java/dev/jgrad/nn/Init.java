package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * Weight initialisation in place (torch.nn.init), under no-grad so it may be applied to parameters.
 * Each method returns its tensor; those that draw random numbers take a Generator, or use the default
 * one (reseeded by Generator.manualSeed).
 */
public final class Init {
    private Init() {}

    /** Which fan a Kaiming initialisation preserves: FAN_IN keeps forward activations' variance, FAN_OUT the gradients'. */
    public enum Mode {
        /** Preserve the variance of the activations in the forward pass (PyTorch's default 'fan_in'). */
        FAN_IN,
        /** Preserve the variance of the gradients in the backward pass ('fan_out', used by ResNets' convolutions). */
        FAN_OUT
    }

    /** The nonlinearities torch.nn.init.calculate_gain knows. */
    public enum Nonlinearity {
        /** No activation: gain 1. */
        LINEAR,
        /** A 1-D convolution without activation: gain 1. */
        CONV1D,
        /** A 2-D convolution without activation: gain 1. */
        CONV2D,
        /** A 3-D convolution without activation: gain 1. */
        CONV3D,
        /** The logistic sigmoid: gain 1. */
        SIGMOID,
        /** tanh: gain 5/3. */
        TANH,
        /** ReLU: gain sqrt(2). */
        RELU,
        /** Leaky ReLU with negative slope a: gain sqrt(2 / (1 + a^2)). */
        LEAKY_RELU,
        /** SELU: gain 3/4 (PyTorch's value for self-normalising networks). */
        SELU
    }

    /**
     * fan_in and fan_out of a weight of shape [out, in, *kernel] (PyTorch's _calculate_fan_in_and_fan_out).
     *
     * @param fanIn inputs per output unit: in * prod(kernel)
     * @param fanOut outputs per input unit: out * prod(kernel)
     */
    public record Fans(int fanIn, int fanOut) {}

    /**
     * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); LEAKY_RELU uses slope 0.01.
     *
     * @param nonlinearity the activation that follows the layer
     * @return the factor to scale the standard deviation by (e.g. sqrt(2) for RELU, 5/3 for TANH)
     */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return calculateGain(nonlinearity, 0.01);
    }

    /**
     * The gain with a parameter, which only LEAKY_RELU uses (its negative slope).
     *
     * @param nonlinearity the activation that follows the layer
     * @param param LEAKY_RELU's negative slope; ignored otherwise
     * @return the factor to scale the standard deviation by
     */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        return switch (nonlinearity) {
            case LINEAR, CONV1D, CONV2D, CONV3D, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + param * param));
            case SELU -> 3.0 / 4;
        };
    }

    /**
     * fan_in and fan_out of a weight [out, in, *kernel] (PyTorch's _calculate_fan_in_and_fan_out).
     *
     * @param t a weight of at least 2 dims
     * @return its fans
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Fans fans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape "
                    + Shape.str(s) + ")");
        }
        int receptive = 1;
        for (int d = 2; d < s.length; d++) receptive *= s[d];
        return new Fans(s[1] * receptive, s[0] * receptive);
    }

    // ---------------------------------------------------------------- plain distributions and constants

    /**
     * U(a, b).
     *
     * @param t the tensor to fill in place
     * @param a the lower bound
     * @param b the upper bound
     * @param gen the random generator
     * @return t
     */
    public static Tensor uniform(Tensor t, double a, double b, Generator gen) {
        return fill(t, Tensor.uniform((float) a, (float) b, gen, t.shape()));
    }

    /**
     * Fills t from U(a, b) with the default generator (torch.nn.init.uniform_).
     *
     * @param t the tensor to fill in place
     * @param a the lower bound
     * @param b the upper bound
     * @return t
     */
    public static Tensor uniform(Tensor t, double a, double b) {
        return uniform(t, a, b, Generator.defaultGenerator());
    }

    /**
     * N(mean, std^2).
     *
     * @param t the tensor to fill in place
     * @param mean the mean
     * @param std the standard deviation
     * @param gen the random generator
     * @return t
     */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        return fill(t, Tensor.normal((float) mean, (float) std, gen, t.shape()));
    }

    /**
     * Fills t from N(mean, std^2) with the default generator (torch.nn.init.normal_).
     *
     * @param t the tensor to fill in place
     * @param mean the mean
     * @param std the standard deviation
     * @return t
     */
    public static Tensor normal(Tensor t, double mean, double std) {
        return normal(t, mean, std, Generator.defaultGenerator());
    }

    /**
     * Fills t with one value (torch.nn.init.constant_).
     *
     * @param t the tensor to fill in place
     * @param value the value
     * @return t
     */
    public static Tensor constant(Tensor t, double value) {
        try (var _ = GradMode.noGrad()) {
            return t.fillInPlace((float) value);
        }
    }

    /**
     * Fills t with 0 (torch.nn.init.zeros_).
     *
     * @param t the tensor to fill in place
     * @return t
     */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0);
    }

    /**
     * Fills t with 1 (torch.nn.init.ones_).
     *
     * @param t the tensor to fill in place
     * @return t
     */
    public static Tensor ones(Tensor t) {
        return constant(t, 1);
    }

    // ---------------------------------------------------------------- Glorot and He

    /**
     * Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @param gain the scale (see {@link #calculateGain})
     * @param gen the random generator
     * @return t
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        Fans f = fans(t);
        double a = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
        return uniform(t, -a, a, gen);
    }

    /**
     * Glorot uniform with gain 1 and the default generator (torch.nn.init.xavier_uniform_).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @return t
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Tensor xavierUniform(Tensor t) {
        return xavierUniform(t, 1.0, Generator.defaultGenerator());
    }

    /**
     * Glorot: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @param gain the scale (see {@link #calculateGain})
     * @param gen the random generator
     * @return t
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        Fans f = fans(t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())), gen);
    }

    /**
     * Glorot normal with gain 1 and the default generator (torch.nn.init.xavier_normal_).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @return t
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Tensor xavierNormal(Tensor t) {
        return xavierNormal(t, 1.0, Generator.defaultGenerator());
    }

    /**
     * He: U(-bound, bound) with bound = sqrt(3) * gain / sqrt(fan), gain = calculateGain(nonlinearity, a).
     * nn.Linear's default is a = sqrt(5), FAN_IN, LEAKY_RELU, i.e. bound = 1/sqrt(in_features).
     *
     * @param t a weight of at least 2 dims, filled in place (an empty tensor is returned as is)
     * @param a LEAKY_RELU's negative slope (0 for plain ReLU)
     * @param mode which fan to preserve
     * @param nonlinearity the activation that follows the layer
     * @param gen the random generator
     * @return t
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Tensor kaimingUniform(Tensor t, double a, Mode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) return t; // nothing to initialise, and the fan may be 0
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, gen);
    }

    /**
     * PyTorch's defaults: a = 0, FAN_IN, LEAKY_RELU (gain sqrt(2)).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @param gen the random generator
     * @return t
     */
    public static Tensor kaimingUniform(Tensor t, Generator gen) {
        return kaimingUniform(t, 0, Mode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    /**
     * He uniform with PyTorch's defaults and the default generator (torch.nn.init.kaiming_uniform_).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @return t
     */
    public static Tensor kaimingUniform(Tensor t) {
        return kaimingUniform(t, Generator.defaultGenerator());
    }

    /**
     * He: N(0, std^2) with std = gain / sqrt(fan).
     *
     * @param t a weight of at least 2 dims, filled in place (an empty tensor is returned as is)
     * @param a LEAKY_RELU's negative slope (0 for plain ReLU)
     * @param mode which fan to preserve
     * @param nonlinearity the activation that follows the layer
     * @param gen the random generator
     * @return t
     * @throws IllegalArgumentException when t has fewer than 2 dims
     */
    public static Tensor kaimingNormal(Tensor t, double a, Mode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) return t;
        return normal(t, 0, kaimingStd(t, a, mode, nonlinearity), gen);
    }

    /**
     * He normal with PyTorch's defaults: a = 0, FAN_IN, LEAKY_RELU (std sqrt(2 / fan_in)).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @param gen the random generator
     * @return t
     */
    public static Tensor kaimingNormal(Tensor t, Generator gen) {
        return kaimingNormal(t, 0, Mode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    /**
     * He normal with PyTorch's defaults and the default generator (torch.nn.init.kaiming_normal_).
     *
     * @param t a weight of at least 2 dims, filled in place
     * @return t
     */
    public static Tensor kaimingNormal(Tensor t) {
        return kaimingNormal(t, Generator.defaultGenerator());
    }

    private static double kaimingStd(Tensor t, double a, Mode mode, Nonlinearity nonlinearity) {
        Fans f = fans(t);
        int fan = mode == Mode.FAN_IN ? f.fanIn() : f.fanOut();
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    private static Tensor fill(Tensor t, Tensor values) {
        try (var _ = GradMode.noGrad()) {
            return t.copyFrom(values);
        }
    }
}
