package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/**
 * A character-level language model after Bengio et al. (2003): the embeddings of the previous
 * {@code context} characters, concatenated, go through one tanh hidden layer to scores for the next
 * character. Small and quick to train: the end-to-end demo of the tensor engine, nn and optim.
 */
public final class CharMLP extends Module {

    /**
     * The model's shape.
     *
     * @param vocabSize characters in the vocabulary, at least 2
     * @param context   how many previous characters the model reads (Bengio's n - 1)
     * @param embedDim  the width of each character's embedding
     * @param hidden    the width of the tanh hidden layer
     */
    public record Config(int vocabSize, int context, int embedDim, int hidden) {
        /**
         * Checks the shape.
         *
         * @throws IllegalArgumentException if a size is not positive or the vocabulary has fewer than 2 characters
         */
        public Config {
            if (vocabSize < 2 || context < 1 || embedDim < 1 || hidden < 1) {
                throw new IllegalArgumentException("CharMLP.Config: all sizes must be positive and the vocabulary at least 2: " + this);
            }
        }
    }

    private final Config config;
    private final Embedding embed;
    private final Linear hidden;
    private final Linear out;

    /**
     * A model of shape {@code config}: children {@code embed}, {@code hidden} and {@code out}.
     *
     * @param config the model's sizes
     * @param gen    the random generator of the initial weights
     */
    public CharMLP(Config config, Generator gen) {
        this.config = config;
        this.embed = registerModule("embed", new Embedding(config.vocabSize(), config.embedDim(), gen));
        this.hidden = registerModule("hidden", new Linear(config.context() * config.embedDim(), config.hidden(), true, gen));
        this.out = registerModule("out", new Linear(config.hidden(), config.vocabSize(), true, gen));
    }

    /**
     * The model's shape.
     *
     * @return the config it was built with
     */
    public Config config() {
        return config;
    }

    /**
     * context ids [batch, context] -> next-character logits [batch, vocab].
     *
     * @param contextIds the previous characters' ids, of shape [batch, context], oldest first
     * @return logits of shape [batch, vocabSize] for the character that follows
     * @throws IllegalArgumentException if the shape is not [batch, context]
     */
    public Tensor forward(IntTensor contextIds) {
        int batch = contextIds.size(0);
        if (contextIds.dim() != 2 || contextIds.size(1) != config.context()) {
            throw new IllegalArgumentException("CharMLP: expected context ids of shape [batch, " + config.context() + "], got "
                    + java.util.Arrays.toString(contextIds.shape()));
        }
        Tensor e = embed.forward(contextIds).reshape(batch, config.context() * config.embedDim());
        return out.forward(hidden.forward(e).tanh());
    }

    /**
     * Continues {@code prompt} (character ids) by {@code length} characters, sampling from the softmax at
     * the given temperature; the prompt is left-padded with id 0 when shorter than the context.
     *
     * @param prompt      character ids to start from; only the last {@code context} are read
     * @param length      characters to generate
     * @param temperature the logits' divisor, positive: below 1 sharper, above 1 more random
     * @param gen         the random generator, advanced by one double per character
     * @return the {@code length} generated ids, without the prompt
     */
    public int[] generate(int[] prompt, int length, float temperature, Generator gen) {
        int k = config.context();
        int[] seq = new int[k + length];
        int p = Math.min(prompt.length, k);
        System.arraycopy(prompt, prompt.length - p, seq, k - p, p);
        try (var ignored = GradMode.noGrad()) {
            for (int t = 0; t < length; t++) {
                int[] ctx = java.util.Arrays.copyOfRange(seq, t, t + k);
                float[] probs = forward(IntTensor.of(ctx, 1, k)).div(temperature).softmax(-1).toArray();
                seq[k + t] = sample(probs, gen);
            }
        }
        return java.util.Arrays.copyOfRange(seq, k, k + length);
    }

    static int sample(float[] probs, Generator gen) {
        double u = gen.nextDouble(), acc = 0;
        for (int i = 0; i < probs.length; i++) {
            acc += probs[i];
            if (u < acc) return i;
        }
        return probs.length - 1;
    }
}
