package dev.jgrad.cli;

import dev.jgrad.datasets.Dataset;
import dev.jgrad.datasets.Datasets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad data}: the public data sets that the commands train on, fetched into the cache
 * ({@code $JGRAD_DATA}, by default {@code ~/.cache/jgrad}) and checked against their SHA-256.
 */
@Command(name = "data",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = {"Lists and fetches the public data sets the commands train on.",
                "Files are checked against their published SHA-256 and kept in $JGRAD_DATA (default ~/.cache/jgrad)."},
        subcommands = {DataCommand.ListCommand.class, DataCommand.GetCommand.class})
final class DataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Lists the data sets: name, size, whether they are in the cache, and what they are.")
    static final class ListCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println("cache: " + Datasets.cacheDir());
            for (Dataset d : Datasets.all()) {
                out.printf(Locale.ROOT, "%-16s %9s  %-10s %s%n", d.name(), megabytes(d.bytes()),
                        Datasets.isComplete(d) ? "cached" : "not cached", d.description());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Fetches data sets into the cache (what is already there and verified is kept).",
                    "An interrupted download resumes where it stopped."})
    static final class GetCommand implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Data sets: tinyshakespeare, multi30k, mnist, fashion-mnist, sst2.")
        List<String> names = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<Dataset> wanted = new ArrayList<>();
            for (String name : names) wanted.add(Datasets.named(name)); // all names checked before any download
            PrintWriter out = spec.commandLine().getOut();
            for (Dataset d : wanted) {
                boolean had = Datasets.isComplete(d);
                Datasets.get(d, new DownloadBar(d));
                out.println(d.name() + ": " + (had ? "already in " : "verified in ") + Datasets.folder(d));
                out.flush();
            }
            return 0;
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
