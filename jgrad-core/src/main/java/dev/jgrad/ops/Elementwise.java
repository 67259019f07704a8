package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Strided;
import dev.jgrad.tensor.Tensor;

/** Elementwise ops with numpy broadcasting, and their gradients. */
public final class Elementwise {
    private Elementwise() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    /** The binary element-wise ops, with numpy broadcasting; comparisons give 1 or 0 and no gradient. */
    public enum Bin {
        /** a + b (torch.add). */ ADD,
        /** a - b (torch.sub). */ SUB,
        /** a * b (torch.mul). */ MUL,
        /** a / b (torch.div, true division). */ DIV,
        /** a raised to the power b (torch.pow). */ POW,
        /** the larger of a and b, NaN if either is (torch.maximum); ties share the gradient. */ MAX,
        /** the smaller of a and b, NaN if either is (torch.minimum); ties share the gradient. */ MIN,
        /** 1 where a == b, else 0 (torch.eq). */ EQ,
        /** 1 where a != b, else 0 (torch.ne). */ NE,
        /** 1 where a &lt; b, else 0 (torch.lt). */ LT,
        /** 1 where a &lt;= b, else 0 (torch.le). */ LE,
        /** 1 where a &gt; b, else 0 (torch.gt). */ GT,
        /** 1 where a &gt;= b, else 0 (torch.ge). */ GE,
        /** copy the right operand */ RIGHT
    }

    /** The unary element-wise ops (POW with a constant exponent, CLAMP between two bounds). */
    public enum Un {
        /** e to the x (torch.exp). */ EXP,
        /** the natural logarithm (torch.log). */ LOG,
        /** the square root (torch.sqrt). */ SQRT,
        /** the absolute value (torch.abs). */ ABS,
        /** the hyperbolic tangent (torch.tanh). */ TANH,
        /** 1 / (1 + exp(-x)) (torch.sigmoid). */ SIGMOID,
        /** max(x, 0) (torch.relu). */ RELU,
        /** x * Phi(x) with the exact error function (torch.nn.functional.gelu, approximate='none'). */ GELU,
        /** x limited to [p1, p2] (torch.clamp). */ CLAMP,
        /** x raised to the constant power p1 (torch.pow with a number exponent). */ POW
    }

    // ---------------------------------------------------------------- binary

    /**
     * Forward: a op b broadcast to their common shape, with its backward recorded (none for the comparisons).
     *
     * @param op the operation
     * @param a the left operand, any shape broadcastable with b
     * @param b the right operand
     * @return a new tensor of the broadcast shape; comparisons give 1 or 0 and are not differentiable
     * @throws IllegalArgumentException when the shapes do not broadcast
     */
    public static Tensor binary(Bin op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        Tensor out = BufferPool.zeros(shape);
        binaryInto(op, a, b, out);
        switch (op) {
            case EQ, NE, LT, LE, GT, GE, RIGHT -> { return out; } // piecewise constant: no gradient
            default -> { }
        }
        return Tensor.result(out, op.name().toLowerCase(), new Tensor[] {a, b}, new Tensor[] {a, b, out},
                (g, s) -> binaryBackward(op, g, s[0], s[1], s[2]));
    }

    private static Tensor[] binaryBackward(Bin op, Tensor g, Tensor a, Tensor b, Tensor out) {
        boolean needA = a.requiresGrad(), needB = b.requiresGrad();
        Tensor ga = null, gb = null;
        switch (op) {
            case ADD -> {
                if (needA) ga = g.sumTo(a.shape());
                if (needB) gb = g.sumTo(b.shape());
            }
            case SUB -> {
                if (needA) ga = g.sumTo(a.shape());
                if (needB) gb = g.sumTo(b.shape()).neg();
            }
            case MUL -> {
                if (needA) ga = g.mul(b).sumTo(a.shape());
                if (needB) gb = g.mul(a).sumTo(b.shape());
            }
            case DIV -> {
                if (needA) ga = g.div(b).sumTo(a.shape());
                if (needB) gb = g.mul(out).div(b).neg().sumTo(b.shape());
            }
            case POW -> {
                if (needA) ga = g.mul(b).mul(a.pow(b.sub(1f))).sumTo(a.shape());
                if (needB) gb = g.mul(out).mul(a.log()).sumTo(b.shape());
            }
            case MAX, MIN -> {
                // Ties share the gradient equally, as PyTorch does.
                Tensor pick = op == Bin.MAX ? a.gt(b) : a.lt(b);
                Tensor share = pick.add(a.eq(b).mul(0.5f));
                if (needA) ga = g.mul(share).sumTo(a.shape());
                if (needB) gb = g.mul(share.rsub(1f)).sumTo(b.shape());
            }
            default -> throw new IllegalStateException("no gradient for " + op);
        }
        return new Tensor[] {ga, gb};
    }

