package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.CharCorpus;
import dev.jgrad.data.CharVocabulary;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.CharMLP;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.CosineAnnealingLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.train.TrainingTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad train demo}: trains a small character-level language model end to end (data, tensor
 * engine, autograd, nn, optim, checkpoint) in about a minute, then shows what it learnt.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains a small character-level language model (an MLP over the previous characters) on tiny-shakespeare.",
                "Reports the validation loss and prints generated text; continue a stopped run with --resume."})
final class TrainDemoCommand implements Callable<Integer> {

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 training text (default: the shipped tiny-shakespeare).")
    Path text;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "8000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "N", converter = PositiveInt.class, defaultValue = "128", description = "Windows per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--context", paramLabel = "N", defaultValue = "8", description = "Characters of context (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "512", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "3e-3", description = "Peak learning rate of AdamW, cosine-decayed (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1337", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Run directory: model.safetensors, and checkpoint/ to --resume from (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ResumeOptions run;

    @Option(names = "--sample-length", paramLabel = "N", defaultValue = "400", description = "Characters to generate at the end (default: ${DEFAULT-VALUE}).")
    int sampleLength;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || context < 1 || hidden < 1) {
            throw new IllegalArgumentException("--max-steps, --batch, --context and --hidden must be positive");
        }
        PrintStream console = System.out;
        Path textFile = text != null ? text : DefaultData.tinyShakespeare();
        CharCorpus corpus = CharCorpus.load(textFile, context + 1);
        CharVocabulary vocab = corpus.vocabulary();
        RunDirectory.ModelRun files = RunDirectory.ModelRun.of(out, spec.commandLine());
        files.checkStart(run);
        console.printf(Locale.ROOT, "data: %s, %,d training and %,d validation characters, vocabulary of %d%n",
                textFile, corpus.trainLength(), corpus.validationLength(), vocab.size());

        Generator gen = new Generator(seed);
        CharMLP model = new CharMLP(new CharMLP.Config(vocab.size(), context, 24, hidden), gen);
        AdamW opt = new AdamW(model.parameters(), AdamW.options(lr).withWeightDecay(0.01));
        CosineAnnealingLR schedule = new CosineAnnealingLR(opt, steps, lr / 10);
        console.printf(Locale.ROOT, "model: CharMLP(context=%d, embed=24, hidden=%d), %,d parameters; AdamW lr %.1e, %d steps of %d%n",
                context, hidden, model.numParameters(), lr, steps, batch);

        double uniform = Math.log(vocab.size());
        double before = evaluate(model, corpus, new Generator(seed + 1));
        TrainingTask task = new TrainingTask() {
            @Override public Module model() { return model; }
            @Override public long stepsPerEpoch() { return steps; }
            @Override public Optimization configureOptimizers(long totalSteps) { return new Optimization(opt, schedule); }
            @Override public Map<String, String> config() { return settings(); }
            // The windows come from the generator that initialised the model: its state is the data position.
            @Override public void saveState(TaskState state) { state.putGenerator("rng.data", gen); }
            @Override public void loadState(TaskState state, long step) { state.restoreGenerator("rng.data", gen); }

            @Override
            public StepOutput trainingStep(long step) {
                return StepOutput.of(lossOn(model, corpus.windows(true, gen, batch, context + 1)), batch);
            }
        };
        FitResult r = Trainer.fit(task, files.trainerOptions(run).gradientClip(1.0).build(),
                new TrainingConsole("train", "chars", new PrintWriter(console, true)).lossOnly());
        if (files.stopped(r, console)) return 0;
        double after = evaluate(model, corpus, new Generator(seed + 1));
        console.printf(Locale.ROOT, "validation loss: %.3f nats/char after %.0f s (%.3f before training; a uniform guess scores %.3f)%n",
                after, r.seconds(), before, uniform);

        Path checkpoint = files.model();
        Path parent = checkpoint.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        SafeTensors.save(checkpoint, model.stateDict(), Map.of(
                "model", "CharMLP",
                "vocabulary", vocab.chars(),
                "context", Integer.toString(context),
                "embed", "24",
                "hidden", Integer.toString(hidden)));
        console.println("checkpoint: " + checkpoint);

        // Shakespeare's cue when the text has its letters, else the text's first character.
        String cue = "ROMEO:\n".chars().allMatch(c -> vocab.chars().indexOf(c) >= 0) ? "ROMEO:\n" : vocab.chars().substring(0, vocab.chars().offsetByCodePoints(0, 1));
        int[] prompt = vocab.encode(cue);
        String sample = vocab.decode(model.generate(prompt, sampleLength, 0.8f, new Generator(seed + 2)));
        console.println("sample (temperature 0.8):");
        console.println("----");
        console.println(cue + sample);
        console.println("----");
        return 0;
    }

    /** Mean cross-entropy of the last character of each window given the ones before it. */
    private static Tensor lossOn(CharMLP model, IntTensor windows) {
        int b = windows.size(0), k = windows.size(1) - 1;
        int[] ids = windows.data();
        int[] ctx = new int[b * k], next = new int[b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids, i * (k + 1), ctx, i * k, k);
            next[i] = ids[i * (k + 1) + k];
        }
        return Functional.crossEntropy(model.forward(IntTensor.of(ctx, b, k)), IntTensor.of(next, b));
    }

    /** Validation loss on a fixed set of windows (same seed each time, so before and after compare). */
    private double evaluate(CharMLP model, CharCorpus corpus, Generator gen) {
        model.eval();
        double sum = 0;
        int batches = 20;
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < batches; i++) sum += lossOn(model, corpus.windows(false, gen, 256, context + 1)).item();
        }
        model.train();
        return sum / batches;
    }

    /** The settings a resumed run must repeat. */
    private Map<String, String> settings() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("max-steps", Integer.toString(steps));
        c.put("batch", Integer.toString(batch));
        c.put("context", Integer.toString(context));
        c.put("hidden", Integer.toString(hidden));
        c.put("lr", Double.toString(lr));
        c.put("seed", Long.toString(seed));
        return c;
    }
}
