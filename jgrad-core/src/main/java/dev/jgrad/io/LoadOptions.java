package dev.jgrad.io;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a checkpoint is read: what happens when its weights hold NaN or infinite values (a run that diverged, a file
 * damaged or edited), which would otherwise load silently and predict garbage. Start from {@link #defaults()} (warn)
 * and change by name: {@code LoadOptions.defaults().refuseNonFinite()}, {@code LoadOptions.defaults().warningsTo(err::println)}.
 *
 * @param nonFinite what a NaN or infinite value does
 * @param warnings  where the one-line warning of {@link NonFinite#WARN} goes
 */
public record LoadOptions(NonFinite nonFinite, Consumer<String> warnings) {

    /** What loading does about NaN or infinite values in a checkpoint's tensors. */
    public enum NonFinite {
        /** Loads them without a word (no scan). */
        ALLOW,
        /** Loads them, and sends one line naming the file and the first tensor holding one to {@link #warnings()}. */
        WARN,
        /** Refuses the file with a {@link CheckpointException} naming it and the first tensor holding one. */
        REFUSE
    }

    /** Checks both parts are given. */
    public LoadOptions {
        Objects.requireNonNull(nonFinite, "nonFinite");
        Objects.requireNonNull(warnings, "warnings");
    }

    /**
     * Warn about non-finite values, through the platform logger ({@code System.getLogger("dev.jgrad.io")}, level WARNING).
     *
     * @return the default options
     */
    public static LoadOptions defaults() {
        System.Logger logger = System.getLogger("dev.jgrad.io");
        return new LoadOptions(NonFinite.WARN, message -> logger.log(System.Logger.Level.WARNING, message));
    }

    /**
     * These options, refusing a checkpoint that holds a NaN or infinite value.
     *
     * @return new options
     */
    public LoadOptions refuseNonFinite() {
        return new LoadOptions(NonFinite.REFUSE, warnings);
    }

    /**
     * These options, loading NaN and infinite values with a warning.
     *
     * @return new options
     */
    public LoadOptions warnNonFinite() {
        return new LoadOptions(NonFinite.WARN, warnings);
    }

    /**
     * These options, loading NaN and infinite values without looking (the raw reader's behaviour).
     *
     * @return new options
     */
    public LoadOptions allowNonFinite() {
        return new LoadOptions(NonFinite.ALLOW, warnings);
    }

    /**
     * These options, with warnings sent to {@code sink} (a command line prints them on its error stream).
     *
     * @param sink receives each warning, one line
     * @return new options
     */
    public LoadOptions warningsTo(Consumer<String> sink) {
        return new LoadOptions(nonFinite, sink);
    }
}
