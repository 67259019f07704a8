package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.AddingProblem;
import dev.jgrad.data.CopyProblem;
import dev.jgrad.data.SequenceTask;
import dev.jgrad.metrics.GradientFlow;
import dev.jgrad.metrics.SpectralRadius;
import dev.jgrad.models.UnrolledRNN;
import dev.jgrad.models.UnrolledRNN.CellType;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.ClipGrad;
import dev.jgrad.plot.LogLineChart;
import dev.jgrad.plot.LogLineChart.Line;

import static dev.jgrad.plot.LogLineChart.BLUE;
import static dev.jgrad.plot.LogLineChart.GREEN;
import static dev.jgrad.plot.LogLineChart.ORANGE;
import static dev.jgrad.plot.LogLineChart.PALETTE;
import static dev.jgrad.plot.LogLineChart.PURPLE;
import static dev.jgrad.plot.LogLineChart.RED;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad gradflow}: vanishing and exploding gradients, made visible. Probes a vanilla tanh RNN and an
 * LSTM on a long-range task (loss at the end of the sequence only) and plots ||dL/dh_t|| against t: the RNN's
 * gradient shrinks geometrically with the distance from the loss (or, with a recurrent weight of large
 * spectral radius, grows), the LSTM's cell state carries it much further; gradient clipping bounds the update
 * when it explodes.
 */
@Command(name = "gradflow",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Shows vanishing and exploding gradients in a tanh RNN and an LSTM.",
                "",
                "Runs both on a long-range task (loss at the end only) and plots ||dL/dh_t|| "
                        + "against t on a log axis, scales W_hh to chosen spectral radii, and trains an "
                        + "exploding RNN with and without gradient clipping. Writes the plots to --out "
                        + "as PNG and prints a summary."})
final class GradflowCommand implements Callable<Integer> {

    enum TaskName { adding, copy }

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "adding", description = "Long-range task: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TaskName task;

