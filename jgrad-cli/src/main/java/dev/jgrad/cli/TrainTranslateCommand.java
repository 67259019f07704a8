package dev.jgrad.cli;

import dev.jgrad.data.ParallelText;
import dev.jgrad.data.TranslationExamples;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.optim.TransformerLR;
import dev.jgrad.text.Bpe;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.StopReason;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad train translate}: a {@link TranslationTransformer} trained as in "Attention Is All You Need" on a
 * parallel corpus (Multi30k by default): a joint BPE tokenizer learnt from both sides of the training data, batches of
 * similar lengths under a token budget, Adam (0.9, 0.98, 1e-9) with the paper's warm-up schedule, label smoothing,
 * residual dropout. With {@code --model lstm} a {@link TranslationLSTM} (LSTM encoder-decoder with attention) instead,
 * trained with Adam at a constant learning rate (optionally decayed per epoch), gradient clipping and the same label
 * smoothing and batches. After every epoch: validation loss and BLEU (sacreBLEU's, on detokenised output against the raw
 * references), a checkpoint ({@link TrainingCheckpoint}, exact resume), the epoch's model as
 * {@code epoch-NNN.safetensors} (the last {@code --keep-last} kept, for {@code jgrad average}), the best one by BLEU,
 * and the curves as PNG. The task is {@link TranslationTask}, trained by the {@link Trainer}, which holds --out for itself
 * while it runs (a second run on the same --out fails at once).
 *
 * <p>Data handling, reported before training: pairs with an empty side are skipped (counted; an error with --strict),
 * unknown characters become {@code <unk>} (counted; an error with --strict), sentences over {@code --max-len} tokens
 * are cut (counted; an error with --strict), files of different lengths are an error.
 */
@Command(name = "translate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Trains a translation model: a Transformer or (--model lstm) an LSTM encoder-decoder with attention.",
                "The default data is Multi30k English to German, " + DefaultData.CACHE + ".",
                "Learns a joint BPE tokenizer, then trains with label smoothing: the Transformer with the paper's Adam and warm-up schedule, "
                        + "the LSTM with Adam at --lr and gradient clipping. Each epoch writes to --out: a checkpoint (model.safetensors, training.safetensors), epoch-NNN.safetensors, "
                        + "best.safetensors (by validation BLEU) and curves.png. Continue a stopped run with --resume."})
final class TrainTranslateCommand implements Callable<Integer> {

    @Option(names = "--src", defaultValue = "en", paramLabel = "LANG", description = "Source language suffix (default: ${DEFAULT-VALUE}).")
    String src;

    @Option(names = "--tgt", defaultValue = "de", paramLabel = "LANG", description = "Target language suffix (default: ${DEFAULT-VALUE}).")
    String tgt;

    @Option(names = "--data", paramLabel = "NAME|DIR", description = TranslationData.DATA_HELP)
    String data;

    @Option(names = "--train-split", defaultValue = "train", paramLabel = "NAME", description = "Training split name (default: ${DEFAULT-VALUE}).")
    String trainSplit;

    @Option(names = "--valid-split", defaultValue = "val", paramLabel = "NAME", description = "Validation split name (default: ${DEFAULT-VALUE}).")
    String validSplit;

    @Option(names = "--train-src", paramLabel = "FILE", description = "Training source file (plain or .gz), instead of --data.")
    Path trainSrc;

    @Option(names = "--train-tgt", paramLabel = "FILE", description = "Training target file, line for line with --train-src.")
    Path trainTgt;

    @Option(names = "--valid-src", paramLabel = "FILE", description = "Validation source file, instead of --data.")
    Path validSrc;

    @Option(names = "--valid-tgt", paramLabel = "FILE", description = "Validation target (reference) file.")
    Path validTgt;

    @Option(names = "--out", defaultValue = "runs/translate", paramLabel = "DIR", description = "Run directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out exactly where it stopped (same options required; --epochs may grow).")
    boolean resume;

