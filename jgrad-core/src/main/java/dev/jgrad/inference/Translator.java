package dev.jgrad.inference;

import dev.jgrad.data.TranslationExamples;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CheckpointFit;
import dev.jgrad.models.TranslationLSTM;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.models.TranslationTransformer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.InsufficientHeapException;
import dev.jgrad.text.Bpe;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A translation model with its tokenizer, text in and text out: the Transformer ({@link TranslationTransformer}) or
 * the LSTM encoder-decoder ({@link TranslationLSTM}) that {@code jgrad train translate} trains, with the BPE
 * tokenizer the checkpoint carries.
 * <pre>{@code
 * Translator t = Translator.load(Path.of("runs/translate/best.safetensors"));
 * List<String> german = t.translate(List.of("A man is riding a bike."));
 * String greedy = t.translate("Two dogs play.", TranslateOptions.greedy());
 * }</pre>
 * The search itself (beam search, length penalty, batching) is {@link dev.jgrad.models.Translator}'s, which works on
 * token ids; this class adds the checkpoint and the tokenizer around it.
 *
 * <p><b>Input.</b> Each sentence is stripped and cut into subwords; characters the tokenizer never saw become
 * {@code <unk>}, and a sentence longer than the model's {@code max_len} (with its {@code <eos>}) is cut. An empty
 * sentence translates to an empty one. To report or refuse those cases instead, encode with {@link #tokenizer()}
 * yourself and call {@link #translateEncoded}, as {@code jgrad translate} does.
 *
 * <p><b>Checkpoint.</b> {@link #load} takes a run directory or a model {@code .safetensors} file (an epoch's, the best,
 * an average) and reads these metadata entries:
 * <table>
 * <caption>Metadata read by Translator.load</caption>
 * <tr><th>key</th><th>holds</th></tr>
 * <tr><td>{@code model}</td><td>{@code TranslationTransformer} or {@code TranslationLSTM} (absent: a Transformer
 *     checkpoint from before the LSTM, recognised by {@code d_model})</td></tr>
 * <tr><td>{@code jgrad.bpe}</td><td>the BPE tokenizer (the same text as its {@code bpe.txt}: vocabulary and merges)</td></tr>
 * <tr><td>{@code jgrad.bpe.sha256}</td><td>its fingerprint, checked on load (optional)</td></tr>
 * <tr><td>{@code src_lang}, {@code tgt_lang}</td><td>the language pair, e.g. en and de (optional: "?")</td></tr>
 * <tr><td>{@code vocab_size}, {@code max_len}, {@code dropout}, {@code share_embeddings}, {@code tie_embeddings}</td>
 *     <td>both architectures' sizes</td></tr>
 * <tr><td>{@code d_model}, {@code nhead}, {@code num_encoder_layers}, {@code num_decoder_layers},
 *     {@code dim_feedforward}, {@code norm_first}</td><td>the Transformer's</td></tr>
 * <tr><td>{@code embedding_dim}, {@code hidden_size}, {@code num_layers}, {@code attention}</td><td>the LSTM's</td></tr>
 * </table>
 *
 * <p><b>Threads.</b> One instance may serve several threads at once, each call giving what it gives alone, bit for
 * bit: the model stays in eval mode, every call encodes its own batch and keeps its own decoding state (key/value
 * caches, LSTM states, beams), gradient recording is off per thread, and the tokenizer's cache is a concurrent map.
 * The kernels' worker pool serves one call at a time; the others run on their own thread meanwhile, which changes
 * the speed but never the arithmetic. Do not call {@code train()} on {@link #model()} while others translate with it.
 */
public final class Translator {

    /** Metadata keys of the language pair. */
    public static final String SOURCE_LANGUAGE_KEY = "src_lang", TARGET_LANGUAGE_KEY = "tgt_lang";

    /**
     * One output: the detokenised text, the target tokens (without {@code <bos>}/{@code <eos>}), their summed
     * log-probability, the length-penalised score beam search ranked it by, and whether it ended with {@code <eos>}
     * (false: cut at the maximum length). An empty source gives an empty, finished translation with no tokens.
     *
     * @param text     the translation, detokenised
     * @param tokens   its subword ids, without {@code <bos>} and {@code <eos>}
     * @param logProb  the sum of the tokens' log-probabilities (and of {@code <eos>}'s, when finished), in nats
     * @param score    {@code logProb} divided by GNMT's length penalty, what beam search ranked by ({@code logProb}
     *                 itself with greedy decoding)
     * @param finished true if the model ended it with {@code <eos>}, false if it was cut at the maximum length
     */
    public record Translation(String text, int[] tokens, double logProb, double score, boolean finished) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Translation(\"%s\", %d tokens, logProb=%.4f, score=%.4f%s)", text, tokens.length, logProb, score,
                    finished ? "" : ", unfinished");
        }
    }

    private final TranslationModel model;
    private final Bpe tokenizer;
    private final Map<String, String> metadata;

    private Translator(TranslationModel model, Bpe tokenizer, Map<String, String> metadata) {
        if (tokenizer.vocabulary().size() != model.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabulary().size() + " tokens but the model's vocabulary is "
                    + model.vocabSize());
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.metadata = Map.copyOf(metadata);
        model.eval();
    }

    /**
     * The model of a {@code jgrad train translate} run, with the tokenizer stored in it (see the class comment), in
     * eval mode.
     *
     * @param checkpoint a run directory of {@code jgrad train translate} or one of its model {@code .safetensors} files
     * @return the model with its tokenizer, ready to translate
     * @throws java.nio.file.NoSuchFileException if there is nothing at {@code checkpoint}
     * @throws CheckpointException if it holds another kind of model, lacks the tokenizer, or its metadata and
     *                             weights do not fit together
     * @throws IOException         if reading the file fails
     */
    public static Translator load(Path checkpoint) throws IOException {
        return load(checkpoint, null);
    }

    /**
     * As {@link #load(Path)}, and checks that the tokenizer file {@code tokenizerFile} (a {@code bpe.txt}; null: no
     * check) is the one the model was trained with, by fingerprint.
     *
     * @param checkpoint    a run directory of {@code jgrad train translate} or one of its model {@code .safetensors} files
     * @param tokenizerFile a {@code bpe.txt} to compare with the checkpoint's own tokenizer, or null for no check
     * @return the model with the checkpoint's tokenizer, ready to translate
     * @throws java.nio.file.NoSuchFileException if there is nothing at {@code checkpoint} or {@code tokenizerFile}
     * @throws CheckpointException      as {@link #load(Path)}
     * @throws IllegalArgumentException if the tokenizer file's vocabulary or merges differ from the checkpoint's
     * @throws IOException              if reading a file fails
     */
    public static Translator load(Path checkpoint, Path tokenizerFile) throws IOException {
        return load(checkpoint, tokenizerFile, LoadOptions.defaults());
    }

    /**
     * As {@link #load(Path, Path)}, with {@code options} deciding what NaN or infinite weights do (by default: a warning).
     *
     * @param checkpoint    a run directory or model file of {@code jgrad train translate}
     * @param tokenizerFile a BPE file to check against the checkpoint's tokenizer, or null
     * @param options       what NaN or infinite weights do
     * @return the translator, its model in eval mode
     * @throws CheckpointException if it holds another kind of model, lacks the tokenizer, its metadata and weights do
     *                             not fit together, or it is refused for non-finite weights
     * @throws dev.jgrad.tensor.InsufficientHeapException if the model its metadata describes cannot fit in the heap
     */
    public static Translator load(Path checkpoint, Path tokenizerFile, LoadOptions options) throws IOException {
        CheckpointKind kind = CheckpointKind.TRANSLATION;
        kind.requireExists(checkpoint);
        SafeTensors.File file = TrainingCheckpoint.loadModel(checkpoint, options);
        Map<String, String> meta = file.metadata();
        kind.require(meta, checkpoint, false);
        if (!meta.containsKey(Bpe.METADATA_KEY)) {
            throw new CheckpointException(checkpoint, null, "the metadata has no '" + Bpe.METADATA_KEY + "' entry (the BPE tokenizer, which "
                    + "'jgrad train translate' stores there); expected " + kind.describe());
        }
        TranslationModel model;
        Bpe bpe;
        try {
            model = newModel(meta, checkpoint, file);
            bpe = Bpe.fromMetadata(meta, checkpoint.toString());
        } catch (IllegalArgumentException e) {
            throw CheckpointKind.invalid(checkpoint, e);
        } catch (InsufficientHeapException e) {
            throw e.in(checkpoint.toString());
        }
        if (tokenizerFile != null) {
            Bpe given = Bpe.load(tokenizerFile);
            if (!given.fingerprint().equals(bpe.fingerprint())) {
                throw new IllegalArgumentException("the tokenizer " + tokenizerFile + " (sha256 " + given.fingerprint().substring(0, 16)
                        + "...) is not the one " + checkpoint + " was trained with (sha256 " + bpe.fingerprint().substring(0, 16)
                        + "...): vocabulary or merges differ (the checkpoint carries its own tokenizer: no file is needed)");
            }
        }
        try {
            model.loadStateDict(file.tensors());
            return new Translator(model, bpe, meta);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(checkpoint, null, "does not fit a " + model.summary() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model in memory (freshly trained, say) with its tokenizer; the model is put in eval mode.
     *
     * @param model     the network; its vocabulary size must be the tokenizer's
     * @param tokenizer the BPE tokenizer it was trained with
     * @return the translator; its {@link #metadata()} is the model's config plus the tokenizer
     * @throws IllegalArgumentException if the tokenizer's vocabulary size is not the model's
     */
    public static Translator of(TranslationModel model, Bpe tokenizer) {
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        tokenizer.putMetadata(meta);
        return new Translator(model, tokenizer, meta);
    }

    /**
     * An untrained model of the kind and shape the metadata records: "model" = TranslationLSTM for the LSTM
     * encoder-decoder, TranslationTransformer (or, for checkpoints from before there was a choice, nothing) for the
     * Transformer.
     */
    private static TranslationModel newModel(Map<String, String> metadata, Path checkpoint, SafeTensors.File file) throws CheckpointException {
        String source = checkpoint.toString();
        if (TranslationLSTM.Config.MODEL.equals(metadata.get("model"))) {
            TranslationLSTM.Config config = TranslationLSTM.Config.fromMetadata(metadata, source);
            CheckpointFit.requireWeights(checkpoint, file, config.numParameters(), "TranslationLSTM(" + config.summary() + ")");
            return new TranslationLSTM(config, new Generator(0));
        }
        Map<String, String> m = metadata;
        if (!metadata.containsKey("model")) {
            m = new LinkedHashMap<>(metadata);
            m.put("model", "TranslationTransformer");
        }
        TranslationTransformer.Config config = TranslationTransformer.Config.fromMetadata(m, source);
        CheckpointFit.requireWeights(checkpoint, file, config.numParameters(), "TranslationTransformer(" + config.summary() + ")");
        return new TranslationTransformer(config, new Generator(0));
    }

    /**
     * The network, in eval mode.
     *
     * @return the Transformer or LSTM, shared by every call: do not switch it to training mode while it serves
     */
    public TranslationModel model() {
        return model;
    }

    /**
     * The BPE tokenizer of both languages.
     *
     * @return the tokenizer, shared between source and target
     */
    public Bpe tokenizer() {
        return tokenizer;
    }

    /**
     * The source language as the checkpoint records it ({@code src_lang}), or "?".
     *
     * @return a language code such as {@code en}, or "?"
     */
    public String sourceLanguage() {
        return metadata.getOrDefault(SOURCE_LANGUAGE_KEY, "?");
    }

    /**
     * The target language as the checkpoint records it ({@code tgt_lang}), or "?".
     *
     * @return a language code such as {@code de}, or "?"
     */
    public String targetLanguage() {
        return metadata.getOrDefault(TARGET_LANGUAGE_KEY, "?");
    }

    /**
     * The checkpoint's metadata (or, for {@link #of}, the model's config and tokenizer), unmodifiable.
     *
     * @return the metadata entries by key (see the class comment)
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * One sentence with {@link TranslateOptions#defaults()} (beam search).
     *
     * @param sentence a sentence in the source language
     * @return its translation; empty for a blank sentence
     */
    public String translate(String sentence) {
        return translate(sentence, TranslateOptions.defaults());
    }

    /**
     * One sentence.
     *
     * @param sentence a sentence in the source language
     * @param options  greedy or beam search, length penalty, maximum length
     * @return its translation; empty for a blank sentence
     */
    public String translate(String sentence, TranslateOptions options) {
        return translate(List.of(sentence), options).getFirst();
    }

    /**
     * Sentences with {@link TranslateOptions#defaults()} (beam search), line for line.
     *
     * @param sentences sentences in the source language
     * @return one translation per sentence, in order
     */
    public List<String> translate(List<String> sentences) {
        return translate(sentences, TranslateOptions.defaults());
    }

    /**
     * Sentences, line for line: the texts of {@link #translateAll}.
     *
     * @param sentences sentences in the source language
     * @param options   greedy or beam search, length penalty, maximum length, sentences per batch
     * @return one translation per sentence, in order
     */
    public List<String> translate(List<String> sentences, TranslateOptions options) {
        List<String> out = new ArrayList<>(sentences.size());
        for (Translation t : translateAll(sentences, options)) out.add(t.text());
        return out;
    }

    /**
     * Sentences, line for line, with the tokens and scores of each translation.
     *
     * @param sentences sentences in the source language
     * @param options   greedy or beam search, length penalty, maximum length, sentences per batch
     * @return one translation per sentence, in order
     */
    public List<Translation> translateAll(List<String> sentences, TranslateOptions options) {
        List<int[]> sources = new ArrayList<>(sentences.size());
        for (String s : sentences) sources.add(encode(s));
        return translateEncoded(sources, options);
    }

    /**
     * A sentence as the model reads it: its subword ids then {@code <eos>}, cut to the model's maximum length;
     * unknown characters are {@code <unk>}, and a blank sentence gives no ids at all.
     *
     * @param sentence a sentence in the source language
     * @return its subword ids ending in {@code <eos>}, at most the model's {@code max_len} long; empty for a blank sentence
     */
    public int[] encode(String sentence) {
        String s = sentence.strip();
        return s.isEmpty() ? new int[0] : TranslationExamples.source(tokenizer.encode(s), model.maxLen());
    }

    /**
     * Translates sources already encoded as {@link #encode} does (ids ending in {@code <eos>}; no ids: an empty
     * translation), in order.
     *
     * @param sources the encoded sentences
     * @param options greedy or beam search, length penalty, maximum length, sentences per batch
     * @return one translation per source, in order
     */
    public List<Translation> translateEncoded(List<int[]> sources, TranslateOptions options) {
        List<int[]> nonEmpty = new ArrayList<>();
        for (int[] s : sources) if (s.length > 0) nonEmpty.add(s);
        List<dev.jgrad.models.Translator.Hypothesis> hyps = new dev.jgrad.models.Translator(model, options.maxLength())
                .translate(nonEmpty, options.beamSize(), options.lengthPenalty(), options.batchSentences());
        List<Translation> out = new ArrayList<>(sources.size());
        int k = 0;
        for (int[] s : sources) {
            if (s.length == 0) {
                out.add(new Translation("", new int[0], 0, 0, true));
            } else {
                var h = hyps.get(k++);
                out.add(new Translation(tokenizer.decode(h.tokens()), h.tokens(), h.logProb(), h.score(), h.finished()));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Translator(" + model.summary() + ", " + sourceLanguage() + "->" + targetLanguage() + ", " + tokenizer.vocabulary().size()
                + " subwords)";
    }
}