    @Option(names = "--length", paramLabel = "N", defaultValue = "100", description = "Sequence length T (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "64", description = "Hidden units H (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "32", description = "Sequences per batch, for probes and training (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "100",
            description = "Training steps between the probe at initialisation and the second probe, and of the clipping experiment (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "Adam learning rate for the training between probes (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip", defaultValue = "1.0", paramLabel = "NORM",
            description = "Gradient clipping max norm, for training and for the clipped run (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--spectral-radius", defaultValue = "0.5,1.0,1.5,2.0", split = ",", paramLabel = "RHO",
            description = "Spectral radii to scale the RNN's W_hh to, comma-separated; the largest is the exploding RNN of the clipping experiment (default: ${DEFAULT-VALUE}).")
    double[] radii;

    @Option(names = "--sgd-lr", paramLabel = "LR", defaultValue = "0.01", description = "Plain SGD learning rate of the clipping experiment (default: ${DEFAULT-VALUE}).")
    double sgdLr;

    @Option(names = "--forget-bias", paramLabel = "B", defaultValue = "3.0",
            description = "The LSTM's forget-gate bias (sigmoid(3) = 0.95 keeps the cell; PyTorch's init is about 0, which is plotted too) (default: ${DEFAULT-VALUE}).")
    double forgetBias;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/gradflow", paramLabel = "DIR", description = "Where the PNGs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Spec
    CommandSpec spec;

    /** For the x axis label: where the loss is. */
    private String lossWhere;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter console = spec.commandLine().getOut();
        SequenceTask<?> t = task == TaskName.adding ? new AddingProblem(length) : new CopyProblem(length);
        run(t, console);
        console.flush();
        return 0;
    }

    private void validate() {
        if (length < 4) throw new IllegalArgumentException("--length must be at least 4, got " + length);
        if (task == TaskName.copy && length < 21) {
            throw new IllegalArgumentException("--length must be at least 21 for the copy task (10 symbols, a delimiter, 10 answers), got " + length);
        }
        if (hidden < 1 || batch < 1) throw new IllegalArgumentException("--hidden and --batch must be positive, got " + hidden + " and " + batch);
        if (steps < 0) throw new IllegalArgumentException("--max-steps must be >= 0, got " + steps);
        if (!(lr > 0) || !(sgdLr > 0)) throw new IllegalArgumentException("--lr and --sgd-lr must be positive, got " + lr + " and " + sgdLr);
        if (!(clip > 0) || Double.isInfinite(clip)) throw new IllegalArgumentException("--clip must be a positive max norm, got " + clip);
        if (radii.length == 0) throw new IllegalArgumentException("--spectral-radius needs at least one value");
        for (double r : radii) {
            if (!(r > 0) || Double.isInfinite(r)) throw new IllegalArgumentException("--spectral-radius values must be positive and finite, got " + r);
        }
        if (!Double.isFinite(forgetBias)) throw new IllegalArgumentException("--forget-bias must be finite, got " + forgetBias);
    }

    private <T> void run(SequenceTask<T> t, PrintWriter console) throws Exception {
        int T = length;
        lossWhere = t.scoredSteps() == 1 ? "the loss is at the last step" : "the loss is on the last " + t.scoredSteps() + " steps";
        console.printf(Locale.ROOT, "gradflow: %s problem, length T = %d, hidden H = %d, batch %d, seed %d; loss on the last %s%n",
                t.name(), T, hidden, batch, seed, t.scoredSteps() == 1 ? "step only" : t.scoredSteps() + " steps only");
        SequenceTask.Batch<T> probeBatch = t.sample(batch, new Generator(seed + 1));

        // 1. RNN against LSTM at initialisation, on the same batch.
        UnrolledRNN rnn = model(CellType.RNN, t);
        UnrolledRNN lstm = model(CellType.LSTM, t);
        lstm.setForgetBias(forgetBias);
        UnrolledRNN lstmTorchInit = model(CellType.LSTM, t);
        double rhoRnn = SpectralRadius.of(rnn.weightHh());
        console.printf(Locale.ROOT, "spectral radius of W_hh at PyTorch's init U(-1/sqrt(H), 1/sqrt(H)): RNN %.3f; LSTM gate blocks %s%n",
                rhoRnn, lstmGateRadii(lstm));
        String lstmName = String.format(Locale.ROOT, "LSTM, forget bias %s", num(forgetBias));
        GradientFlow.Profile pRnn = GradientFlow.probe(String.format(Locale.ROOT, "RNN (ρ(W_hh) = %.2f)", rhoRnn), rnn, t, probeBatch);
        GradientFlow.Profile pLstm = GradientFlow.probe(lstmName, lstm, t, probeBatch);
        GradientFlow.Profile pLstm0 = GradientFlow.probe("LSTM, PyTorch init (forget bias ≈ 0)", lstmTorchInit, t, probeBatch);

        Path rnnVsLstm = out.resolve("gradflow_rnn_vs_lstm.png");
        plot(String.format(Locale.ROOT, "Gradient flow at initialisation: %s problem, T = %d, H = %d (loss %s)", t.name(), T, hidden,
                        t.scoredSteps() == 1 ? "at t = " + T : "on t = " + (T - t.scoredSteps() + 1) + ".." + T),
                "||dL/dh_t||, ||dL/dc_t||  (log scale)")
                .add("RNN  ||dL/dh_t||  (ρ(W_hh) = " + String.format(Locale.ROOT, "%.2f", rhoRnn) + ")", ts(T), pRnn.dh(), BLUE, Line.SOLID)
                .add(lstmName + "  ||dL/dh_t||", ts(T), pLstm.dh(), ORANGE, Line.SOLID)
                .add(lstmName + "  ||dL/dc_t||", ts(T), pLstm.dc(), RED, Line.DASHED)
                .add("LSTM, PyTorch init (forget bias ≈ 0)  ||dL/dh_t||", ts(T), pLstm0.dh(), GREEN, Line.SOLID)
                .savePng(rnnVsLstm);

        // 2. The RNN with W_hh rescaled: below the edge the gradient vanishes, above it explodes.
        double[] sorted = radii.clone();
        Arrays.sort(sorted);
        List<GradientFlow.Profile> byRadius = new ArrayList<>();
        LogLineChart radiusPlot = plot(String.format(Locale.ROOT, "Vanilla RNN (tanh) with W_hh scaled to spectral radius ρ: %s problem, T = %d, H = %d", t.name(), T, hidden),
                "||dL/dh_t||  (log scale)");
        for (double r : sorted) {
            UnrolledRNN m = model(CellType.RNN, t);
            SpectralRadius.scaleTo(m.weightHh(), r);
            GradientFlow.Profile p = GradientFlow.probe("RNN, ρ(W_hh) = " + num(r), m, t, probeBatch);
            byRadius.add(p);
            radiusPlot.add(p.model(), ts(T), p.dh(), PALETTE[(byRadius.size() - 1) % PALETTE.length], Line.SOLID);
        }
        Path radiusFile = out.resolve("gradflow_spectral_radius.png");
        radiusPlot.savePng(radiusFile);

        // 3. Training between probes: Adam with clipping, on fresh batches.
        GradientFlow.Profile pRnnTrained = null, pLstmTrained = null;
        Path trainedFile = out.resolve("gradflow_trained.png");
        if (steps > 0) {
            double rnnLoss = train(rnn, t, "RNN", new Generator(seed + 2));
            double lstmLoss = train(lstm, t, "LSTM", new Generator(seed + 2));
            pRnnTrained = GradientFlow.probe("RNN", rnn, t, probeBatch);
            pLstmTrained = GradientFlow.probe(lstmName, lstm, t, probeBatch);
            console.printf(Locale.ROOT, "after %d Adam steps (lr %s, clip %s): training loss RNN %.4f, LSTM %.4f (input-blind baseline %.4f); ρ(W_hh) of the RNN %.3f%n",
                    steps, num(lr), num(clip), rnnLoss, lstmLoss, t.baselineLoss(), ClippingExperiment.radius(rnn.weightHh()));
            plot(String.format(Locale.ROOT, "Gradient flow at initialisation and after %d training steps: %s problem, T = %d", steps, t.name(), T),
                    "||dL/dh_t||  (log scale)")
                    .add("RNN at init", ts(T), pRnn.dh(), BLUE, Line.SOLID)
                    .add("RNN after " + steps + " steps", ts(T), pRnnTrained.dh(), PURPLE, Line.DASHED)
                    .add(lstmName + " at init", ts(T), pLstm.dh(), ORANGE, Line.SOLID)
                    .add(lstmName + " after " + steps + " steps", ts(T), pLstmTrained.dh(), RED, Line.DASHED)
                    .savePng(trainedFile);
        }

        // 4. Clipping, on the RNN with the largest spectral radius.
        double explode = sorted[sorted.length - 1];
        Path clipFile = out.resolve("gradflow_clipping.png");
        ClippingExperiment.ClippingRun plain = null, clipped = null;
        if (steps > 0) {
            plain = ClippingExperiment.run(t, hidden, seed, sgdLr, steps, batch, explode, Double.NaN, probeBatch);
            clipped = ClippingExperiment.run(t, hidden, seed, sgdLr, steps, batch, explode, clip, probeBatch);
            double[] x = new double[steps];
            for (int i = 0; i < steps; i++) x[i] = i + 1;
            double[] x0 = new double[steps + 1]; // the spectral radius also before the first step
            for (int i = 0; i <= steps; i++) x0[i] = i;
            plot(String.format(Locale.ROOT, "Gradient clipping: RNN with ρ(W_hh) = %s, %s problem, T = %d, SGD lr %s", num(explode), t.name(), T, num(sgdLr)),
                    "training step", "norm  (log scale)")
                    .add("||grad||, no clipping", x, plain.gradNorms(), BLUE, Line.SOLID)
                    .add("||grad|| before clipping to " + num(clip), x, clipped.gradNorms(), ORANGE, Line.SOLID)
                    .add("update ||Δθ||, no clipping", x, plain.updateNorms(), BLUE, Line.DASHED)
                    .add("update ||Δθ||, clipped (≤ lr · " + num(clip) + ")", x, clipped.updateNorms(), ORANGE, Line.DASHED)
                    .add("ρ(W_hh), no clipping", x0, plain.radii(), BLUE, Line.DOTTED)
                    .add("ρ(W_hh), clipped", x0, clipped.radii(), ORANGE, Line.DOTTED)
                    .savePng(clipFile);
        }

        // Summary.
        console.println();
        console.printf(Locale.ROOT, "||dL/dh_t|| at t = T, T/2, 0 (T = %d), ratio dh_0/dh_T and the mean factor per step back from the loss:%n", T);
        console.printf(Locale.ROOT, "  %-44s %10s %10s %10s %10s %9s%n", "model", "t=" + T, "t=" + T / 2, "t=0", "dh0/dhT", "per step");
        row(console, pRnn, "RNN at init, ρ(W_hh) = " + String.format(Locale.ROOT, "%.3f", rhoRnn));
        row(console, pLstm, lstmName + " at init");
        rowC(console, pLstm, "  its cell state ||dL/dc_t||");
        row(console, pLstm0, "LSTM at PyTorch init (forget bias ≈ 0)");
        for (GradientFlow.Profile p : byRadius) row(console, p, p.model());
        if (pRnnTrained != null) {
            row(console, pRnnTrained, "RNN after " + steps + " steps");
            row(console, pLstmTrained, lstmName + " after " + steps + " steps");
            rowC(console, pLstmTrained, "  its cell state ||dL/dc_t||");
        }
        if (plain != null) {
            console.printf(Locale.ROOT, "clipping (RNN, ρ(W_hh) = %s, %d SGD steps, lr %s):%n", num(explode), steps, num(sgdLr));
            ClippingExperiment.report(console, plain, "no clipping");
            ClippingExperiment.report(console, clipped, "clipped to max norm " + num(clip));
        }
        console.println("wrote " + rnnVsLstm + ", " + radiusFile + (steps > 0 ? ", " + trainedFile + ", " + clipFile : ""));
    }

    private UnrolledRNN model(CellType type, SequenceTask<?> t) {
        return new UnrolledRNN(type, t.inputSize(), hidden, t.outputSize(), new Generator(seed));
    }

    private String lstmGateRadii(UnrolledRNN lstm) {
        String[] gates = {"i", "f", "g", "o"};
        StringBuilder sb = new StringBuilder();
        try (var ignored = GradMode.noGrad()) {
            for (int k = 0; k < 4; k++) {
                double r = SpectralRadius.of(lstm.weightHh().narrow(0, k * hidden, hidden));
                sb.append(k == 0 ? "" : ", ").append(gates[k]).append(String.format(Locale.ROOT, " %.3f", r));
            }
        }
        return sb.toString();
    }

    /** Adam with clipping for {@code steps} steps; returns the mean loss of the last tenth of them. */
    private <T> double train(UnrolledRNN m, SequenceTask<T> t, String label, Generator gen) {
        Adam opt = new Adam(m.parameters(), lr);
        int tail = Math.max(1, steps / 10);
        double tailSum = 0;
        try (ProgressBar bar = new ProgressBar("train " + label, steps, "seqs")) {
            for (int s = 1; s <= steps; s++) {
                SequenceTask.Batch<T> b = t.sample(batch, gen);
                Tensor loss = t.loss(m.forward(b.inputs(), t.scoredSteps()), b.targets());
                opt.zeroGrad();
                loss.backward();
                ClipGrad.clipGradNorm(m.parameters(), clip);
                opt.step();
                double l = loss.item();
                if (s > steps - tail) tailSum += l;
                bar.metric("loss", l);
                bar.step(batch);
            }
        }
        m.zeroGrad();
        return tailSum / tail;
    }

    private static void row(PrintWriter console, GradientFlow.Profile p, String name) {
        int T = p.length();
        console.printf(Locale.ROOT, "  %-44s %10.3e %10.3e %10.3e %10.3e %9s%n", name, p.dh()[T], p.dh()[T / 2], p.dh()[0],
                p.ratio(0, T), rate(p.ratePerStep(T)));
    }

    /** The cell-state gradient: c_T reaches the loss only through h_T, so its row starts at T - 1. */
    private static void rowC(PrintWriter console, GradientFlow.Profile p, String name) {
        int T = p.length();
        double[] dc = p.dc();
        double ratio = dc[0] / dc[T - 1];
        console.printf(Locale.ROOT, "  %-44s %10s %10.3e %10.3e %10.3e %9s  (from t=%d)%n", name, "-", dc[T / 2], dc[0],
                ratio, rate(ratio > 0 && Double.isFinite(ratio) ? Math.pow(ratio, 1.0 / (T - 1)) : Double.NaN), T - 1);
    }

    /** A float32 gradient below about 1e-45 is 0, and then there is no rate to compute. */
    private static String rate(double perStep) {
        return Double.isNaN(perStep) ? "underflow" : String.format(Locale.ROOT, "%.3f", perStep);
    }

    private LogLineChart plot(String title, String yLabel) {
        return plot(title, "time step t  (" + lossWhere + ")", yLabel);
    }

    private static LogLineChart plot(String title, String xLabel, String yLabel) {
        return new LogLineChart(title, xLabel, yLabel);
    }

    private static double[] ts(int T) {
        double[] x = new double[T + 1];
        for (int i = 0; i <= T; i++) x[i] = i;
        return x;
    }

    /** 3 rather than 3.0, 0.01 rather than 1.0E-2. */
    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
