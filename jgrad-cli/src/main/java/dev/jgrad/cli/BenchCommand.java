package dev.jgrad.cli;

import dev.jgrad.bench.Bench;
import dev.jgrad.bench.FlopRate;
import dev.jgrad.bench.FmaPeak;
import dev.jgrad.bench.Machine;
import dev.jgrad.bench.Metric;
import dev.jgrad.bench.PairReport;
import dev.jgrad.bench.PairRunner;
import dev.jgrad.bench.ProcessSide;
import dev.jgrad.bench.TorchPeer;
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
 * the peer's form so that the two outputs can be put side by side; with {@code --against torch}, the two
 * run in alternating pairs and the command prints the ratios.
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
            "Information lines start with '#'. Each timing is the median of timed iterations after warm-up.",
            "Each workload's first metric is also given as GFLOP/s and as a percentage of this machine's FMA peak, "
                    + "which fma_peak's loop measures once (about a second) before the first workload.",
            "",
            "With --against torch, each workload runs in N pairs of child processes, jgrad and the peer one right "
                    + "after the other (jgrad first in odd pairs), and the command prints each pair's ratio, the medians "
                    + "and a markdown table. The peer is Debian's python3-torch:",
            "  " + TorchPeer.INSTALL
        })
final class BenchCommand implements Callable<Integer> {

    static final String ALL = "all";

    /** The peers that --against knows. */
    enum Peer { torch }

    @Option(names = "--quick", description = "Fewer iterations: a smoke test, not a measurement.")
    boolean quick;

    @Option(names = "--against", paramLabel = "PEER",
            description = "Compare with a peer in alternating pairs of runs: ${COMPLETION-CANDIDATES}.")
    Peer against;

    @Option(names = "--pairs", paramLabel = "N", converter = PositiveInt.class, defaultValue = "5",
            description = "With --against: pairs of runs per workload (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = TorchPeer.DEFAULT_PYTHON,
            description = "With --against torch: the Python that has torch (default: ${DEFAULT-VALUE}, Debian's).")
    String python;

    @Option(names = "--no-peak", description = "Do not measure the FMA peak, and leave out the percentages of it.")
    boolean noPeak;

    @Parameters(paramLabel = "WORKLOAD", arity = "0..*", completionCandidates = KnownNames.class,
            description = "Any of: ${COMPLETION-CANDIDATES}, " + ALL + " (the default: every workload but "
                    + Workloads.FMA_PEAK + ", which the peer does not have).")
    List<String> requested = new ArrayList<>();

    @Spec
    CommandSpec spec;

    private final Map<String, Supplier<Workload>> registry;
    /** The workloads the peer has too, in its order: what "all" runs and what --against can compare. */
    private final List<String> peerWorkloads;

    BenchCommand() {
        this(Workloads.all(), Workloads.peerNames());
    }

    /** For tests: workloads that finish in milliseconds, all of them the peer's. */
    BenchCommand(Map<String, Supplier<Workload>> registry) {
        this(registry, List.copyOf(registry.keySet()));
    }

    private BenchCommand(Map<String, Supplier<Workload>> registry, List<String> peerWorkloads) {
        this.registry = registry;
        this.peerWorkloads = peerWorkloads;
    }

    @Override
    public Integer call() {
        List<String> names = resolve(requested);
        if (against != null) return compareWithTorch(names);
        printHeader();
        FmaPeak.Result peak = null;
        boolean peakTried = false;
        for (String name : names) {
            Workload workload = registry.get(name).get();
            if (workload.flopsPerUnit() > 0 && !peakTried) {
                peak = measurePeak();
                peakTried = true;
            }
            long t0 = System.nanoTime();
            List<Metric> metrics = Bench.recording(() -> workload.run(quick));
            if (workload.flopsPerUnit() > 0 && !metrics.isEmpty()) {
                Bench.info(new FlopRate(metrics.getFirst(), workload.flopsPerUnit()).describe(peak));
            }
            Bench.info(String.format(Locale.ROOT, "%s wall=%.1fs", name, (System.nanoTime() - t0) / 1e9));
        }
        return 0;
    }

