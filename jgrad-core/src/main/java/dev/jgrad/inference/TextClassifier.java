package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.SequenceBatch;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.models.ClassifierCheckpoint;
import dev.jgrad.models.LSTMClassifier;
import dev.jgrad.text.TextEncoder;
import dev.jgrad.text.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A sentence classifier with its tokenizer and vocabulary, text in and class out: the {@link LSTMClassifier} that
 * {@code jgrad train classify} trains.
 * <pre>{@code
 * TextClassifier c = TextClassifier.load(Path.of("runs/classify/model.safetensors"));
 * Prediction p = c.predict("a gorgeous, witty film");
 * System.out.println(p.label() + " " + p.probability());
 * }</pre>
 * Classes are the integer labels of the training data, so a prediction's {@link Prediction#name()} is its index
 * ("0", "1", ...). Words are lowercased or not as in training; words outside the vocabulary read as {@code <unk>},
 * and a text without words as one {@code <unk>}.
 *
 * <p><b>Checkpoint.</b> {@link #load} takes the {@code .safetensors} file ({@link ClassifierCheckpoint}) and reads these
 * metadata entries:
 * <table>
 * <caption>Metadata read by TextClassifier.load</caption>
 * <tr><th>key</th><th>holds</th></tr>
 * <tr><td>{@code format}, {@code format_version}</td><td>{@code jgrad.LSTMClassifier}, {@code 1}</td></tr>
 * <tr><td>{@code vocabulary}</td><td>the word list, one token per line, line i having id i</td></tr>
 * <tr><td>{@code tokenizer.lowercase}</td><td>whether words are lowercased (default true)</td></tr>
 * <tr><td>{@code config.vocab_size}, {@code config.embed_dim}, {@code config.hidden_size}, {@code config.num_layers},
 *     {@code config.bidirectional}, {@code config.pooling}, {@code config.dropout}, {@code config.num_classes}</td>
 *     <td>the network's shape</td></tr>
 * <tr><td>{@code info.*}</td><td>training facts (epoch, validation accuracy, ...), in {@link #info()}; optional</td></tr>
 * </table>
 *
 * <p><b>Threads.</b> One instance may serve several threads at once, each call giving what it gives alone, bit for
 * bit: the model stays in eval mode (dropout off, nothing written), every call batches its own texts, and gradient
 * recording is off per thread. The kernels' worker pool serves one call at a time; the others run on their own
 * thread meanwhile, which changes the speed but never the arithmetic. Do not call {@code train()} on {@link #model()}
 * while others predict with it.
 */
public final class TextClassifier {

    /** Texts per forward pass when {@link #predict(List)} is given no batch size. */
    public static final int DEFAULT_BATCH = 256;

    private final ClassifierCheckpoint checkpoint;
    private final TextEncoder encoder;
    private final List<String> names;

    private TextClassifier(ClassifierCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.encoder = new TextEncoder(checkpoint.tokenizer(), checkpoint.vocabulary());
        List<String> n = new ArrayList<>();
        for (int c = 0; c < checkpoint.model().config().numClasses(); c++) n.add(Integer.toString(c));
        this.names = List.copyOf(n);
        checkpoint.model().eval();
    }

    /**
     * The classifier in a {@code jgrad train classify} checkpoint file (see the class comment), in eval mode.
     *
     * @param checkpoint the model's {@code .safetensors} file
     * @return the classifier with its tokenizer and vocabulary
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws dev.jgrad.io.CheckpointException if it holds another kind of model, lacks the vocabulary, or its
     *                                          metadata and weights do not fit together
     * @throws IOException                      if reading the file fails
     */
    public static TextClassifier load(Path checkpoint) throws IOException {
        return load(checkpoint, LoadOptions.defaults());
    }

    /**
     * As {@link #load(Path)}, with {@code options} deciding what NaN or infinite weights do (by default: a warning).
     *
     * @param checkpoint a model file of {@code jgrad train classify}
     * @param options    what NaN or infinite weights do
     * @return the classifier, in eval mode
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws dev.jgrad.io.CheckpointException if it holds another kind of model, lacks the vocabulary, its metadata
     *                                          and weights do not fit together, or it is refused for non-finite weights
     */
    public static TextClassifier load(Path checkpoint, LoadOptions options) throws IOException {
        CheckpointKind.TEXT_CLASSIFIER.requireFile(checkpoint, false);
        return new TextClassifier(ClassifierCheckpoint.load(checkpoint, options));
    }

    /**
     * A checkpoint in memory (freshly trained, say); its model is put in eval mode.
     *
     * @param checkpoint the LSTM classifier with its tokenizer and vocabulary
     * @return the classifier
     */
    public static TextClassifier of(ClassifierCheckpoint checkpoint) {
        return new TextClassifier(checkpoint);
    }

    /**
     * The class of one text.
     *
     * @param text a sentence or more, tokenised as in training
     * @return the predicted class and every class's probability
     */
    public Prediction predict(String text) {
        return predict(List.of(text), 1).getFirst();
    }

    /**
     * The class of each text, in order, {@value #DEFAULT_BATCH} texts per forward pass.
     *
     * @param texts the texts to classify
     * @return one prediction per text, in order; empty for no texts
     */
    public List<Prediction> predict(List<String> texts) {
        return predict(texts, DEFAULT_BATCH);
    }

    /**
     * The class of each text, in order; the texts are run in batches of up to {@code batchSize} of similar length
     * (little padding). The batch size changes the speed, and the probabilities only by rounding.
     *
     * @param texts     the texts to classify
     * @param batchSize texts per forward pass, at least 1
     * @return one prediction per text, in the order of {@code texts}
     * @throws IllegalArgumentException if the batch size is not positive
     */
    public List<Prediction> predict(List<String> texts, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("TextClassifier: the batch size must be positive, got " + batchSize);
        if (texts.isEmpty()) return List.of();
        int[][] ids = encoder.encodeAll(texts);
        Prediction[] out = new Prediction[ids.length];
        SequenceBatcher batcher = new SequenceBatcher(ids, new int[ids.length], Vocabulary.PAD_ID);
        try (var ignored = GradMode.noGrad()) {
            for (SequenceBatch b : batcher.sequential(batchSize, true)) {
                List<Prediction> p = Prediction.fromScores(checkpoint.model().forward(b.ids(), b.lengths()), names);
                for (int i = 0; i < p.size(); i++) out[b.indices()[i]] = p.get(i);
            }
        }
        return Arrays.asList(out);
    }

    /**
     * How many classes the model tells apart.
     *
     * @return the model's {@code num_classes}
     */
    public int numClasses() {
        return names.size();
    }

    /**
     * The tokenizer and vocabulary, text to ids as the model reads them.
     *
     * @return the encoder built from the checkpoint's tokenizer settings and vocabulary
     */
    public TextEncoder encoder() {
        return encoder;
    }

    /**
     * The network, in eval mode.
     *
     * @return the LSTM classifier, shared by every call: do not switch it to training mode while it serves
     */
    public LSTMClassifier model() {
        return checkpoint.model();
    }

    /**
     * The training facts stored in the checkpoint (the metadata's "info." entries without the prefix).
     *
     * @return the facts by key, empty when there are none
     */
    public Map<String, String> info() {
        return checkpoint.info();
    }
}
