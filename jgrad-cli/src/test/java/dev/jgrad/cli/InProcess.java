package dev.jgrad.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a jgrad command line in this JVM, as the launcher would, and captures what it prints. */
final class InProcess {
    private InProcess() {}

    /** The exit code and both streams of one run. */
    record Result(int exit, String out, String err) {}

    /** {@code jgrad args...} through {@link Main#commandLine()}, with its error handlers. */
    static Result jgrad(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
