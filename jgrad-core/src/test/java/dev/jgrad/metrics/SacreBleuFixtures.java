package dev.jgrad.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the answers of sacreBLEU 2.6.0 written by scripts/make_bleu_fixtures.py. */
final class SacreBleuFixtures {
    private SacreBleuFixtures() {}

    /** One BLEU case: segments (each with its references, null for None), options and sacreBLEU's answers. */
    record Case(String name, Bleu.Options options, List<String> hyps, List<List<String>> refsPerSegment,
                double score, long[] counts, long[] totals, String line, String signature, double[] sentenceScores) {

        /** The references as sacreBLEU's streams: stream r holds the r-th reference of every segment. */
        List<List<String>> streams() {
            int n = refsPerSegment.isEmpty() ? 0 : refsPerSegment.get(0).size();
            List<List<String>> streams = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                List<String> s = new ArrayList<>();
                for (List<String> refs : refsPerSegment) s.add(refs.get(r));
                streams.add(s);
            }
            return streams;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static String text(String resource) throws IOException {
        try (InputStream in = SacreBleuFixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing test resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String unescape(String s) {
        if (s.equals("\\N")) return null;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            sb.append(switch (e) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException("bad escape \\" + e + " in " + s);
            });
        }
        return sb.toString();
    }

    /** (input, expected 13a tokenization) pairs. */
    static List<String[]> tokenizerCases() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : text("/dev/jgrad/metrics/tokenizer13a.tsv").split("\n")) {
            int tab = line.indexOf('\t');
            out.add(new String[] {unescape(line.substring(0, tab)), unescape(line.substring(tab + 1))});
        }
        return out;
    }

    static List<Case> bleuCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        String name = null, line = null, signature = null;
        Bleu.Options options = null;
        List<String> hyps = null;
        List<List<String>> refs = null;
        double score = 0;
        long[] counts = null, totals = null;
        double[] sentences = null;
        for (String raw : text("/dev/jgrad/metrics/sacrebleu.txt").split("\n")) {
            if (raw.startsWith("#")) continue;
            int sp = raw.indexOf(raw.startsWith("hyp\t") || raw.startsWith("ref\t") ? '\t' : ' ');
            String key = sp < 0 ? raw : raw.substring(0, sp);
            String value = sp < 0 ? "" : raw.substring(sp + 1);
            switch (key) {
                case "case" -> {
                    name = value;
                    hyps = new ArrayList<>();
                    refs = new ArrayList<>();
                    sentences = null;
                }
                case "options" -> options = parseOptions(value);
                case "hyp" -> {
                    hyps.add(unescape(value));
                    refs.add(new ArrayList<>());
                }
                case "ref" -> refs.get(refs.size() - 1).add(unescape(value));
                case "score" -> score = Double.parseDouble(value);
                case "counts" -> counts = longs(value);
                case "totals" -> totals = longs(value);
                case "line" -> line = value;
                case "signature" -> signature = value;
                case "sentences" -> {
                    String[] parts = value.split(" ");
                    sentences = new double[parts.length];
                    for (int i = 0; i < parts.length; i++) sentences[i] = Double.parseDouble(parts[i]);
                }
                case "end" -> cases.add(new Case(name, options, hyps, refs, score, counts, totals, line, signature, sentences));
                default -> throw new IllegalArgumentException("unknown fixture line: " + raw);
            }
        }
        return cases;
    }

    private static long[] longs(String s) {
        String[] parts = s.split(" ");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Long.parseLong(parts[i]);
        return out;
    }

    private static Bleu.Options parseOptions(String s) {
        Bleu.Options o = Bleu.Options.defaults();
        BleuSmoothing smoothing = BleuSmoothing.EXP;
        double value = Double.NaN;
        for (String kv : s.split(" ")) {
            String k = kv.substring(0, kv.indexOf('=')), v = kv.substring(kv.indexOf('=') + 1);
            switch (k) {
                case "lowercase" -> o = o.withLowercase(v.equals("1"));
                case "tokenize" -> o = o.withTokenizer(BleuTokenizer.of(v));
                case "smooth" -> smoothing = BleuSmoothing.of(v);
                case "value" -> value = v.equals("none") ? Double.NaN : Double.parseDouble(v);
                case "order" -> o = o.withMaxNgramOrder(Integer.parseInt(v));
                case "eff" -> o = o.withEffectiveOrder(v.equals("1"));
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        return o.withSmoothing(smoothing, value);
    }
}
