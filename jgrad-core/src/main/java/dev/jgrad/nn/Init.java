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
    public enum Mode { FAN_IN, FAN_OUT }

    /** The nonlinearities torch.nn.init.calculate_gain knows. */
    public enum Nonlinearity { LINEAR, CONV1D, CONV2D, CONV3D, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /** fan_in and fan_out of a weight of shape [out, in, *kernel] (PyTorch's _calculate_fan_in_and_fan_out). */
    public record Fans(int fanIn, int fanOut) {}

    /** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); LEAKY_RELU uses slope 0.01. */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return calculateGain(nonlinearity, 0.01);
    }

    /** The gain with a parameter, which only LEAKY_RELU uses (its negative slope). */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        return switch (nonlinearity) {
            case LINEAR, CONV1D, CONV2D, CONV3D, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + param * param));
            case SELU -> 3.0 / 4;
        };
    }

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

    /** U(a, b). */
    public static Tensor uniform(Tensor t, double a, double b, Generator gen) {
        return fill(t, Tensor.uniform((float) a, (float) b, gen, t.shape()));
    }

    public static Tensor uniform(Tensor t, double a, double b) {
        return uniform(t, a, b, Generator.defaultGenerator());
    }

    /** N(mean, std^2). */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        return fill(t, Tensor.normal((float) mean, (float) std, gen, t.shape()));
    }

    public static Tensor normal(Tensor t, double mean, double std) {
        return normal(t, mean, std, Generator.defaultGenerator());
    }

    public static Tensor constant(Tensor t, double value) {
        try (var _ = GradMode.noGrad()) {
            return t.fillInPlace((float) value);
        }
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1);
    }

    // ---------------------------------------------------------------- Glorot and He

    /** Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        Fans f = fans(t);
        double a = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
        return uniform(t, -a, a, gen);
    }

    public static Tensor xavierUniform(Tensor t) {
        return xavierUniform(t, 1.0, Generator.defaultGenerator());
    }

    /** Glorot: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        Fans f = fans(t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())), gen);
    }

    public static Tensor xavierNormal(Tensor t) {
        return xavierNormal(t, 1.0, Generator.defaultGenerator());
    }

    /**
     * He: U(-bound, bound) with bound = sqrt(3) * gain / sqrt(fan), gain = calculateGain(nonlinearity, a).
     * nn.Linear's default is a = sqrt(5), FAN_IN, LEAKY_RELU, i.e. bound = 1/sqrt(in_features).
     */
    public static Tensor kaimingUniform(Tensor t, double a, Mode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) return t; // nothing to initialise, and the fan may be 0
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, gen);
    }

    /** PyTorch's defaults: a = 0, FAN_IN, LEAKY_RELU (gain sqrt(2)). */
    public static Tensor kaimingUniform(Tensor t, Generator gen) {
        return kaimingUniform(t, 0, Mode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    public static Tensor kaimingUniform(Tensor t) {
        return kaimingUniform(t, Generator.defaultGenerator());
    }

    /** He: N(0, std^2) with std = gain / sqrt(fan). */
    public static Tensor kaimingNormal(Tensor t, double a, Mode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) return t;
        return normal(t, 0, kaimingStd(t, a, mode, nonlinearity), gen);
    }

    public static Tensor kaimingNormal(Tensor t, Generator gen) {
        return kaimingNormal(t, 0, Mode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

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
