package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.bench.Bench;
import dev.jgrad.bench.Metric;
import dev.jgrad.bench.TorchPeer;
import dev.jgrad.bench.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code jgrad bench --against torch}, fma_peak and the FLOP-rate lines. Speed is never asserted. */
class BenchAgainstTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private String printed() {
        return stdout.text();
    }

    /** The error lines of a run that failed before anything was timed: one line, nothing on stdout. */
    private String oneErrorLine(InProcess.Result r, int exit) {
        assertEquals(exit, r.exit(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertEquals("", printed(), "nothing should have run");
        assertTrue(!lines.getFirst().contains("Exception"), lines.getFirst());
        return lines.getFirst();
    }

    private static boolean importsTorch(Path python) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python.toString(), "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    @Test
    void aPythonThatDoesNotExistIsOneLineWithTheInstallCommand() {
        String line = oneErrorLine(InProcess.jgrad("bench", "--against", "torch", "--python", tmp.resolve("python3").toString(), "sgemm"), 1);
        assertTrue(line.startsWith("jgrad bench: error: no Python at " + tmp.resolve("python3") + " (--python); "), line);
        assertTrue(line.contains(TorchPeer.INSTALL), line);
        String byName = oneErrorLine(InProcess.jgrad("bench", "--against", "torch", "--python", "no-such-python-here", "sgemm"), 1);
        assertTrue(byName.startsWith("jgrad bench: error: no Python named no-such-python-here on PATH (--python); "), byName);
    }

    @Test
    void aPythonWithoutTorchIsOneLineThatSaysWhyAndHowToInstallIt() throws IOException {
        Path python = tmp.resolve("python-without-torch");
        Files.writeString(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        String line = oneErrorLine(InProcess.jgrad("bench", "--against", "torch", "--python", python.toString(), "sgemm"), 1);
        assertTrue(line.startsWith("jgrad bench: error: " + python + " cannot import torch (ModuleNotFoundError: No module named 'torch'); "
                + "the torch peer needs Debian's python3-torch: " + TorchPeer.INSTALL), line);
    }

    /** Here, the python3 first on PATH (pyenv's) has no torch, while Debian's /usr/bin/python3 has it. */
    @Test
    void thePython3FirstOnPathWithoutTorchIsOneLine() throws Exception {
        Optional<Path> python3 = onPath("python3");
        Assumptions.assumeTrue(python3.isPresent(), "no python3 on PATH");
        Assumptions.assumeFalse(importsTorch(python3.get()), python3.get() + " has torch");
        String line = oneErrorLine(InProcess.jgrad("bench", "--against", "torch", "--python", "python3", "sgemm"), 1);
        assertTrue(line.startsWith("jgrad bench: error: " + python3.get() + " cannot import torch ("), line);
        assertTrue(line.contains(TorchPeer.INSTALL), line);
    }

    @Test
    void pairsBelowOneAreAUsageError() {
        for (String pairs : new String[] {"0", "-3"}) {
            InProcess.Result r = InProcess.jgrad("bench", "--against", "torch", "--pairs", pairs, "sgemm");
            assertEquals(2, r.exit(), r.err());
            assertEquals("jgrad bench: Invalid value for option '--pairs': '" + pairs + "' is not a positive integer (at least 1)",
                    r.err().lines().findFirst().orElseThrow());
        }
    }

    @Test
    void againstOptionsWithoutAgainstAndWorkloadsThePeerLacksAreUsageErrors() {
        InProcess.Result r = InProcess.jgrad("bench", "--pairs", "3", "sgemm");
        assertEquals(2, r.exit(), r.err());
        assertEquals("jgrad bench: --pairs and --python go with --against torch", r.err().lines().findFirst().orElseThrow());
        InProcess.Result fma = InProcess.jgrad("bench", "--against", "torch", "fma_peak");
        assertEquals(2, fma.exit(), fma.err());
        assertTrue(fma.err().startsWith("jgrad bench: the torch peer has no workload fma_peak (it has: sgemm lstm_lm_train"), fma.err());
    }

    @Test
    @Timeout(60)
    void fmaPeakPrintsAPositiveGflopsLinePerThreadCount() {
        InProcess.Result r = InProcess.jgrad("bench", "--quick", "fma_peak");
        assertEquals(0, r.exit(), r.err());
        List<Metric> metrics = printed().lines().map(Metric::parse).flatMap(Optional::stream).toList();
        assertEquals("fma_peak_T1", metrics.getFirst().name(), printed());
        for (Metric m : metrics) {
            assertEquals("GFLOP/s", m.unit());
            assertTrue(m.value() > 0, m.line());
        }
        assertTrue(printed().contains("# fma_peak FloatVector " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit"), printed());
    }

    /** A workload with a FLOP count gets a line with its GFLOP/s and the % of the peak measured before it. */
    @Test
    @Timeout(60)
    void aWorkloadWithFlopsGetsItsGflopsAndItsFractionOfThePeak() {
        Workload w = new Workload() {
            @Override
            public String name() {
                return "w";
            }

            @Override
            public void run(boolean quick) {
                Bench.emit("w", 100, "tokens/s");
                Bench.emit("w", 10, "ms/token");
            }

            @Override
            public double flopsPerUnit() {
                return 2e9;
            }
        };
        Map<String, Supplier<Workload>> registry = Map.of("w", () -> w);
        StringWriter err = new StringWriter();
        assertEquals(0, Main.withErrorHandlers(new picocli.CommandLine(new BenchCommand(registry)))
                .setErr(new PrintWriter(err, true)).execute("--quick", "w"), err.toString());
        List<String> lines = printed().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("# FMA peak: [0-9.]+ GFLOP/s on \\d+ threads?, \\d+-bit vectors .*")), printed());
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "# w: 2000.00 MFLOP per token x 100.0 tokens/s = 200.0 GFLOP/s, [0-9.]+% of the FMA peak \\(.*\\)")), printed());

        stdout.reset();
        assertEquals(0, Main.withErrorHandlers(new picocli.CommandLine(new BenchCommand(registry))).execute("--no-peak", "w"));
        assertTrue(printed().contains("# w: 2000.00 MFLOP per token x 100.0 tokens/s = 200.0 GFLOP/s, FMA peak not measured"), printed());
        assertTrue(!printed().contains("# FMA peak:"), printed());
    }

    /** The whole path, with real child processes: skipped only where Debian's python cannot import torch. */
    @Test
    @Timeout(900)
    void onePairAgainstTorchRunsBothSidesAndPrintsTheTable() throws Exception {
        Assumptions.assumeTrue(importsTorch(Path.of(TorchPeer.DEFAULT_PYTHON)), TorchPeer.DEFAULT_PYTHON + " cannot import torch");
        InProcess.Result r = InProcess.jgrad("bench", "--against", "torch", "--pairs", "1", "--quick", "sgemm");
        assertEquals(0, r.exit(), r.err());
        String out = printed();
        assertTrue(out.contains("# against torch "), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("# cpu family ")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("sgemm pair 1/1, jgrad first, load [0-9.]+: jgrad [0-9.]+, torch [0-9.]+ GFLOP/s: [0-9.]+x")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("sgemm: median [0-9.]+x \\(range [0-9.]+-[0-9.]+\\) over 1 pair")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\| sgemm \\| sgemm_N512 \\(GFLOP/s\\) \\| [0-9.]+ \\| [0-9.]+ \\| \\*\\*[0-9.]+x\\*\\* .* \\| [0-9.]+% / [0-9.]+% \\|")), out);
    }
}
