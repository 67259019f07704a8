package dev.jgrad.data;

/** One example of a text classification dataset: the text, its integer class, and where it came from (1-based line). */
public record LabeledText(String text, int label, int line) {}
