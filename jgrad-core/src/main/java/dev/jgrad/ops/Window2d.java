package dev.jgrad.ops;

import java.util.Arrays;

/**
 * The sliding-window geometry shared by convolution and pooling: kernel, stride, padding and dilation
 * per spatial axis (height first), with PyTorch's output-size rules and its error messages.
 *
 * <p>Sizes arrive as PyTorch's int-or-pair arguments: an array of one value (used for both axes) or two
 * ({@code {h, w}}); {@link #pair} turns them into two and validates them.
 *
 * @param kh kernel height, at least 1
 * @param kw kernel width, at least 1
 * @param sh stride along the height, at least 1
 * @param sw stride along the width, at least 1
 * @param ph padding added to the top and to the bottom (zeros for convolution, minus infinity for max pooling), non-negative
 * @param pw padding added to the left and to the right, non-negative
 * @param dh dilation along the height (1: a dense kernel), at least 1
 * @param dw dilation along the width, at least 1
 */
public record Window2d(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {

    /**
     * PyTorch's _pair: one value for both axes or {h, w}; every value at least {@code min}.
     *
     * @param op the operation's name, for the error message (e.g. "conv2d")
     * @param name the argument's name, for the error message (e.g. "stride")
     * @param v one value (both axes) or two values {@code {h, w}}
     * @param min the smallest allowed value (0 for padding, 1 otherwise)
     * @return a new array {@code {h, w}}
     * @throws IllegalArgumentException when {@code v} is null, has not 1 or 2 values, or a value is below {@code min}
     */
    public static int[] pair(String op, String name, int[] v, int min) {
        if (v == null || v.length < 1 || v.length > 2) {
            throw new IllegalArgumentException(op + ": " + name + " must have 1 or 2 values (height, width), got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        int[] p = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (p[0] < min || p[1] < min) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + (min == 0 ? "non-negative" : "at least " + min)
                    + ", got " + Arrays.toString(v));
        }
        return p;
    }

    /**
     * The window of a convolution or pooling from its int-or-pair arguments (stride defaults to the kernel size), validated.
     *
     * @param op the operation's name, for error messages
     * @param kernel kernel size, one value or {@code {h, w}}
     * @param stride stride, one value or {@code {h, w}}; null or empty means the kernel size (as PyTorch's pooling)
     * @param padding padding, one value or {@code {h, w}}
     * @param dilation dilation, one value or {@code {h, w}}
     * @return the validated window
     * @throws IllegalArgumentException when a size has the wrong arity or is out of range (see {@link #pair})
     */
    public static Window2d of(String op, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        int[] k = pair(op, "kernel_size", kernel, 1);
        int[] s = stride == null || stride.length == 0 ? k : pair(op, "stride", stride, 1);
        int[] p = pair(op, "padding", padding, 0);
        int[] d = pair(op, "dilation", dilation, 1);
        return new Window2d(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]);
    }

    /** The kernel's extent once dilated: d * (k - 1) + 1. */
    int extentH() {
        return dh * (kh - 1) + 1;
    }

    int extentW() {
        return dw * (kw - 1) + 1;
    }

    /** A 1x1 kernel at stride 1 without padding: the output grid is the input grid. */
    boolean pointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
    }

    /** Convolution output sizes {OH, OW} (floor), or an error when the kernel exceeds the padded input. */
    int[] convOutput(String op, int h, int w) {
        int hp = h + 2 * ph, wp = w + 2 * pw;
        if (hp < extentH() || wp < extentW()) {
            throw new IllegalArgumentException(op + ": calculated padded input size per channel: (" + hp + " x " + wp
                    + "). Kernel size: (" + extentH() + " x " + extentW() + "). Kernel size can't be greater than actual input size"
                    + " (input " + h + " x " + w + ", padding " + ph + ", " + pw + ", dilation " + dh + ", " + dw + ")");
        }
        return new int[] {(hp - extentH()) / sh + 1, (wp - extentW()) / sw + 1};
    }

    /**
     * Pooling output sizes {OH, OW} (PyTorch's pooling_output_shape): with ceilMode a last, partial window
     * is kept as long as it starts inside the input or its left padding. Fails as PyTorch does when the
     * padding exceeds half the kernel or the output would be empty.
     */
    int[] poolOutput(String op, int c, int h, int w, boolean ceilMode) {
        if (ph > kh / 2 || pw > kw / 2) {
            throw new IllegalArgumentException(op + ": pad should be smaller than or equal to half of kernel size, but got padH = "
                    + ph + ", padW = " + pw + ", kH = " + kh + ", kW = " + kw);
        }
        int oh = poolSize(h, kh, sh, ph, dh, ceilMode), ow = poolSize(w, kw, sw, pw, dw, ceilMode);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": given input size: (" + c + "x" + h + "x" + w + "). Calculated output size: ("
                    + c + "x" + oh + "x" + ow + "). Output size is too small (kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
                    + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw + ")");
        }
        return new int[] {oh, ow};
    }

    private static int poolSize(int in, int k, int s, int p, int d, boolean ceil) {
        int num = in + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
        int out = Math.floorDiv(num, s) + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    /**
     * PyTorch's repr of a pair: "(3, 3)".
     *
     * @param a the first value (height)
     * @param b the second value (width)
     * @return the text {@code "(a, b)"}
     */
    public static String str(int a, int b) {
        return "(" + a + ", " + b + ")";
    }
}