    @Option(names = "--overwrite", description = "Start a new run even if --out already holds a checkpoint.")
    boolean overwrite;

    @Option(names = "--strict", description = "Make empty lines, unknown characters and over-long sentences errors instead of skipping, <unk> and cutting.")
    boolean strict;

    @Option(names = "--vocab-size", defaultValue = "8000", paramLabel = "N", description = "Joint BPE vocabulary size, specials included (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--bpe", paramLabel = "FILE", description = "Use this tokenizer (saved by an earlier run as bpe.txt) instead of learning one.")
    Path bpeFile;

    @Mixin
    TranslateModelOptions model;

    @Option(names = "--batch-tokens", converter = PositiveInt.class, defaultValue = "1500", paramLabel = "N", description = "Token budget per batch, padding included (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N", description = "Stop after this many steps; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--warmup", defaultValue = "400", paramLabel = "STEPS", description = "Transformer: warm-up steps of the learning-rate schedule; the paper's 4000 suits its 25,000-token batches, not Multi30k's 320 batches an epoch (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--lr-factor", defaultValue = "0.35", paramLabel = "F", description = "Transformer: lr = F * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5); 0.35 peaks at 1.1e-3 for d_model 256 and warm-up 400 (default: ${DEFAULT-VALUE}).")
    double lrFactor;

    @Option(names = "--label-smoothing", defaultValue = "0.1", paramLabel = "E", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "LR", description = "LSTM: Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-decay", defaultValue = "0.5", paramLabel = "F",
            description = "LSTM: multiply the learning rate by F at the start of each epoch after --decay-after; 1 keeps it constant (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--decay-after", defaultValue = "5", paramLabel = "EPOCHS",
            description = "LSTM: epochs at the full learning rate before --lr-decay starts (default: ${DEFAULT-VALUE}).")
    int decayAfter;

    @Option(names = "--clip", paramLabel = "NORM",
            description = "Maximum gradient norm; 0: no clipping (default: " + TRANSFORMER_CLIP + " for the Transformer, as the paper, " + LSTM_CLIP + " for the LSTM).")
    Double clipOption;
    double clip;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Random seed: weights, batch order, dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--keep-last", defaultValue = "5", paramLabel = "K", description = "Keep the last K epoch-NNN.safetensors for averaging; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int keepLast;

    @Option(names = "--valid-beam", defaultValue = "1", paramLabel = "N", description = "Beam for the validation BLEU each epoch; 1 = greedy (default: ${DEFAULT-VALUE}).")
    int validBeam;

