package dev.jgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What a benchmark figure must be quoted with: the CPU (figures move with it) and how busy the machine was. */
public final class Machine {
    private Machine() {}

    /**
     * The CPU as /proc/cpuinfo names it.
     *
     * @return e.g. "cpu family 6, Intel(R) Xeon(R) Processor"; "unknown CPU" where there is no /proc/cpuinfo
     */
    public static String cpu() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException notLinux) {
            return "unknown CPU";
        }
        return "cpu family " + field(lines, "cpu family").orElse("?") + ", " + field(lines, "model name").orElse("unknown model");
    }

    private static Optional<String> field(List<String> cpuinfo, String name) {
        return cpuinfo.stream()
                .filter(l -> l.startsWith(name) && l.indexOf(':') > 0 && l.substring(0, l.indexOf(':')).strip().equals(name))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst();
    }

    /**
     * The load average over the last minute, the first field of /proc/loadavg.
     *
     * @return e.g. "1.32"; "n/a" where there is no /proc/loadavg
     */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+")[0];
        } catch (IOException | RuntimeException notLinux) {
            return "n/a";
        }
    }
}
