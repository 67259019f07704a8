package dev.jgrad.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test printed on System.out, where {@code jgrad bench} prints (as the peer prints to stdout, not
 * to picocli's writer). Register it with {@code @RegisterExtension}.
 */
final class CapturedStdout implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private PrintStream saved;

    @Override
    public void beforeEach(ExtensionContext context) {
        saved = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(saved);
    }

    /** Everything printed so far. */
    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was printed so far. */
    void reset() {
        bytes.reset();
    }
}
