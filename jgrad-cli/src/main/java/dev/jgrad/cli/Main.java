package dev.jgrad.cli;

import dev.jgrad.Jgrad;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code jgrad} command: entry point of the launcher script, and parent of every sub-command. */
@Command(name = "jgrad",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Deep learning for sequences in pure Java: tensors, autograd, RNNs, Transformers.",
        subcommands = {TrainCommand.class, EvalCommand.class, DataCommand.class, ClassifyCommand.class, SampleCommand.class, FinetuneCommand.class, TranslateCommand.class, AverageCommand.class, BenchCommand.class, BleuCommand.class, GradflowCommand.class, SimCLRCommand.class, LinearProbeCommand.class, SupervisedCommand.class, VisualizeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /** Set by {@code --debug} at any level, or {@code -Djgrad.debug=true}: errors then show their stack trace. */
    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Show the stack trace of an error (also -Djgrad.debug=true).")
    boolean debug;

    @Spec
    CommandSpec spec;

    /** {@code --threads N} at any level: the kernels' thread count, instead of -Djgrad.threads or every core. */
    @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "Threads for the kernels (default: -Djgrad.threads, else every available processor).")
    void setThreads(int n) {
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--threads': " + n + " (must be at least 1)");
        }
        Jgrad.threads(n);
    }

    public static void main(String[] args) {
        try {
            Jgrad.kernels(); // a bad -Djgrad.kernels is one line here, not a failure deep in the first command
        } catch (IllegalStateException e) {
            System.err.println("jgrad: error: " + e.getMessage());
            System.exit(1);
        }
        int status;
        try {
            status = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // Errors pass through picocli's handlers; this one has a cure the user can apply.
            System.err.println("jgrad: error: " + outOfMemory(Runtime.getRuntime().maxMemory()));
            status = 1;
        }
        System.exit(status);
    }

    /** The one line for an OutOfMemoryError: how large the heap was, and how to make it larger. */
    static String outOfMemory(long maxHeapBytes) {
        long mb = maxHeapBytes >> 20;
        long suggestion = Math.max(2, (2 * maxHeapBytes + (1L << 30) - 1) >> 30);
        return "out of memory: the Java heap (" + mb + " MB) is too small for these sizes; give jgrad more with "
                + "JGRAD_JAVA_OPTS=-Xmx" + suggestion + "g (this machine has " + physicalMemoryGb() + "), or use smaller sizes";
    }

    private static String physicalMemoryGb() {
        try {
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return String.format(java.util.Locale.ROOT, "%.0f GB", sun.getTotalMemorySize() / 1e9);
            }
        } catch (RuntimeException | LinkageError ignored) {
            // only the hint is lost
        }
        return "an unknown amount of memory";
    }

    /** The configured command tree; tests call {@code execute} on it with their own out and err. */
    public static CommandLine commandLine() {
        return withErrorHandlers(new CommandLine(new Main()));
    }

    /**
     * One-line errors and the deprecated option spellings for any command tree, so commands tested on their own
     * behave as under {@code jgrad}.
     */
    static CommandLine withErrorHandlers(CommandLine cmd) {
        cmd.setExecutionExceptionHandler(Main::reportError);
        cmd.setParameterExceptionHandler(Main::reportUsageError);
        return DeprecatedOptions.install(cmd);
    }

    /** A bare {@code jgrad} did nothing the user asked for, so it is a usage error, not a success. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /**
     * Failures while running a command are for the user to read, not the developer: one line,
     * unless they asked for the stack trace.
     */
    static int reportError(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (debugRequested(parsed)) {
            ex.printStackTrace(err);
        } else {
            err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(ex)
                    + " (--debug shows the stack trace)");
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    /** A mistyped command line: say what was wrong and where help is, without burying it under the whole usage text. */
    static int reportUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static boolean debugRequested(ParseResult parsed) {
        if (Boolean.getBoolean("jgrad.debug")) return true;
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    /**
     * The message alone when the exception type adds nothing (our own argument and state checks
     * explain themselves); otherwise the type too, since "NoSuchFileException: x.bin" says more
     * than "x.bin".
     */
    static String describe(Throwable ex) {
        Throwable t = ex;
        while ((t instanceof java.io.UncheckedIOException
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException
                || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) return t.getClass().getSimpleName();
        message = message.strip().replaceAll("\\s*\\R\\s*", "; ");
        // The core says which -Xmx would do; the launcher takes JVM options from the environment.
        if (t instanceof dev.jgrad.tensor.InsufficientHeapException heap && heap.suggestedXmx() != null) {
            message += " (for jgrad: JGRAD_JAVA_OPTS=" + heap.suggestedXmx() + " ./jgrad ...)";
        }
        // jgrad's own file errors name the file and the problem already; a class name would only be noise.
        boolean selfExplaining = t instanceof IllegalArgumentException
                || t instanceof IllegalStateException
                || t instanceof UnsupportedOperationException
                || t instanceof dev.jgrad.datasets.DownloadException
                || t instanceof dev.jgrad.data.DataFormatException
                || t instanceof dev.jgrad.io.CheckpointException
                || t instanceof dev.jgrad.vision.DatasetFormatException;
        return selfExplaining ? message : t.getClass().getSimpleName() + ": " + message;
    }

    /** The jgrad version from the Maven descriptor that the jar carries; "dev" when run from classes. */
    public static String jgradVersion() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/dev.jgrad/jgrad-cli/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) return v.strip();
            }
        } catch (java.io.IOException ignored) {
            // a missing or unreadable descriptor only costs the version string
        }
        String fromManifest = Main.class.getPackage().getImplementationVersion();
        return fromManifest != null ? fromManifest : "dev";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "jgrad " + jgradVersion(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"
            };
        }
    }
}
