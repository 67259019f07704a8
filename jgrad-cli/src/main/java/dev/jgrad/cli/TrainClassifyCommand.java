package dev.jgrad.cli;

import dev.jgrad.data.LabeledText;
import dev.jgrad.data.LabeledTsv;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.models.ClassifierCheckpoint;
import dev.jgrad.models.LSTMClassifier;
import dev.jgrad.models.Pooling;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.AdamW;
import dev.jgrad.tensor.Generator;
import dev.jgrad.text.TextEncoder;
import dev.jgrad.text.Vocabulary;
import dev.jgrad.text.WordTokenizer;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.StopReason;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad train classify}: a (Bi)LSTM sentence classifier trained from scratch on labelled sentences,
 * SST-2 by default. Validation accuracy after every epoch, the best model kept as one atomic checkpoint,
 * early stopping when validation stops improving. The task is {@link ClassifierTask}, trained by the {@link Trainer}.
 */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains a sentence classifier on lines of 'text<TAB>label' (by default GLUE SST-2).",
                "The model: word embeddings, a (bidirectional) LSTM, pooling over time and a linear layer. Keeps the model "
                        + "with the best validation accuracy as model.safetensors in --out; score it with 'jgrad eval classify', "
                        + "use it with 'jgrad classify'. Continue a stopped run with --resume.",
                "Tokens: lower-cased; a word is a run of letters, digits and apostrophes; "
                        + "any other non-space character is a token of its own."})
final class TrainClassifyCommand implements Callable<Integer> {

    @Option(names = "--train", paramLabel = "FILE",
            description = "Training data, lines of text<TAB>label (default: train.tsv of the data set sst2, " + DefaultData.CACHE + ").")
    Path train;

    @Option(names = "--valid", paramLabel = "FILE",
            description = "Validation data (default: SST-2's dev.tsv when --train is the default, else --valid-fraction of the training data).")
    Path valid;

