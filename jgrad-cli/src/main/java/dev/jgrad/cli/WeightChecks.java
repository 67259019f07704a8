package dev.jgrad.cli;

import dev.jgrad.io.LoadOptions;

import java.io.PrintWriter;

/**
 * What {@code --strict} means for the weights of the commands that load a model to use it (sample, translate,
 * classify, eval): without it a checkpoint whose weights hold NaN or infinite values loads with one warning line on
 * the error stream; with it, the command refuses the checkpoint.
 */
final class WeightChecks {
    private WeightChecks() {}

    /** The help text of --strict for a command whose --strict means only this. */
    static final String STRICT_HELP = "Refuse a checkpoint whose weights hold NaN or infinite values (default: load it with a warning).";

    /** The loaders' options: warnings to {@code err}, refusal with {@code strict}. */
    static LoadOptions loadOptions(boolean strict, PrintWriter err) {
        LoadOptions warn = LoadOptions.defaults().warningsTo(message -> {
            err.println(message + " (--strict refuses such a checkpoint)");
            err.flush();
        });
        return strict ? warn.refuseNonFinite() : warn;
    }
}