    /**
     * out = a op b, with a and b broadcast to out's shape (out may be a or a view).
     *
     * @param op the operation
     * @param a the left operand, broadcastable to out's shape
     * @param b the right operand, broadcastable to out's shape
     * @param out the destination, of exactly the broadcast shape of a and b; written in place, outside autograd
     * @throws IllegalArgumentException when the shapes do not broadcast or the result does not fit out
     */
    public static void binaryInto(Bin op, Tensor a, Tensor b, Tensor out) {
        int[] aShape = a.shape(), bShape = b.shape();
        int[] shape = Shape.broadcast(op.name().toLowerCase(), aShape, bShape);
        if (!java.util.Arrays.equals(shape, out.shape())) {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": result of shapes " + Shape.str(aShape) + " and "
                    + Shape.str(bShape) + " is " + Shape.str(shape) + ", which does not fit the output of shape " + Shape.str(out.shape()));
        }
        float[] od = out.storage(), ad = a.storage(), bd = b.storage();
        int count = out.numel(), oo = out.offset(), ao = a.offset(), bo = b.offset();
        if (count >= 2 * BINARY_GRAIN && out.isContiguous() && a.isContiguous() && b.isContiguous()
                && java.util.Arrays.equals(aShape, shape) && java.util.Arrays.equals(bShape, shape)
                && (od != ad || oo == ao) && (od != bd || oo == bo)) { // in place only element for element
            // Same shapes, all dense: one long row, split across cores (residual adds, gradient sums, masks).
            Parallel.forRange(count, BINARY_GRAIN, (from, to) -> row(op, ad, ao + from, 1, bd, bo + from, 1, od, oo + from, 1, to - from));
            return;
        }
        Strided plan = new Strided(shape, new int[][] {out.strides(),
                Shape.broadcastStrides(aShape, a.strides(), shape), Shape.broadcastStrides(bShape, b.strides(), shape)});
        int io = plan.inner[0], ia = plan.inner[1], ib = plan.inner[2];
        plan.forEachRow(new int[] {out.offset(), a.offset(), b.offset()}, (o, n) -> row(op, ad, o[1], ia, bd, o[2], ib, od, o[0], io, n));
    }

    /** Elements per thread below which a same-shape binary op stays on the calling thread. */
    private static final int BINARY_GRAIN = 1 << 15;

    private static void row(Bin op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int os, int n) {
        if (os == 1 && as == 1 && bs == 1) {
            switch (op) {
                case ADD -> { K.add(a, ao, b, bo, out, oo, n); return; }
                case SUB -> { K.sub(a, ao, b, bo, out, oo, n); return; }
                case MUL -> { K.mul(a, ao, b, bo, out, oo, n); return; }
                case DIV -> { K.div(a, ao, b, bo, out, oo, n); return; }
                case RIGHT -> { System.arraycopy(b, bo, out, oo, n); return; }
                default -> { }
            }
        }
        if (os == 1 && as == 1 && bs == 0) { // a row against one value (bias, scalar)
            float v = b[bo];
            switch (op) {
                case ADD -> { K.scaleShift(a, ao, 1f, v, out, oo, n); return; }
                case SUB -> { K.scaleShift(a, ao, 1f, -v, out, oo, n); return; }
                case MUL -> { K.scaleShift(a, ao, v, 0f, out, oo, n); return; }
                default -> { }
            }
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] * b[bo + i * bs]; }
            case DIV -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] / b[bo + i * bs]; }
            case POW -> { for (int i = 0; i < n; i++) out[oo + i * os] = (float) Math.pow(a[ao + i * as], b[bo + i * bs]); }
            case MAX -> { for (int i = 0; i < n; i++) out[oo + i * os] = max(a[ao + i * as], b[bo + i * bs]); }
            case MIN -> { for (int i = 0; i < n; i++) out[oo + i * os] = min(a[ao + i * as], b[bo + i * bs]); }
            case EQ -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] == b[bo + i * bs] ? 1f : 0f; }
            case NE -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] != b[bo + i * bs] ? 1f : 0f; }
            case LT -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] < b[bo + i * bs] ? 1f : 0f; }
            case LE -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] <= b[bo + i * bs] ? 1f : 0f; }
            case GT -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] > b[bo + i * bs] ? 1f : 0f; }
            case GE -> { for (int i = 0; i < n; i++) out[oo + i * os] = a[ao + i * as] >= b[bo + i * bs] ? 1f : 0f; }
            case RIGHT -> { for (int i = 0; i < n; i++) out[oo + i * os] = b[bo + i * bs]; }
        }
    }

    // NaN-propagating, as torch.maximum/minimum.
    private static float max(float x, float y) {
        return x != x || y != y ? Float.NaN : Math.max(x, y);
    }

    private static float min(float x, float y) {
        return x != x || y != y ? Float.NaN : Math.min(x, y);
    }

    // ---------------------------------------------------------------- x * alpha + beta

    /**
     * Forward: x * alpha + beta, with its backward.
     *
     * @param x the input, any shape
     * @param alpha the factor
     * @param beta the offset
     * @return a new tensor of x's shape, differentiable with respect to x
     */
    public static Tensor scaleShift(Tensor x, float alpha, float beta) {
        Tensor out = BufferPool.zeros(x.shape());
        scaleShiftInto(x, alpha, beta, out);
        return Tensor.result(out, "scaleShift", new Tensor[] {x}, new Tensor[0],
                (g, s) -> new Tensor[] {alpha == 1f ? g : g.mul(alpha)});
    }

    /**
     * out = x * alpha + beta, in place into out (x's shape; it may be x itself), outside autograd.
     *
     * @param x the input, any shape
     * @param alpha the factor
     * @param beta the offset
     * @param out the destination, of x's shape; may be x itself
     */
    public static void scaleShiftInto(Tensor x, float alpha, float beta, Tensor out) {
        Strided plan = new Strided(x.shape(), new int[][] {out.strides(), x.strides()});
        int io = plan.inner[0], ix = plan.inner[1];
        float[] od = out.storage(), xd = x.storage();
        plan.forEachRow(new int[] {out.offset(), x.offset()}, (o, n) -> {
            if (io == 1 && ix == 1) K.scaleShift(xd, o[1], alpha, beta, od, o[0], n);
            else for (int i = 0; i < n; i++) od[o[0] + i * io] = xd[o[1] + i * ix] * alpha + beta;
        });
    }

    // ---------------------------------------------------------------- unary

    /**
     * Forward: op(x) (p1 the exponent of POW or the lower bound of CLAMP, p2 CLAMP's upper bound), with its backward.
     *
     * @param op the operation
     * @param x the input, any shape
     * @param p1 POW's exponent or CLAMP's lower bound; ignored by the other ops
     * @param p2 CLAMP's upper bound; ignored by the other ops
     * @return a new tensor of x's shape, differentiable with respect to x
     */
    public static Tensor unary(Un op, Tensor x, float p1, float p2) {
        float[] xs = x.isContiguous() ? null : BufferPool.contiguousValues(x);
        float[] in = xs != null ? xs : x.storage();
        int off = xs != null ? 0 : x.offset();
        int n = x.numel();
        float[] y = BufferPool.floats(n);
        switch (op) {
            case EXP -> K.exp(in, off, y, 0, n);
            case TANH -> K.tanh(in, off, y, 0, n);
            case SIGMOID -> K.sigmoid(in, off, y, 0, n);
            case RELU -> K.relu(in, off, y, 0, n);
            case LOG -> { for (int i = 0; i < n; i++) y[i] = (float) Math.log(in[off + i]); }
            case SQRT -> { for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(in[off + i]); }
            case ABS -> { for (int i = 0; i < n; i++) y[i] = Math.abs(in[off + i]); }
            case GELU -> Parallel.forRange(n, GELU_GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = in[off + i];
                    y[i] = (float) (v * normalCdf(v));
                }
            });
            case CLAMP -> { for (int i = 0; i < n; i++) { float v = in[off + i]; y[i] = v != v ? v : Math.min(Math.max(v, p1), p2); } }
            case POW -> { for (int i = 0; i < n; i++) y[i] = pow(in[off + i], p1); }
        }
        Tensor out = Tensor.of(y, x.shape());
        return Tensor.result(out, op.name().toLowerCase(), new Tensor[] {x}, new Tensor[] {x, out},
                (g, s) -> new Tensor[] {unaryBackward(op, g, s[0], s[1], p1, p2)});
    }

    private static float pow(float v, float p) {
        if (p == 2f) return v * v;
        if (p == 0.5f) return (float) Math.sqrt(v);
        if (p == -1f) return 1f / v;
        return (float) Math.pow(v, p);
    }

    private static Tensor unaryBackward(Un op, Tensor gt, Tensor xt, Tensor yt, float p1, float p2) {
        float[] g = Dense.values(gt), y = yt.storage(); // y is always a fresh contiguous result
        // Gradients written in terms of the output do not read x (which may be a view that Dense.values() would copy).
        boolean needsX = switch (op) {
            case EXP, SQRT, TANH, SIGMOID, RELU -> false;
            default -> true;
        };
        float[] x = needsX ? Dense.values(xt) : null;
        int n = g.length;
        float[] dx = BufferPool.floats(n);
        switch (op) {
            case EXP -> { for (int i = 0; i < n; i++) dx[i] = g[i] * y[i]; }
            case LOG -> { for (int i = 0; i < n; i++) dx[i] = g[i] / x[i]; }
            case SQRT -> { for (int i = 0; i < n; i++) dx[i] = g[i] * 0.5f / y[i]; }
            case ABS -> { for (int i = 0; i < n; i++) dx[i] = g[i] * Math.signum(x[i]); }
            case TANH -> { for (int i = 0; i < n; i++) dx[i] = g[i] * (1f - y[i] * y[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) dx[i] = g[i] * y[i] * (1f - y[i]); }
            // y > 0 exactly where x > 0; the blend avoids a branch that random signs mispredict half the time.
            case RELU -> Parallel.forRange(n, RELU_GRAIN, (from, to) -> K.reluBackward(y, from, g, from, dx, from, to - from));
            case GELU -> Parallel.forRange(n, GELU_GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) dx[i] = (float) (g[i] * geluSlope(x[i]));
            });
            case CLAMP -> { for (int i = 0; i < n; i++) dx[i] = x[i] >= p1 && x[i] <= p2 ? g[i] : 0f; }
            case POW -> { for (int i = 0; i < n; i++) dx[i] = p1 == 0f ? 0f : g[i] * p1 * pow(x[i], p1 - 1f); }
        }
        return Tensor.of(dx, xt.shape());
    }

    /** Elements per thread below which the ReLU mask is not split across cores. */
    private static final int RELU_GRAIN = 1 << 16;

    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    // ---------------------------------------------------------------- GELU: x Phi(x)

    /*
     * Phi through Mills' ratio of the lower tail, M(t) = Phi(-t) / phi(t) for t >= 0, tabulated at t = i / 128 and
     * interpolated by cubic Hermite polynomials whose slopes come from M'(t) = t M(t) - 1. M is smooth and mild
     * (1.2533 at 0, about 1/t in the tail), so Phi(-t) = M(t) phi(t), with phi = exp(-t^2/2)/sqrt(2 pi) computed
     * directly, keeps about 1e-10 relative accuracy even where Phi is tiny. The erf series this replaces took up to
     * 60 terms per element and made GELU half of a small Transformer's training step. Beyond |x| = 8.5, Phi is
     * taken as 0 or 1, as the series' cut-off at |x| / sqrt 2 = 6 did.
     */
    private static final double PHI_RANGE = 8.5, PHI_NODES_PER_UNIT = 128;
    private static final double[] MILLS = millsTable();
    /** Elements per thread below which GELU is not split across cores. */
    private static final int GELU_GRAIN = 1 << 14;

    private static double[] millsTable() {
        int n = (int) (PHI_RANGE * PHI_NODES_PER_UNIT) + 2;
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            double t = i / PHI_NODES_PER_UNIT, a = t / Math.sqrt(2.0);
            // Phi(-t) = erfc(a) / 2: the series where 1 - erf(a) loses little, else the continued fraction, in which
            // erfc(a) = exp(-a^2) / (sqrt(pi) f) and exp(-a^2) cancels against phi(t) exactly: M = 1 / (sqrt(2) f).
            m[i] = a < 2.5 ? 0.5 * (1.0 - erf(a)) / (Math.exp(-0.5 * t * t) * INV_SQRT_2PI) : 1.0 / (Math.sqrt(2.0) * erfcFraction(a));
        }
        return m;
    }

    /** Phi(-t) for 0 <= t < PHI_RANGE, given phi(t). */
    private static double lowerTail(double t, double phi) {
        double s = t * PHI_NODES_PER_UNIT;
        int i = (int) s;
        double u = s - i, h = 1.0 / PHI_NODES_PER_UNIT;
        double m0 = MILLS[i], m1 = MILLS[i + 1];
        double t0 = i * h, d0 = (t0 * m0 - 1.0) * h, d1 = ((t0 + h) * m1 - 1.0) * h; // slopes per node interval
        double u2 = u * u, u3 = u2 * u;
        double m = (2 * u3 - 3 * u2 + 1) * m0 + (u3 - 2 * u2 + u) * d0 + (-2 * u3 + 3 * u2) * m1 + (u3 - u2) * d1;
        return m * phi;
    }

    /** Phi(x) = P(N(0,1) <= x) = (1 + erf(x / sqrt 2)) / 2. */
    static double normalCdf(double x) {
        double t = Math.abs(x);
        if (t >= PHI_RANGE) return x < 0 ? 0.0 : 1.0;
        double tail = lowerTail(t, Math.exp(-0.5 * t * t) * INV_SQRT_2PI);
        return x < 0 ? tail : 1.0 - tail;
    }

    /** d/dx x Phi(x) = Phi(x) + x phi(x). */
    static double geluSlope(double x) {
        double t = Math.abs(x), phi = Math.exp(-0.5 * t * t) * INV_SQRT_2PI;
        double cdf = t >= PHI_RANGE ? (x < 0 ? 0.0 : 1.0) : x < 0 ? lowerTail(t, phi) : 1.0 - lowerTail(t, phi);
        return cdf + x * phi;
    }

    /** The continued fraction f(a) with erfc(a) = exp(-a^2) / (sqrt(pi) f(a)), a > 0, evaluated bottom-up. */
    private static double erfcFraction(double ax) {
        double f = ax;
        for (int k = 60; k >= 1; k--) f = ax + (k / 2.0) / f;
        return f;
    }

    /** erf to about 1e-15 relative: Taylor series near 0, a continued fraction for erfc in the tails. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            double r = 2.0 / Math.sqrt(Math.PI) * sum;
            return x < 0 ? -r : r;
        }
        if (ax > 6.0) return x < 0 ? -1.0 : 1.0;
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated bottom-up (Lentz is overkill here)
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / erfcFraction(ax);
        double r = 1.0 - erfc;
        return x < 0 ? -r : r;
    }

    // ---------------------------------------------------------------- where

    /**
     * Forward: a where cond is non-zero, else b, all broadcast together; the gradient flows to the chosen side.
     * As torch.where(cond, a, b).
     *
     * @param cond the condition, compared with 0 (no gradient flows to it)
     * @param a the values taken where cond is non-zero
     * @param b the values taken where cond is zero
     * @return a new tensor of the broadcast shape of cond, a and b
     * @throws IllegalArgumentException when the shapes do not broadcast
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("where", cond.shape(), Shape.broadcast("where", a.shape(), b.shape()));
        Tensor out = BufferPool.zeros(shape);
        Strided plan = new Strided(shape, new int[][] {out.strides(), Shape.broadcastStrides(cond.shape(), cond.strides(), shape),
                Shape.broadcastStrides(a.shape(), a.strides(), shape), Shape.broadcastStrides(b.shape(), b.strides(), shape)});
        int io = plan.inner[0], ic = plan.inner[1], ia = plan.inner[2], ib = plan.inner[3];
        float[] od = out.storage(), cd = cond.storage(), ad = a.storage(), bd = b.storage();
        plan.forEachRow(new int[] {out.offset(), cond.offset(), a.offset(), b.offset()}, (o, n) -> {
            for (int i = 0; i < n; i++) od[o[0] + i * io] = cd[o[1] + i * ic] != 0f ? ad[o[2] + i * ia] : bd[o[3] + i * ib];
        });
        return Tensor.result(out, "where", new Tensor[] {null, a, b}, new Tensor[] {cond, a, b}, (g, s) -> {
            Tensor zero = Tensor.scalar(0f);
            Tensor ga = s[1].requiresGrad() ? where(s[0], g, zero).sumTo(s[1].shape()) : null;
            Tensor gb = s[2].requiresGrad() ? where(s[0], zero, g).sumTo(s[2].shape()) : null;
            return new Tensor[] {null, ga, gb};
        });
    }
}
