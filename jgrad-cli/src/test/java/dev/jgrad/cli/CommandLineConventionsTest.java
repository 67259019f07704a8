package dev.jgrad.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conventions every command keeps, checked on the whole command tree (found through picocli's CommandSpec, so a new
 * command is checked without being listed): help that reads well, one placeholder per concept, and old option spellings
 * that still work.
 */
class CommandLineConventionsTest {

    /**
     * Options that mean different things in different commands, so their placeholders differ, and why. Every other
     * option has one placeholder everywhere.
     */
    static final Map<String, String> DIFFERENT_KINDS = Map.of(
            "--data", "a data set or directory, but a labelled file for eval classify",
            "--out", "a run directory, but an output file for average, translate and eval translate",
            "--layers", "a number of LSTM layers, but blocks per stage of a ResNet encoder",
            "--train", "a labelled text file for train classify, but a file or folder of images for the image commands",
            "--warmup", "steps of warm-up for the language models, but a share of the run for simclr");

    /** Every command of the tree under {@code jgrad}, once each (eval is also evaluate), by qualified name without "jgrad ". */
    static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> all = new TreeMap<>();
        Set<CommandSpec> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(Main.commandLine(), all, seen);
        return all;
    }

    private static void collect(CommandLine cmd, Map<String, CommandSpec> all, Set<CommandSpec> seen) {
        CommandSpec spec = cmd.getCommandSpec();
        if (!seen.add(spec)) return;
        all.put(spec.qualifiedName().replaceFirst("^jgrad ?", ""), spec);
        for (CommandLine sub : cmd.getSubcommands().values()) collect(sub, all, seen);
    }

    @Test
    void everyHelpPrintsWithoutWarningsAndItsDescriptionIsWholeSentences() {
        Map<String, CommandSpec> commands = commands();
        assertTrue(commands.size() > 20 && commands.containsKey("train charlm") && commands.containsKey("data get"), commands.keySet().toString());
        PrintStream savedErr = System.err;
        try {
            for (String name : commands.keySet()) {
                if (name.equals("help")) continue;
                ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
                System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
                StringWriter out = new StringWriter(), err = new StringWriter();
                CommandLine root = Main.commandLine();
                root.setOut(new PrintWriter(out, true));
                root.setErr(new PrintWriter(err, true));
                List<String> args = new ArrayList<>(name.isEmpty() ? List.of() : List.of(name.split(" ")));
                args.add("--help");
                assertEquals(0, root.execute(args.toArray(String[]::new)), name + ": " + err);
                assertTrue(out.toString().startsWith("Usage: jgrad"), name + ": " + out);
                assertEquals("", picocliWarnings.toString(StandardCharsets.UTF_8) + err, name + " --help printed warnings");

                // Each description element is printed as a line of its own, the first also as the command's summary in its
                // parent's list: a sentence cut between two reads as cut. Indented lines and examples are quoted verbatim.
                String[] description = commands.get(name).usageMessage().description();
                assertTrue(description.length > 0, name + " has no description");
                assertTrue(description[0].strip().endsWith("."), name + ": the summary is not a sentence: '" + description[0] + "'");
                for (String line : description) {
                    String s = line.strip();
                    boolean verbatim = line.startsWith(" ") || s.startsWith("Example:");
                    assertTrue(verbatim || s.isEmpty() || s.endsWith(".") || s.endsWith(":"), name + ": a description line ends mid-sentence: '" + s + "'");
                }
            }
        } finally {
            System.setErr(savedErr);
        }
    }

    @Test
    void eachOptionHasOnePlaceholderEverywhere() {
        Map<String, Set<String>> labels = new TreeMap<>();
        for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
            for (OptionSpec o : c.getValue().options()) {
                if (o.arity().max() == 0 || o.hidden()) continue;
                assertFalse(o.paramLabel().startsWith("<"), c.getKey() + " " + o.longestName() + " has picocli's default placeholder " + o.paramLabel());
                labels.computeIfAbsent(o.longestName(), k -> new TreeSet<>()).add(o.paramLabel());
            }
        }
        assertEquals(Set.of("SEED"), labels.get("--seed"));
        assertEquals(Set.of("DIR|FILE"), labels.get("--checkpoint"));
        assertEquals(Set.of("N"), labels.get("--max-steps"));
        assertEquals(Set.of("N"), labels.get("--embed-dim"));
        List<String> mixed = new ArrayList<>();
        labels.forEach((option, l) -> {
            if (l.size() > 1 && !DIFFERENT_KINDS.containsKey(option)) mixed.add(option + " " + l);
        });
        assertEquals(List.of(), mixed, "options with several placeholders");
    }

    @Test
    void everyOldSpellingStillParsesAndWarnsOnce() {
        Map<String, CommandSpec> commands = commands();
        int checked = 0;
        for (DeprecatedOptions.Alias a : DeprecatedOptions.ALIASES) {
            for (String name : a.commands()) {
                CommandSpec spec = commands.get(name);
                assertNotNull(spec, "no command " + name);
                OptionSpec current = spec.findOption(a.replacement());
                assertNotNull(current, name + " has no " + a.replacement());
                assertNull(spec.findOption(a.old()), name + " still shows " + a.old() + " as an option of its own");
                for (boolean attached : new boolean[] {false, true}) {
                    String value = dummy(current);
                    List<String> args = minimalArgs(name, spec, a.replacement());
                    if (attached) args.add(a.old() + "=" + value);
                    else args.addAll(List.of(a.old(), value));
                    StringWriter err = new StringWriter();
                    CommandLine root = Main.commandLine();
                    root.setErr(new PrintWriter(err, true));
                    ParseResult parsed = root.parseArgs(args.toArray(String[]::new));
                    while (parsed.hasSubcommand()) parsed = parsed.subcommand();
                    assertTrue(parsed.hasMatchedOption(a.replacement()), args + " did not set " + a.replacement());
                    assertEquals(List.of(value), parsed.matchedOption(a.replacement()).stringValues(), args.toString());
                    assertEquals("jgrad: warning: " + a.old() + " is deprecated; use " + a.replacement(), err.toString().strip(), args.toString());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 24, "checked " + checked);
    }

    /** The command's name and whatever else it requires to parse, besides {@code option}. */
    private static List<String> minimalArgs(String name, CommandSpec spec, String option) {
        List<String> args = new ArrayList<>(List.of(name.split(" ")));
        for (OptionSpec o : spec.options()) {
            if (o.required() && o.group() == null && !o.longestName().equals(option)) args.addAll(List.of(o.longestName(), dummy(o)));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.arity().min() > 0) args.add("x.safetensors");
        }
        for (ArgGroupSpec g : spec.argGroups()) {
            if (g.multiplicity().min() == 0 || g.options().stream().anyMatch(o -> o.longestName().equals(option))) continue;
            OptionSpec flag = g.options().stream().filter(o -> o.arity().max() == 0).findFirst().orElseThrow();
            args.add(flag.longestName());
        }
        return args;
    }

    private static String dummy(OptionSpec o) {
        Class<?> t = o.type();
        return t == int.class || t == long.class || t == double.class || t == Integer.class || t == Long.class ? "3" : "x.safetensors";
    }
}
