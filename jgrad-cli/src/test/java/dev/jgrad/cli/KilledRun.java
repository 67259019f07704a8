package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * jgrad training commands in processes of their own, and killed (SIGKILL, no chance to clean up) while they train:
 * what a user's power cut or {@code kill -9} does. A kill at any moment must leave a complete checkpoint, the
 * previous one or the new one, from which {@code --resume} continues as if never stopped.
 */
final class KilledRun {
    private KilledRun() {}

    /** {@code java <jvmOptions> -cp <test class path> dev.jgrad.cli.Main <args>}, its output in {@code log}. */
    static Process start(Path log, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Waits until the run writing to {@code out} has checkpointed step {@code step} or later, then kills it at once,
     * which lands at an arbitrary point of the steps and saves that follow. Returns the output so far.
     */
    static String killAfterCheckpoint(Process p, Path log, Path out, long step) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (checkpointStep(out) < step) {
            if (!p.isAlive()) throw new AssertionError("the run ended before checkpointing step " + step + ":\n" + Files.readString(log));
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("no checkpoint of step " + step + " in " + out + " after 120 s:\n" + Files.readString(log));
            }
            Thread.sleep(5);
        }
        p.destroyForcibly(); // SIGKILL
        if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the killed run did not end");
        return Files.readString(log);
    }

    /** The step of the checkpoint in {@code out}, or -1 while there is none. */
    private static long checkpointStep(Path out) {
        try {
            if (!TrainingCheckpoint.exists(out)) return -1;
            String step = SafeTensors.loadMetadata(out.resolve(TrainingCheckpoint.TRAINING_FILE)).get("progress.step");
            return step == null ? -1 : Long.parseLong(step);
        } catch (IOException | RuntimeException beingReplaced) {
            return -1;
        }
    }
}
