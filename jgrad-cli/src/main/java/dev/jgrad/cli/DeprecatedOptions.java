package dev.jgrad.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The old spellings of renamed options, kept working as hidden aliases: before a command parses its arguments, each
 * old spelling is replaced by the new one and one warning line goes to stderr
 * ({@code jgrad: warning: --emb is deprecated; use --embed-dim}). They are not options of their own, so the help
 * shows only the current spelling; {@link #ALIASES} is the one list of them.
 */
final class DeprecatedOptions {
    private DeprecatedOptions() {}

    /**
     * One renamed option.
     *
     * @param old         the spelling that still works, with a warning
     * @param replacement the current spelling
     * @param commands    where, as qualified names without the leading "jgrad " ("train charlm")
     */
    record Alias(String old, String replacement, List<String> commands) {}

    /** Every renamed option, old spelling first. */
    static final List<Alias> ALIASES = List.of(
            new Alias("--emb", "--embed-dim", List.of("train charlm", "train translate")),
            new Alias("--embed", "--embed-dim", List.of("train classify")),
            new Alias("--steps", "--max-steps", List.of("train demo", "gradflow", "linear-probe")),
            new Alias("--output", "--out", List.of("average", "translate", "eval translate")),
            new Alias("-o", "--out", List.of("average")),
            new Alias("--encoder", "--checkpoint", List.of("linear-probe", "visualize")),
            new Alias("--like", "--checkpoint", List.of("supervised")),
            new Alias("--eval-every", "--eval-every-epochs", List.of("train images", "finetune")));

    /** Makes every command of the tree under {@code root} accept its old spellings. */
    static CommandLine install(CommandLine root) {
        Set<CommandSpec> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        install(root, seen);
        return root;
    }

    private static void install(CommandLine cmd, Set<CommandSpec> seen) {
        CommandSpec spec = cmd.getCommandSpec();
        if (!seen.add(spec)) return; // a command reachable under two names (eval, evaluate)
        List<Alias> mine = forCommand(spec);
        if (!mine.isEmpty()) spec.preprocessor(new Rewriter(mine));
        for (CommandLine sub : cmd.getSubcommands().values()) install(sub, seen);
    }

    /** The aliases of one command. */
    static List<Alias> forCommand(CommandSpec spec) {
        String name = spec.qualifiedName().replaceFirst("^jgrad ", "");
        List<Alias> mine = new ArrayList<>();
        for (Alias a : ALIASES) if (a.commands().contains(name)) mine.add(a);
        return mine;
    }

    /** The one warning line for an old spelling, on the command's stderr. */
    static void warn(CommandLine cmd, String old, String replacement) {
        cmd.getErr().println("jgrad: warning: " + old + " is deprecated; use " + replacement);
        cmd.getErr().flush();
    }

    /** Replaces old spellings in the arguments a command is about to parse (up to a "--", after which all are positional). */
    private record Rewriter(List<Alias> aliases) implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec spec, ArgSpec argSpec, Map<String, Object> info) {
            for (int i = args.size() - 1; i >= 0; i--) { // the top of the stack is the next argument
                String arg = args.get(i);
                if (arg.equals("--")) break;
                for (Alias a : aliases) {
                    if (arg.equals(a.old()) || arg.startsWith(a.old() + "=")) {
                        args.set(i, a.replacement() + arg.substring(a.old().length()));
                        warn(spec.commandLine(), a.old(), a.replacement());
                        break;
                    }
                }
            }
            return false; // picocli goes on parsing the rewritten arguments
        }
    }
}
