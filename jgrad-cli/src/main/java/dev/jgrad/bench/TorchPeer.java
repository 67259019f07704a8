package dev.jgrad.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch peer: the script torch_bench.py, which jgrad-cli carries as a resource (a copy of
 * ../shared/peers/torch_bench.py, whose workloads have exactly the shapes of jgrad's), run by a Python that
 * has torch. Debian's python3-torch is what jgrad is compared with, in its fast configuration: torch and
 * OpenBLAS sharing one OpenMP thread pool through {@code LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp}
 * (without it, torch as Debian installs it is 2-4x slower on the recurrent and decode workloads).
 *
 * <p>Closing it deletes the script's temporary copy.
 */
public final class TorchPeer implements AutoCloseable {

    /** Debian's Python, the one python3-torch installs into; the python3 first on PATH may be another one. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";

    /** How to install the peer, as ../shared/peers/README.md says. */
    public static final String INSTALL =
            "apt-get update && apt-get install -y python3-torch python3-numpy libopenblas0-openmp python3-torchvision";

    private static final Path OPENBLAS_OPENMP = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp");

    private final Path python;
    private final String torchVersion;
    private final Map<String, String> environment;
    private final Path script;

    private TorchPeer(Path python, String torchVersion, Map<String, String> environment, Path script) {
        this.python = python;
        this.torchVersion = torchVersion;
        this.environment = environment;
        this.script = script;
    }

    /**
     * Finds the Python, checks that it imports torch, and extracts the script to a temporary file.
     *
     * @param python a path, or a name to look up on PATH
     * @return the peer, ready to run
     * @throws IllegalStateException naming what is missing and how to install it, when there is no such
     *                               Python or it cannot import torch
     */
    public static TorchPeer locate(String python) {
        Path executable = resolve(python);
        Map<String, String> environment = Files.isDirectory(OPENBLAS_OPENMP)
                ? Map.of("LD_LIBRARY_PATH", withLibraryPath(OPENBLAS_OPENMP.toString())) : Map.of();
        String version = torchVersion(executable, environment);
        return new TorchPeer(executable, version, environment, extractScript());
    }

    /**
     * The peer as a side of a comparison.
     *
     * @param threads the threads torch may use (the script's --threads), as many as jgrad's
     * @param quick   the script's --quick: a smoke test, not a measurement
     * @return a side that runs {@code python torch_bench.py --threads N [--quick] WORKLOAD}
     */
    public ProcessSide side(int threads, boolean quick) {
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), "--threads", Integer.toString(threads)));
        if (quick) command.add("--quick");
        return new ProcessSide("torch", command, environment);
    }

    /**
     * What runs, for an information line.
     *
     * @return e.g. "torch 1.13.0 (/usr/bin/python3, LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp)"
     */
    public String describe() {
        String libraries = environment.containsKey("LD_LIBRARY_PATH")
                ? "LD_LIBRARY_PATH=" + environment.get("LD_LIBRARY_PATH")
                : "no " + OPENBLAS_OPENMP + ", so torch and OpenBLAS may not share their threads";
        return "torch " + torchVersion + " (" + python + ", " + libraries + ")";
    }

    /**
     * The torch version the Python reported.
     *
     * @return e.g. "1.13.0a0"
     */
    public String torchVersion() {
        return torchVersion;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(script);
        } catch (IOException ignored) {
            // a temporary file left behind is not worth failing a finished comparison
        }
    }

    private static String withLibraryPath(String directory) {
        String existing = System.getenv("LD_LIBRARY_PATH");
        return existing == null || existing.isBlank() ? directory : directory + ":" + existing;
    }

    /** A path as given, or a bare name found on PATH, as a shell would. */
    static Path resolve(String python) {
        if (python.contains("/")) {
            Path path = Path.of(python);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new IllegalStateException("no Python at " + python + " (--python)" + installHint());
            }
            return path;
        }
        String searchPath = System.getenv().getOrDefault("PATH", "");
        for (String directory : searchPath.split(":")) {
            if (directory.isEmpty()) continue;
            Path candidate = Path.of(directory, python);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
        }
        throw new IllegalStateException("no Python named " + python + " on PATH (--python)" + installHint());
    }

    private static String torchVersion(Path python, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(python.toString(), "-c", "import torch; print(torch.__version__)")
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(python + " did not finish importing torch in 2 minutes");
            }
            List<String> lines = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (process.exitValue() != 0 || lines.isEmpty()) {
                String why = lines.isEmpty() ? "exit code " + process.exitValue() : lines.getLast();
                throw new IllegalStateException(python + " cannot import torch (" + why + ")" + installHint());
            }
            return lines.getLast();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + python + " (" + e.getMessage() + ")" + installHint(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking that " + python + " imports torch", e);
        }
    }

    private static String installHint() {
        return "; the torch peer needs Debian's python3-torch: " + INSTALL + " (then the default --python "
                + DEFAULT_PYTHON + " has it)";
    }

    private static Path extractScript() {
        try (InputStream in = TorchPeer.class.getResourceAsStream("torch_bench.py")) {
            if (in == null) throw new IllegalStateException("torch_bench.py is missing from jgrad's jar; rebuild jgrad");
            Path script = Files.createTempFile("jgrad-torch_bench-", ".py");
            script.toFile().deleteOnExit();
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract the peer script torch_bench.py: " + e.getMessage(), e);
        }
    }
}
