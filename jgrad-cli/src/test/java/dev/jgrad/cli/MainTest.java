package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.bench.Bench;
import dev.jgrad.bench.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private int run(CommandLine cmd, String... args) {
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private int jgrad(String... args) {
        return run(Main.commandLine(), args);
    }

    @Test
    void helpListsTheBenchCommand() {
        assertEquals(0, jgrad("--help"));
        assertTrue(out.toString().contains("bench"), out.toString());
        assertTrue(out.toString().contains("--version"), out.toString());
    }

    @Test
    void versionNamesJgradAndJava() {
        assertEquals(0, jgrad("--version"));
        assertTrue(out.toString().startsWith("jgrad "), out.toString());
        assertTrue(out.toString().contains("Java " + Runtime.version()), out.toString());
    }

    @Test
    void bareJgradIsAUsageError() {
        assertEquals(2, jgrad());
        assertTrue(err.toString().contains("Usage: jgrad"), err.toString());
    }

    @Test
    void benchHelpDescribesTheOutputForm() {
        assertEquals(0, jgrad("bench", "--help"));
        assertTrue(out.toString().contains("workload=<name> metric=<value> unit=<unit>"), out.toString());
        assertTrue(out.toString().contains("--quick"), out.toString());
    }

    @Test
    void unknownWorkloadIsAUsageErrorListingTheKnownOnes() {
        assertEquals(2, jgrad("bench", "no_such_workload"));
        String e = err.toString();
        assertTrue(e.startsWith("jgrad bench: unknown workload: no_such_workload (known: "), e);
        assertFalse(e.contains("\tat "), "no stack trace for a usage error: " + e);
        assertEquals("", stdout.text(), "nothing runs when any name is wrong");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, jgrad("bench", "--no-such-option"));
        assertTrue(err.toString().contains("Try 'jgrad bench --help'"), err.toString());
    }

    /** Records what ran, in order, and with which quick flag. */
    private static Map<String, Supplier<Workload>> fakeRegistry(List<String> log) {
        Map<String, Supplier<Workload>> registry = new LinkedHashMap<>();
        for (String name : List.of("alpha", "beta")) {
            registry.put(name, () -> new Workload() {
                @Override public String name() { return name; }
                @Override public void run(boolean quick) {
                    log.add(name + (quick ? ":quick" : ""));
                    Bench.emit(name, 1234.5, "things/s");
                }
            });
        }
        return registry;
    }

    private CommandLine bench(List<String> log) {
        return Main.withErrorHandlers(new CommandLine(new BenchCommand(fakeRegistry(log))));
    }

    @Test
    void noArgumentRunsEveryWorkloadInRegistryOrderInThePeersForm() {
        List<String> log = new ArrayList<>();
        assertEquals(0, run(bench(log)));
        assertEquals(List.of("alpha", "beta"), log);
        List<String> lines = stdout.text().lines().toList();
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("# jgrad=\\S+ java=\\S+ threads=\\d+ kernels=\\S+"), lines.get(0));
        assertEquals("workload=alpha metric=1234.5 unit=things/s", lines.get(1));
        assertTrue(lines.get(2).matches("# alpha wall=\\d+\\.\\ds"), lines.get(2));
        assertEquals("workload=beta metric=1234.5 unit=things/s", lines.get(3));
        assertTrue(lines.get(4).matches("# beta wall=\\d+\\.\\ds"), lines.get(4));
    }

    @Test
    void allMeansEveryWorkload() {
        List<String> log = new ArrayList<>();
        assertEquals(0, run(bench(log), "--quick", "all"));
        assertEquals(List.of("alpha:quick", "beta:quick"), log);
    }

    @Test
    void namedWorkloadsRunInTheOrderGiven() {
        List<String> log = new ArrayList<>();
        assertEquals(0, run(bench(log), "beta", "alpha"));
        assertEquals(List.of("beta", "alpha"), log);
    }

    @Test
    void unknownNameAmongGoodOnesRunsNothing() {
        List<String> log = new ArrayList<>();
        assertEquals(2, run(bench(log), "alpha", "gamma", "delta"));
        assertEquals(List.of(), log);
        assertTrue(err.toString().startsWith("bench: unknown workloads: gamma delta (known: alpha beta all)"),
                err.toString());
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override public Integer call() {
            throw new IllegalStateException("the model has no parameters");
        }
    }

    private CommandLine withBoom() {
        CommandLine cmd = Main.commandLine();
        cmd.addSubcommand("boom", new Boom());
        return cmd;
    }

    @Test
    void anErrorIsOneLineOnStderrWithExitCode1() {
        assertEquals(1, run(withBoom(), "boom"));
        assertEquals("jgrad boom: error: the model has no parameters (--debug shows the stack trace)\n",
                err.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void debugShowsTheStackTraceFromEitherSideOfTheSubcommand() {
        assertEquals(1, run(withBoom(), "--debug", "boom"));
        assertTrue(err.toString().contains("\tat "), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run(withBoom(), "boom", "--debug"));
        assertTrue(err.toString().contains("\tat "), err.toString());
    }

    @Test
    void errorsNameTheirTypeOnlyWhenTheMessageNeedsIt() {
        assertEquals("bad shape", Main.describe(new IllegalArgumentException("bad shape")));
        assertEquals("NoSuchFileException: model.safetensors",
                Main.describe(new UncheckedIOException(new NoSuchFileException("model.safetensors"))));
        assertEquals("OutOfMemoryError", Main.describe(new OutOfMemoryError()));
        assertEquals("line one; line two", Main.describe(new IllegalStateException("line one\n  line two\n")));
    }
}
