package dev.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The copy of the peer script that jgrad-cli ships for {@code bench --against torch}. */
class TorchBenchScriptTest {

    private static List<String> shippedLines() throws IOException {
        try (InputStream in = TorchPeer.class.getResourceAsStream("torch_bench.py")) {
            assertNotNull(in, "torch_bench.py is not a resource of dev.jgrad.bench");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** Only a header comment is added, so the shapes stay the origin's; this fails when the origin changes. */
    @Test
    void theShippedCopyIsTheOriginWithAHeaderComment() throws IOException {
        Path origin = Path.of(System.getProperty("jgrad.shared", "../shared"), "peers", "torch_bench.py");
        Assumptions.assumeTrue(Files.isRegularFile(origin), "no " + origin + " to compare with");
        List<String> original = Files.readAllLines(origin);
        List<String> shipped = shippedLines();
        assertEquals(original.getFirst(), shipped.getFirst(), "the #! line");
        List<String> header = shipped.subList(1, shipped.size() - original.size() + 1);
        assertTrue(!header.isEmpty() && header.stream().allMatch(l -> l.startsWith("# ")), header.toString());
        assertTrue(String.join(" ", header).contains("../shared/peers/torch_bench.py"), "the header names the origin");
        assertEquals(original.subList(1, original.size()), shipped.subList(header.size() + 1, shipped.size()));
    }

    /** --against torch runs the peer's workloads by jgrad's names: both must list the same ones. */
    @Test
    void theScriptsWorkloadsAreThePeerWorkloadsInOrder() throws IOException {
        String text = String.join("\n", shippedLines());
        Matcher table = Pattern.compile("WORKLOADS = \\{(.*?)\\}", Pattern.DOTALL).matcher(text);
        assertTrue(table.find(), "no WORKLOADS table in torch_bench.py");
        List<String> names = new ArrayList<>();
        Matcher entry = Pattern.compile("\"([a-z0-9_]+)\":").matcher(table.group(1));
        while (entry.find()) names.add(entry.group(1));
        assertEquals(Workloads.peerNames(), names);
    }
}
