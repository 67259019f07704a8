package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JVM-level settings, each in a JVM of its own: they are read once, when the kernels load. */
class RuntimeSettingsTest {

    private record Run(int exit, String out, String err) {}

    private static Run jgrad(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmOptions);
        String home = System.getProperty("jgrad.home"); // where the launcher's data/ is, as ./jgrad passes it
        if (home != null) cmd.add("-Djgrad.home=" + home);
        cmd.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jgrad " + List.of(args) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The lines of stderr less the JVM's own note about incubator modules. */
    private static List<String> errorLines(Run r) {
        return r.err().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
    }

    @Test
    void anUnknownKernelImplementationIsOneLineThatListsTheKnownOnes() throws Exception {
        Run r = jgrad(List.of("--add-modules", "jdk.incubator.vector", "-Djgrad.kernels=native"), "train", "demo", "--help");
        assertEquals(1, r.exit(), r.err());
        assertEquals(List.of("jgrad: error: -Djgrad.kernels=native is not a kernel implementation; known: scalar, vector"),
                errorLines(r));
    }

    @Test
    void withoutTheVectorApiTheScalarKernelsRunAfterOneWarning() throws Exception {
        Run r = jgrad(List.of(), "--version");
        assertEquals(0, r.exit(), r.err());
        List<String> warnings = errorLines(r).stream().filter(l -> l.contains("warning")).toList();
        assertEquals(List.of("jgrad: warning: the Vector API is missing, so the scalar kernels run (several times slower); "
                + "run java with --add-modules jdk.incubator.vector"), warnings);
    }

    @Test
    void runningOutOfMemoryIsOneLineThatSaysHowToGiveMore() throws Exception {
        // A 2,000,000-unit hidden layer needs gigabytes of weights; the heap here is 64 MB.
        Run r = jgrad(List.of("--add-modules", "jdk.incubator.vector", "-Xmx64m"), "train", "demo", "--hidden", "2000000",
                "--out", java.nio.file.Files.createTempDirectory("oom").resolve("run").toString());
        assertEquals(1, r.exit(), r.err());
        List<String> lines = errorLines(r);
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("jgrad: error: out of memory: the Java heap (") && lines.get(0).contains("JGRAD_JAVA_OPTS=-Xmx"),
                lines.get(0));
    }

    @Test
    void threadsOptionSetsTheKernelThreadsAtAnyLevel() throws Exception {
        Run r = jgrad(List.of("--add-modules", "jdk.incubator.vector"), "bench", "sgemm", "--quick", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("threads=1"), r.out());
        Run bad = jgrad(List.of("--add-modules", "jdk.incubator.vector"), "--threads", "0", "bench", "sgemm");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("'--threads': 0 (must be at least 1)"), bad.err());
    }
}
