package dev.jgrad.cli;

import dev.jgrad.data.SequenceTask;
import dev.jgrad.metrics.GradientFlow;
import dev.jgrad.metrics.SpectralRadius;
import dev.jgrad.models.UnrolledRNN;
import dev.jgrad.models.UnrolledRNN.CellType;
import dev.jgrad.nn.Parameter;
import dev.jgrad.optim.ClipGrad;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.SGD;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code jgrad gradflow}'s clipping experiment: plain SGD on an RNN whose recurrent weights start at a spectral
 * radius that makes gradients explode, with and without clipping by global norm, recording each step's gradient
 * norm, update size and spectral radius.
 */
final class ClippingExperiment {
    private ClippingExperiment() {}

    /**
     * Per training step: the gradient norm before clipping, the norm of the parameter change and the loss; the
     * spectral radius of W_hh before training and after each step.
     */
    record ClippingRun(double[] gradNorms, double[] updateNorms, double[] radii, double[] losses, GradientFlow.Profile after) {

        double radiusAfter() {
            return radii[radii.length - 1];
        }
    }

    /** Plain SGD on an RNN with W_hh at spectral radius {@code rho}; {@code maxNorm} NaN for no clipping. */
    static <T> ClippingRun run(SequenceTask<T> t, int hidden, long seed, double sgdLr, int steps, int batch, double rho, double maxNorm,
                               SequenceTask.Batch<T> probeBatch) {
        UnrolledRNN m = new UnrolledRNN(CellType.RNN, t.inputSize(), hidden, t.outputSize(), new Generator(seed));
        SpectralRadius.scaleTo(m.weightHh(), rho);
        List<Parameter> params = m.parameters();
        Optimizer<?, ?> opt = new SGD(params, sgdLr);
        Generator gen = new Generator(seed + 3); // the same batches with and without clipping
        double[] grads = new double[steps], updates = new double[steps], losses = new double[steps], radiiAfter = new double[steps + 1];
        radiiAfter[0] = radius(m.weightHh());
        boolean clipping = !Double.isNaN(maxNorm);
        try (ProgressBar bar = new ProgressBar(clipping ? "SGD, clipped" : "SGD, no clip", steps, "seqs")) {
            for (int s = 0; s < steps; s++) {
                SequenceTask.Batch<T> b = t.sample(batch, gen);
                Tensor loss = t.loss(m.forward(b.inputs(), t.scoredSteps()), b.targets());
                opt.zeroGrad();
                loss.backward();
                grads[s] = clipping ? ClipGrad.clipGradNorm(params, maxNorm) : gradNorm(params);
                float[][] before = new float[params.size()][];
                for (int i = 0; i < before.length; i++) before[i] = params.get(i).toArray();
                opt.step();
                updates[s] = distance(params, before);
                radiiAfter[s + 1] = radius(m.weightHh());
                losses[s] = loss.item();
                bar.metric("||grad||", grads[s]);
                bar.step(batch);
            }
        }
        return new ClippingRun(grads, updates, radiiAfter, losses, GradientFlow.probe("after", m, t, probeBatch));
    }

    /** NaN once an unclipped step has made the weights non-finite, which is part of what the experiment shows. */
    static double radius(Tensor w) {
        for (float v : w.toArray()) if (!Float.isFinite(v)) return Double.NaN;
        return SpectralRadius.of(w);
    }

    private static double gradNorm(List<Parameter> params) {
        double sum = 0;
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            for (float v : p.grad().toArray()) sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    private static double distance(List<Parameter> params, float[][] before) {
        double sum = 0;
        for (int i = 0; i < before.length; i++) {
            float[] now = params.get(i).toArray();
            for (int j = 0; j < now.length; j++) {
                double d = (double) now[j] - before[i][j];
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    static void report(PrintWriter console, ClippingRun r, String name) {
        double[] g = Arrays.stream(r.gradNorms()).filter(Double::isFinite).sorted().toArray();
        double maxUpdate = Arrays.stream(r.updateNorms()).filter(Double::isFinite).max().orElse(Double.NaN);
        int firstNonFinite = -1;
        for (int s = 0; s < r.gradNorms().length && firstNonFinite < 0; s++) {
            if (!Double.isFinite(r.gradNorms()[s]) || !Double.isFinite(r.losses()[s])) firstNonFinite = s + 1;
        }
        double[] losses = r.losses();
        int tail = Math.max(1, losses.length / 10);
        double tailLoss = Arrays.stream(losses, losses.length - tail, losses.length).average().orElse(Double.NaN);
        GradientFlow.Profile p = r.after();
        console.printf(Locale.ROOT, "  %-24s ||grad|| before clipping: median %.2e, max %.2e; largest update ||Δθ|| %.2e%s%n", name,
                g.length == 0 ? Double.NaN : g[g.length / 2], g.length == 0 ? Double.NaN : g[g.length - 1], maxUpdate,
                firstNonFinite < 0 ? "" : "; NaN or infinite from step " + firstNonFinite + " on");
        console.printf(Locale.ROOT, "  %-24s afterwards: ρ(W_hh) %.3f, dh0/dhT %.2e, loss (last %d steps) %.4f%n", "", r.radiusAfter(), p.ratio(0, p.length()), tail, tailLoss);
    }
}
