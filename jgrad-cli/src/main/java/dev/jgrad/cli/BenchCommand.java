package dev.jgrad.cli;

import dev.jgrad.bench.Bench;
import dev.jgrad.bench.Workload;
import dev.jgrad.bench.Workloads;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad bench}: the workloads of the PyTorch peer script torch_bench.py, printed line for line in
 * the peer's form so that the two outputs can be put side by side.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Times jgrad on the workloads of the PyTorch peer.",
            "",
            "Prints one line per metric:",
            "  workload=<name> metric=<value> unit=<unit>",
            "This is the form of the PyTorch peer script torch_bench.py, so the two can be compared.",
            "Information lines start with '#'. Each timing is the median of timed iterations after warm-up."
        })
final class BenchCommand implements Callable<Integer> {

    static final String ALL = "all";

    @Option(names = "--quick", description = "Fewer iterations: a smoke test, not a measurement.")
    boolean quick;

    @Parameters(paramLabel = "WORKLOAD", arity = "0..*", completionCandidates = KnownNames.class,
            description = "Any of: ${COMPLETION-CANDIDATES}, " + ALL + " (the default).")
    List<String> requested = new ArrayList<>();

    @Spec
    CommandSpec spec;

    private final Map<String, Supplier<Workload>> registry;

    BenchCommand() {
        this(Workloads.all());
    }

    /** For tests: workloads that finish in milliseconds. */
    BenchCommand(Map<String, Supplier<Workload>> registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        List<String> names = resolve(requested);
        // threads: what the kernels will use (all processors unless -Djgrad.threads=N), as the peer reports torch's
        Bench.info(String.format(Locale.ROOT, "jgrad=%s java=%s threads=%d kernels=%s",
                Main.jgradVersion(), Runtime.version(), Parallel.threads(), kernelsName()));
        for (String name : names) {
            Workload workload = registry.get(name).get();
            long t0 = System.nanoTime();
            workload.run(quick);
            Bench.info(String.format(Locale.ROOT, "%s wall=%.1fs", name, (System.nanoTime() - t0) / 1e9));
        }
        return 0;
    }

    /**
     * Validates every name before anything runs (as the peer does), so that a typo in the last of
     * several workloads does not cost the minutes the first ones take.
     */
    private List<String> resolve(List<String> asked) {
        List<String> known = List.copyOf(registry.keySet());
        List<String> unknown = asked.stream().filter(n -> !n.equals(ALL) && !known.contains(n)).toList();
        if (!unknown.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(
                    "unknown workload%s: %s (known: %s)", unknown.size() > 1 ? "s" : "",
                    String.join(" ", unknown), known.isEmpty() ? "none yet" : String.join(" ", known) + " " + ALL));
        }
        return asked.isEmpty() || asked.contains(ALL) ? known : asked;
    }

    /** Which kernel implementation was chosen at start-up; never fails the run over a diagnostic. */
    private static String kernelsName() {
        try {
            return Kernels.get().getClass().getSimpleName();
        } catch (Throwable t) { // LinkageError too: an info line must not end the benchmark
            return "unavailable(" + t.getClass().getSimpleName() + ")";
        }
    }

    /** Feeds the registry's names into the usage text. */
    static final class KnownNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Workloads.names().iterator();
        }
    }
}