    @Option(names = "--length-penalty", defaultValue = "0.6", paramLabel = "ALPHA", description = "GNMT length penalty for validation beam search (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--valid-sentences", defaultValue = "0", paramLabel = "N", description = "Score BLEU on the first N validation sentences only; 0: all (default: ${DEFAULT-VALUE}).")
    int validSentences;

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "STEPS", description = "Also evaluate and checkpoint every this many steps; epoch ends always are (default: ${DEFAULT-VALUE}, epoch ends only).")
    int evalEvery;

    @Option(names = "--stop-at", defaultValue = "0", paramLabel = "STEP", description = "Checkpoint and stop at this step, to be continued with --resume (default: ${DEFAULT-VALUE}, run to the end).")
    int stopAt;

    @Spec
    CommandSpec spec;

    static final double TRANSFORMER_CLIP = 0, LSTM_CLIP = 5;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        checkOptions();
        Path dataDir = trainSrc != null && trainTgt != null && validSrc != null && validTgt != null ? null : TranslationData.dataDir(data);
        Path trainS = trainSrc != null ? trainSrc : TranslationData.splitFile(dataDir, trainSplit, src);
        Path trainT = trainTgt != null ? trainTgt : TranslationData.splitFile(dataDir, trainSplit, tgt);
        Path validS = validSrc != null ? validSrc : TranslationData.splitFile(dataDir, validSplit, src);
        Path validT = validTgt != null ? validTgt : TranslationData.splitFile(dataDir, validSplit, tgt);
        ParallelText.EmptyLines empty = strict ? ParallelText.EmptyLines.ERROR : ParallelText.EmptyLines.SKIP;
        ParallelText trainText = ParallelText.read(trainS, trainT, empty);
        ParallelText validText = ParallelText.read(validS, validT, empty);
        RunDirectory.checkStart(out, resume, overwrite, stopAt);
        if (resume) TranslationTask.checkModelKind(out, model.kind);

        // The tokenizer: given, or learnt from both sides of the training data (deterministic: a resumed run learns the same).
        long t0 = System.nanoTime();
        Bpe bpe;
        if (bpeFile != null) {
            bpe = Bpe.load(bpeFile);
        } else {
            List<String> both = new ArrayList<>(trainText.sources());
            both.addAll(trainText.targets());
            bpe = Bpe.learn(both, vocabSize);
        }
        if (resume) TranslationTask.checkTokenizer(out, bpe, bpeFile);
        console.printf(Locale.ROOT, "tokenizer: %s (%s in %.1f s)%n", bpe, bpeFile != null ? "from " + bpeFile : "joint BPE learnt from " + trainS.getFileName()
                + " and " + trainT.getFileName(), (System.nanoTime() - t0) / 1e9);

        TranslationExamples train = TranslationExamples.encode(trainText, bpe, model.maxLen, strict);
        TranslationExamples valid = TranslationExamples.encode(validText, bpe, model.maxLen, strict);
        for (String w : train.warnings()) console.println("warning: " + w);
        for (String w : valid.warnings()) console.println("warning: " + w);
        TranslationTask task = new TranslationTask(this, bpe, train, valid, List.of(trainS, trainT, validS, validT));
        task.createModel();
        TrainerOptions options = TrainerOptions.builder().runDirectory(out).resume(resume).overwrite(overwrite).epochs(epochs).maxSteps(maxSteps)
                .stopAt(stopAt).gradientClip(clip).evalEverySteps(evalEvery).monitor("bleu", TrainerOptions.Goal.MAXIMIZE).saveBest(true)
                .saveEpochModels(keepLast).build();
        long perEpoch = task.stepsPerEpoch(), totalSteps = options.totalSteps(perEpoch);

        String optimizer = model.isLstm() ? String.format(Locale.ROOT, "Adam(0.9, 0.999), lr %s%s", lr,
                lrDecay == 1 ? " constant" : ", times " + lrDecay + " each epoch after epoch " + decayAfter)
                : String.format(Locale.ROOT, "Adam(0.9, 0.98, 1e-9), warm-up %d, lr factor %s (peak lr %.2e)", warmup, lrFactor,
                TransformerLR.rate(warmup, model.dModel, warmup, lrFactor));
        console.printf(Locale.ROOT, "data: %s -> %s, %,d training pairs (%,d source and %,d target tokens), %,d validation pairs%n",
                src, tgt, train.size(), train.sourceTokens(), train.targetTokens(), valid.size());
        TranslationModel net = task.translationModel();
        console.printf(Locale.ROOT, "model: %s, %,d parameters%n", net.summary(), net.numParameters());
        console.printf(Locale.ROOT, "training: %d batches of <= %d tokens per epoch, %d steps; %s, %s, label smoothing %s%n", perEpoch, batchTokens,
                totalSteps, optimizer, clip > 0 ? "gradient norm clipped at " + clip : "no clipping", labelSmoothing);
        console.flush();

        String decoding = validBeam == 1 ? "greedy" : "beam " + validBeam;
        TrainingConsole progress = new TrainingConsole("train", "tokens", console).lossOnly()
                .onResume(p -> String.format(Locale.ROOT, "resuming at step %d (epoch %d, batch %d of %d)", p.step(), p.step() / perEpoch + 1,
                        p.step() % perEpoch, perEpoch))
                .onEvaluation((p, e) -> String.format(Locale.ROOT, "epoch %.2f (step %d/%d): train loss %.4f, validation loss %.4f, validation BLEU %.2f (%s); "
                        + "evaluated in %.1f s", e.epochs(), e.step(), totalSteps, p.losses().smoothed(), e.metric("loss"), e.metric("bleu"), decoding, e.seconds()));
        String title = model.isLstm()
                ? String.format(Locale.ROOT, "LSTM %s->%s: hidden %d, embeddings %d, %d layers, %s attention, %,d parameters", src, tgt, model.hidden, model.emb,
                model.layers, model.attention, net.numParameters())
                : String.format(Locale.ROOT, "Transformer %s->%s: d %d, %d+%d layers, %,d parameters", src, tgt, model.dModel, model.encoderLayers,
                model.decoderLayers, net.numParameters());
        FitResult r = Trainer.fit(task, options, TranslationTask.savesTokenizer(bpe, out), progress, new TranslationCurves(title, decoding));

        if (r.interrupted()) {
            console.printf(Locale.ROOT, "stopped at step %d of %d as asked (--stop-at); checkpoint in %s, continue with --resume%n", r.step(), totalSteps, out);
        } else {
            if (r.reason() == StopReason.ALREADY_COMPLETE) console.println("the run in " + out + " is already complete (" + r.step() + " steps)");
            if (r.last() != null) {
                console.printf(Locale.ROOT, "done: %d steps, validation loss %.4f, validation BLEU %.2f (%s this session)%n", r.step(),
                        (float) r.last().metric("loss"), (float) r.last().metric("bleu"), ConsoleFormat.duration(r.seconds()));
                console.println("checkpoint: " + out + ", curves: " + out.resolve(TranslationCurves.FILE) + "; average the last epochs with: jgrad average "
                        + out.resolve("epoch-NNN.safetensors") + " ... --out avg.safetensors");
            }
        }
        console.flush();
        return 0;
    }

    private void checkOptions() {
        model.check(spec.commandLine().getParseResult());
        clip = clipOption != null ? clipOption : model.isLstm() ? LSTM_CLIP : TRANSFORMER_CLIP;
        if (model.isLstm()) {
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
            if (!(lrDecay > 0 && lrDecay <= 1)) throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + lrDecay);
            if (decayAfter < 0) throw new IllegalArgumentException("--decay-after must be >= 0, got " + decayAfter);
        }
        for (Object[] o : new Object[][] {{"--vocab-size", vocabSize}, {"--batch-tokens", batchTokens}, {"--epochs", epochs}, {"--warmup", warmup},
                {"--valid-beam", validBeam}}) {
            if ((Integer) o[1] < 1) throw new IllegalArgumentException(o[0] + " must be positive, got " + o[1]);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new IllegalArgumentException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        if (!(lrFactor > 0) || Double.isInfinite(lrFactor)) throw new IllegalArgumentException("--lr-factor must be positive, got " + lrFactor);
        if (!(clip >= 0)) throw new IllegalArgumentException("--clip must be >= 0, got " + clip);
        if (!(lengthPenalty >= 0)) throw new IllegalArgumentException("--length-penalty must be >= 0, got " + lengthPenalty);
        if (maxSteps < 0 || stopAt < 0 || keepLast < 0 || validSentences < 0 || evalEvery < 0) {
            throw new IllegalArgumentException("--max-steps, --stop-at, --keep-last, --valid-sentences and --eval-every must be >= 0");
        }
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
        if ((trainSrc == null) != (trainTgt == null)) throw new IllegalArgumentException("give both --train-src and --train-tgt, or neither");
        if ((validSrc == null) != (validTgt == null)) throw new IllegalArgumentException("give both --valid-src and --valid-tgt, or neither");
    }
}
