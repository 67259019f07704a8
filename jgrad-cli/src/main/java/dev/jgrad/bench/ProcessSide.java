package dev.jgrad.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A side of a comparison that runs each workload in a fresh child process, {@code command... WORKLOAD}, and
 * reads the first {@code workload=} line of its output. What the child prints on stderr is shown only
 * when it fails (its last line), so that the JVM's and Python's chatter do not bury the pairs.
 *
 * @param name        the side's name, e.g. "jgrad"
 * @param command     the command line before the workload's name
 * @param environment variables to set in the child, on top of this process's
 */
public record ProcessSide(String name, List<String> command, Map<String, String> environment) implements PairRunner.Side {

    /**
     * A side.
     *
     * @param name        the side's name, e.g. "jgrad"
     * @param command     the command line before the workload's name
     * @param environment variables to set in the child, on top of this process's
     */
    public ProcessSide {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /**
     * A side that runs this program again in a new JVM: the same java binary, JVM options and class path
     * as the running one. A debugger agent is left out, as its port is taken by this JVM.
     *
     * @param name      the side's name, e.g. "jgrad"
     * @param mainClass the class whose main method to run
     * @param args      the arguments before the workload's name
     * @return the side
     */
    public static ProcessSide sameJvm(String name, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> !option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return new ProcessSide(name, command, Map.of());
    }

    @Override
    public Metric run(String workload) {
        List<String> line = new ArrayList<>(command);
        line.add(workload);
        Path stderr = null;
        Process process = null;
        try {
            stderr = Files.createTempFile("jgrad-bench-" + name + "-", ".err");
            ProcessBuilder builder = new ProcessBuilder(line).redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            process = builder.start();
            process.getOutputStream().close();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.format("%s failed on %s (exit code %d): %s", name, workload, exit,
                        lastLine(Files.readString(stderr)).orElse("it printed nothing on stderr")));
            }
            return out.lines().map(Metric::parse).flatMap(Optional::stream).findFirst().orElseThrow(() ->
                    new IllegalStateException(name + " printed no workload= line for " + workload + " (command: "
                            + String.join(" ", line) + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + name + " (" + String.join(" ", line) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + name + " ran " + workload, e);
        } finally {
            if (process != null && process.isAlive()) process.destroyForcibly();
            if (stderr != null) stderr.toFile().delete();
        }
    }

    /** The last line that says something, less the JVM's note about the incubator module. */
    private static Optional<String> lastLine(String text) {
        List<String> lines = text.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("WARNING: Using incubator modules")).toList();
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.getLast());
    }
}
