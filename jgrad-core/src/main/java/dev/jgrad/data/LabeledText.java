package dev.jgrad.data;

/**
 * One example of a text classification dataset: the text, its integer class, and where it came from (1-based line).
 *
 * @param text  the sentence or document, stripped
 * @param label its class, a non-negative integer (0 negative, 1 positive for SST-2)
 * @param line  its 1-based line in the file it was read from, for messages
 */
public record LabeledText(String text, int label, int line) {}