    /** The pairs, each side in a child process of its own, then the medians and the README table. */
    private int compareWithTorch(List<String> names) {
        List<String> notThePeers = names.stream().filter(n -> !peerWorkloads.contains(n)).toList();
        if (!notThePeers.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the torch peer has no workload "
                    + String.join(" ", notThePeers) + " (it has: " + String.join(" ", peerWorkloads) + ")");
        }
        try (TorchPeer torch = TorchPeer.locate(python)) {
            printHeader();
            int threads = Parallel.threads();
            Bench.info(String.format(Locale.ROOT, "against %s; %d alternating pair%s per workload, %d threads each",
                    torch.describe(), pairs, pairs == 1 ? "" : "s", threads));
            Bench.info(Machine.cpu());
            FmaPeak.Result peak = measurePeak();
            List<String> jgradArgs = new ArrayList<>(List.of("--threads", Integer.toString(threads), "bench", "--no-peak"));
            if (quick) jgradArgs.add("--quick");
            PairRunner runner = new PairRunner(ProcessSide.sameJvm("jgrad", Main.class.getName(), jgradArgs),
                    torch.side(threads, quick), pairs, System.out, Machine::loadAverage);
            List<PairRunner.Comparison> comparisons = names.stream().map(runner::compare).toList();
            String command = "./jgrad bench --against torch --pairs " + pairs + (quick ? " --quick" : "")
                    + (names.equals(peerWorkloads) ? "" : " " + String.join(" ", names));
            String setting = String.format(Locale.ROOT, "%s, %d threads each, %s, %d alternating pair%s (jgrad first in odd pairs):"
                    + " `%s`%s", Machine.cpu(), threads, torch.describe(), pairs, pairs == 1 ? "" : "s", command,
                    quick ? " (a smoke test, not a measurement)" : "");
            new PairReport("PyTorch", setting, name -> registry.get(name).get().flopsPerUnit(), peak).print(comparisons, System.out);
        }
        return 0;
    }

    private static void printHeader() {
        // threads: what the kernels will use (all processors unless -Djgrad.threads=N), as the peer reports torch's
        Bench.info(String.format(Locale.ROOT, "jgrad=%s java=%s threads=%d kernels=%s",
                Main.jgradVersion(), Runtime.version(), Parallel.threads(), kernelsName()));
    }

    /** The FMA peak for the percentages, once; null with --no-peak or without the Vector API. */
    private FmaPeak.Result measurePeak() {
        if (noPeak) return null;
        if (!FmaPeak.available()) {
            Bench.info("FMA peak: not measured, as the Vector API is missing (java --add-modules jdk.incubator.vector)");
            return null;
        }
        FmaPeak.Result peak = FmaPeak.measure(Parallel.threads(), quick);
        Bench.info("FMA peak: " + peak.describe() + " (fma_peak's loop, measured once for the percentages)");
        return peak;
    }

    /**
     * Validates every name before anything runs (as the peer does), so that a typo in the last of
     * several workloads does not cost the minutes the first ones take.
     */
    private List<String> resolve(List<String> asked) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (against == null && (parsed.hasMatchedOption("--pairs") || parsed.hasMatchedOption("--python"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pairs and --python go with --against torch");
        }
        List<String> known = List.copyOf(registry.keySet());
        List<String> unknown = asked.stream().filter(n -> !n.equals(ALL) && !known.contains(n)).toList();
        if (!unknown.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(
                    "unknown workload%s: %s (known: %s)", unknown.size() > 1 ? "s" : "",
                    String.join(" ", unknown), known.isEmpty() ? "none yet" : String.join(" ", known) + " " + ALL));
        }
        return asked.isEmpty() || asked.contains(ALL) ? peerWorkloads : asked;
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