    @Option(names = "--valid-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "Share of the training data held out for validation when there is no --valid (default: ${DEFAULT-VALUE}).")
    double validFraction;

    @Option(names = "--min-freq", paramLabel = "N", defaultValue = "1", description = "Occurrences a word needs in the training data to enter the vocabulary (default: ${DEFAULT-VALUE}).")
    int minFreq;

    @Option(names = "--max-vocab", paramLabel = "N", defaultValue = "0", description = "Vocabulary size limit including <pad> and <unk>, 0 for none (default: ${DEFAULT-VALUE}).")
    int maxVocab;

    @Option(names = "--case-sensitive", description = "Keep upper case (default: lower-case everything).")
    boolean caseSensitive;

    @Option(names = "--embed-dim", paramLabel = "N", defaultValue = "128", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embed;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "128", description = "LSTM hidden size per direction (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "1", description = "LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--bidirectional", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Read each sentence in both directions (default: ${DEFAULT-VALUE}; --no-bidirectional for one).")
    boolean bidirectional;

    @Option(names = "--pooling", paramLabel = "KIND", defaultValue = "max", description = "max, mean or last (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0.5", description = "Dropout on the embeddings and before the output layer (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0", description = "Weight decay; decoupled with adamw (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "5", description = "Clip the gradient's global L2 norm to this, 0 for no clipping (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "64", description = "Sentences per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "2",
            description = "Stop after this many epochs without a better validation accuracy, 0 to never stop early (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N training examples, 0 for all (for quick trials).")
    int limit;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1234", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/classify", paramLabel = "DIR",
            description = "Run directory: the best model as model.safetensors, and checkpoint/ to --resume from (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ResumeOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        long started = System.nanoTime();

        boolean defaultData = train == null;
        Path trainFile = defaultData ? DefaultData.file("sst2", "train.tsv", "--train FILE") : train;
        Path validFile = valid == null && defaultData ? DefaultData.file("sst2", "dev.tsv", "--valid FILE") : valid;
        ClassifyData.Sets sets = ClassifyData.sets(trainFile, validFile, limit, validFraction, new Generator(seed ^ 0x5DEECE66DL), console);
        List<LabeledText> trainSet = sets.train(), validSet = sets.valid();
        String validName = sets.validName();
        int numClasses = sets.numClasses();

        WordTokenizer tokenizer = new WordTokenizer(!caseSensitive);
        List<List<String>> tokenised = new ArrayList<>(trainSet.size());
        for (LabeledText e : trainSet) tokenised.add(tokenizer.tokenize(e.text()));
        Vocabulary vocab = Vocabulary.build(tokenised, minFreq, maxVocab);
        TextEncoder encoder = new TextEncoder(tokenizer, vocab);
        int[][] trainIds = ClassifyData.encode(trainSet, encoder), validIds = ClassifyData.encode(validSet, encoder);
        SequenceBatcher trainBatches = ClassifyData.batcher(trainSet, trainIds);
        SequenceBatcher validBatches = ClassifyData.batcher(validSet, validIds);
        int[] validLabels = ClassifyData.labels(validSet);
        long trainTokens = 0;
        for (int[] s : trainIds) trainTokens += s.length;
        console.printf(Locale.ROOT, "vocabulary: %,d tokens (min frequency %d%s), %.1f tokens per training sentence, %.2f%% of validation tokens unknown%n",
                vocab.size(), minFreq, caseSensitive ? ", case-sensitive" : ", lower-cased",
                (double) trainTokens / trainIds.length, 100 * encoder.unknownRate(validIds));

        Generator gen = new Generator(seed);
        LSTMClassifier.Config config = new LSTMClassifier.Config(vocab.size(), embed, hidden, layers, bidirectional,
                Pooling.parse(pooling), dropout, numClasses);
        LSTMClassifier model = new LSTMClassifier(config, gen);
        boolean adamw = optimizer.equalsIgnoreCase("adamw");
        Adam opt = adamw ? new AdamW(model.parameters(), AdamW.options(lr).withWeightDecay(weightDecay))
                : new Adam(model.parameters(), Adam.options(lr).withWeightDecay(weightDecay));
        long embedParams = model.getParameter("embedding.weight").numel();
        console.printf(Locale.ROOT, "model: embedding %d, %sLSTM hidden %d, %d layer%s, %s pooling, dropout %s, %d classes; "
                        + "%,d parameters (%,d in the embedding); %s lr %s, batch %d, up to %d epochs%n",
                embed, bidirectional ? "bidirectional " : "", hidden, layers, layers == 1 ? "" : "s", config.pooling().id(), dropout,
                numClasses, model.numParameters(), embedParams, adamw ? "AdamW" : "Adam", lr, batch, epochs);

        RunDirectory.ModelRun files = RunDirectory.ModelRun.of(out, spec.commandLine());
        files.checkStart(run);
        Path checkpoint = files.model();
        ClassifierTask task = new ClassifierTask(model, opt, trainBatches, trainSet.size(), batch, validBatches, validLabels, gen,
                settings(trainSet.size(), vocab.size()));
        String validName0 = validName;
        List<LabeledText> trained = trainSet;
        TrainingListener keepBest = new TrainingListener() {
            @Override
            public void onEvaluation(TrainingProgress p, Evaluation e) {
                if (!e.best()) return;
                Map<String, String> info = new LinkedHashMap<>();
                info.put("epoch", Long.toString(e.step() / p.stepsPerEpoch()));
                info.put("valid_accuracy", Double.toString(e.metric("accuracy")));
                info.put("valid", validName0);
                info.put("train", trainFile.toString());
                info.put("train_examples", Integer.toString(trained.size()));
                info.put("seed", Long.toString(seed));
                try {
                    Files.createDirectories(checkpoint.toAbsolutePath().getParent());
                    new ClassifierCheckpoint(model, vocab, tokenizer, info).save(checkpoint);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
        };
        EpochLines lines = new EpochLines(console, (epoch, e) -> {
            Accuracy valid = task.validAccuracy();
            Evaluation best = e.evaluation().best() ? null : e.progress().best();
            return String.format(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.4f, valid accuracy %.4f (%d/%d)%s; %.0f s, %.0f sentences/s",
                    epoch, e.meanLoss(), e.metric("acc"), valid.value(), valid.correct(), valid.total(), best == null ? ", best so far, saved"
                            : String.format(Locale.ROOT, ", best %.4f at epoch %d", best.metric("accuracy"), best.step() / task.stepsPerEpoch()), e.seconds(), e.perSecond());
        });
        FitResult r = Trainer.fit(task, files.trainerOptions(run).epochs(epochs).gradientClip(clip).monitor("accuracy", TrainerOptions.Goal.MAXIMIZE)
                .patience(patience).build(), new TrainingConsole("", "sentences", new PrintWriter(console, true)).perEpoch().lossOnly(), keepBest, lines);
        if (files.stopped(r, console)) return 0;
        if (r.reason() == StopReason.EARLY_STOPPING) {
            console.printf(Locale.ROOT, "stopping early: no better validation accuracy for %d epoch%s%n", patience, patience == 1 ? "" : "s");
        }
        double total = (System.nanoTime() - started) / 1e9;
        console.printf(Locale.ROOT, "best valid accuracy %.4f at epoch %d (%s); %s wall time; checkpoint: %s%n",
                r.best().metric("accuracy"), r.best().step() / task.stepsPerEpoch(), validName, ConsoleFormat.duration(total), checkpoint);
        return 0;
    }

    /** The settings a resumed run must repeat, by option name. */
    private Map<String, String> settings(int trainExamples, int vocabSize) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("train_examples", Integer.toString(trainExamples));
        c.put("vocabulary", Integer.toString(vocabSize));
        for (Object[] kv : new Object[][] {{"case-sensitive", caseSensitive}, {"embed-dim", embed}, {"hidden", hidden}, {"layers", layers},
                {"bidirectional", bidirectional}, {"pooling", pooling}, {"dropout", dropout}, {"optimizer", optimizer}, {"lr", lr},
                {"weight-decay", weightDecay}, {"clip", clip}, {"batch", batch}, {"epochs", epochs}, {"patience", patience}, {"seed", seed}}) {
            c.put((String) kv[0], String.valueOf(kv[1]));
        }
        return c;
    }

    private void checkOptions() {
        List<String> bad = new ArrayList<>();
        if (embed < 1) bad.add("--embed-dim " + embed);
        if (hidden < 1) bad.add("--hidden " + hidden);
        if (layers < 1) bad.add("--layers " + layers);
        if (batch < 1) bad.add("--batch " + batch);
        if (epochs < 1) bad.add("--epochs " + epochs);
        if (minFreq < 1) bad.add("--min-freq " + minFreq);
        if (!bad.isEmpty()) throw new IllegalArgumentException("must be positive: " + String.join(", ", bad));
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        if (!(validFraction > 0 && validFraction < 1)) throw new IllegalArgumentException("--valid-fraction must be in (0, 1), got " + validFraction);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (clip < 0 || weightDecay < 0 || patience < 0 || limit < 0 || maxVocab < 0) {
            throw new IllegalArgumentException("--clip, --weight-decay, --patience, --limit and --max-vocab cannot be negative");
        }
        if (!optimizer.equalsIgnoreCase("adam") && !optimizer.equalsIgnoreCase("adamw")) {
            throw new IllegalArgumentException("--optimizer '" + optimizer + "' is not one of adam, adamw");
        }
        Pooling.parse(pooling);
    }
}
