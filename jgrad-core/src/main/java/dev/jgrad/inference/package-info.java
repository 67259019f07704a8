/**
 * Trained models ready to use, each loaded from its checkpoint in one call with the vocabulary or tokenizer it needs,
 * in the spirit of DJL's {@code Predictor} and Hugging Face's {@code from_pretrained}:
 * <ul>
 * <li>{@link dev.jgrad.inference.CharLanguageModel}: {@code jgrad train charlm} (LSTM or Transformer); sample text,
 *     score it.</li>
 * <li>{@link dev.jgrad.inference.Translator}: {@code jgrad train translate} (Transformer or LSTM); greedy or beam
 *     search, text in and text out.</li>
 * <li>{@link dev.jgrad.inference.TextClassifier}: {@code jgrad train classify}; a label and probabilities per text.</li>
 * <li>{@link dev.jgrad.inference.ImageClassifier}: {@code jgrad train images} and {@code jgrad finetune}; a class
 *     and probabilities per image.</li>
 * <li>{@link dev.jgrad.inference.ImageEmbedder}: {@code jgrad simclr} and {@code jgrad supervised} (the encoder), or
 *     {@code jgrad train images} and {@code jgrad finetune} (below the head); a feature vector per image.</li>
 * </ul>
 * Each class's comment lists the checkpoint metadata it reads.
 *
 * <p><b>Errors.</b> A missing path is a {@link java.nio.file.NoSuchFileException} saying what was expected there; a
 * checkpoint of another kind (a translation model given to {@code CharLanguageModel.load}, say), one without its
 * vocabulary or tokenizer, or one whose weights do not fit its metadata is a {@link dev.jgrad.io.CheckpointException}
 * whose message names the file, what it holds and what was expected.
 *
 * <p><b>Threads.</b> Every object here may be called from several threads at once, and each call returns exactly,
 * bit for bit, what it returns when alone. What makes that so: the models are put in eval mode when loaded and are
 * never written to while predicting (no dropout, batch norm reads its running statistics, no mode switching);
 * gradient recording ({@link dev.jgrad.autograd.GradMode}) is per thread; every call keeps its own decoding state
 * (recurrent states, key/value caches, beams) and its own random generator; the kernels' scratch buffers are per
 * thread; and the kernels' worker pool ({@link dev.jgrad.kernels.Parallel}) serves one caller at a time, the others
 * running their loops on their own thread meanwhile, split the same way, so that only the speed differs. The one
 * thing not to do is change the mode of a predictor's {@code model()} ({@code train()}) while it is in use.
 */
package dev.jgrad.inference;
