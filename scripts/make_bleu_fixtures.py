#!/usr/bin/env python3
"""Writes sacreBLEU's answers for jgrad's BLEU conformance tests (src/test/java/dev/jgrad/metrics/).

Needs sacrebleu (2.6.0 made the committed files) in any Python 3:

    python3 -m venv /tmp/sb && /tmp/sb/bin/pip install sacrebleu==2.6.0
    /tmp/sb/bin/python scripts/make_bleu_fixtures.py [path/to/multi30k]

Writes two files in src/test/resources/dev/jgrad/metrics/:
  tokenizer13a.tsv  one case a line: escaped input TAB escaped 13a tokenization
  sacrebleu.txt     BLEU cases: segments, options and sacreBLEU's score, counts, totals, printed line
                    and signature (and, for sentence cases, every sentence's score)
Strings are escaped with backslash escapes for backslash, tab, newline and carriage return; \\N is None.
The Multi30k cases take the first sentences of val.{en,de} (default ../shared/data/multi30k) and
perturb them with a seeded random generator, so the output is deterministic.
"""
import gzip
import logging
import os
import random
import sys

import sacrebleu
from sacrebleu.metrics import BLEU
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "dev", "jgrad", "metrics")
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data", "multi30k")


def esc(s):
    if s is None:
        return "\\N"
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def read(name, n):
    with gzip.open(os.path.join(DATA, name), "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for _, line in zip(range(n), f)]


def perturb(lines, seed):
    """Machine-translation-like damage: dropped, repeated, swapped and replaced words, case changes."""
    rng = random.Random(seed)
    vocab = sorted({w for line in lines for w in line.split()})
    out = []
    for line in lines:
        words = line.split()
        kept = []
        for w in words:
            r = rng.random()
            if r < 0.10:
                continue
            if r < 0.15:
                kept.append(rng.choice(vocab))
            elif r < 0.18:
                kept.extend([w, w])
            elif r < 0.21:
                kept.append(w.lower() if w[:1].isupper() else w.capitalize())
            else:
                kept.append(w)
        if len(kept) > 2 and rng.random() < 0.3:
            i = rng.randrange(len(kept) - 1)
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
        if rng.random() < 0.05:
            kept = []
        out.append(" ".join(kept))
    return out


TOKENIZER_CASES = [
    "", " ", "Hello, world!", "The dog bit the man.", "It wasn't surprising.", "a.b", "a..b", "..", "...",
    "a...", "3.14", "3.b", "a.3", "1,000", "1,000.50", "x,y", "5-6", "5--6", "-5", "a-5", "well-known",
    "ends with 5-", "e.g. U.S.A.", "(hello) [x] {y}", "~`^_|\\", "#$%&*+=@/", "<tag>", "&quot;hi&quot;",
    "&amp;quot;", "&lt;b&gt; &amp; &gt;", "&", "<skipped>x<skipped>", "line-\nbreak", "new\nline",
    "tab\there", "  many   spaces  ", "x\u00a0y", "x\u2009y", "x\u200by", "x\u3000y", "x\u1680y",
    "x\x1cy", "x\x85y", "x\u202fy", "x\u205fy", "\u00a0lead and trail\u00a0", "emoji \U0001F600.",
    "a.\U0001F600", "\U0001F600,\U0001F600", "\u0663.\u0664", "\u00e4.\u00f6", "1.000,50 \u20ac",
    "\u201eZitat\u201c, sagte er.", "Er sagt: \u00bbja\u00ab.", "caf\u00e9's", "O'Neill-Smith",
    "12:30", "a/b", "http://x.org/a?b=c&d=e", "'quoted'", "\"double\"", "semi;colon", "50%",
    "A 5-year-old boy.", "3,5-Dimethyl", ".5", ",5", "5.", "5,", "a-", "-", "--", "a - b",
]


def tokenizer_fixture():
    tok = Tokenizer13a()
    lines = TOKENIZER_CASES + read("val.en.gz", 150) + read("val.de.gz", 150) \
        + read("test_2016_flickr.de.gz", 100)
    with open(os.path.join(OUT, "tokenizer13a.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(esc(line) + "\t" + esc(tok(line)) + "\n")
    return len(lines)


README_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]
README_HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
RO_REF = "produc\u0163ia de zah\u0103r brut se exprim\u0103 \u00een zah\u0103r alb;"
RO_SYS = "Produc\u021bia de zah\u0103r prim\u0103 va fi exprimat\u0103 \u00een ceea ce prive\u0219te zah\u0103rul alb;"


def write_case(f, name, mode, hyps, refs, **kw):
    """mode 'corpus' scores all segments together; 'sentence' also scores each segment alone."""
    bleu = BLEU(**kw)
    score = bleu.corpus_score(hyps, refs)
    f.write(f"case {name}\n")
    f.write("options lowercase={} tokenize={} smooth={} value={} order={} eff={}\n".format(
        int(kw.get("lowercase", False)), kw.get("tokenize", "13a"), kw.get("smooth_method", "exp"),
        "none" if kw.get("smooth_value") is None else repr(float(kw["smooth_value"])),
        kw.get("max_ngram_order", 4), int(kw.get("effective_order", False))))
    for i, hyp in enumerate(hyps):
        f.write("hyp\t" + esc(hyp) + "\n")
        for stream in refs:
            f.write("ref\t" + esc(stream[i]) + "\n")
    f.write(f"score {score.score!r}\n")
    f.write("counts " + " ".join(str(int(c)) for c in score.counts) + "\n")
    f.write("totals " + " ".join(str(int(t)) for t in score.totals) + "\n")
    f.write("line " + str(score) + "\n")
    f.write("signature " + str(bleu.get_signature()).replace("version:" + sacrebleu.__version__, "version:jgrad") + "\n")
    if mode == "sentence":
        sent = []
        for i, hyp in enumerate(hyps):
            seg_refs = [stream[i] for stream in refs if stream[i] is not None]
            sent.append(repr(BLEU(**kw).sentence_score(hyp, seg_refs).score))
        f.write("sentences " + " ".join(sent) + "\n")
    f.write("end\n")


def bleu_fixture():
    n = 0
    with open(os.path.join(OUT, "sacrebleu.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# sacreBLEU {sacrebleu.__version__} answers, written by scripts/make_bleu_fixtures.py\n")

        def case(*a, **kw):
            nonlocal n
            n += 1
            write_case(f, *a, **kw)

        case("readme", "sentence", README_HYPS, README_REFS)
        case("readme_tok_none", "corpus", README_HYPS, README_REFS, tokenize="none")
        case("readme_tok_char", "corpus", README_HYPS, README_REFS, tokenize="char")
        case("readme_lowercase", "corpus", README_HYPS, README_REFS, lowercase=True)
        case("readme_smooth_none", "corpus", README_HYPS, README_REFS, smooth_method="none")
        case("readme_smooth_floor", "corpus", README_HYPS, README_REFS, smooth_method="floor")
        case("readme_smooth_addk", "corpus", README_HYPS, README_REFS, smooth_method="add-k")
        for order in range(1, 7):
            case(f"readme_order{order}", "corpus", README_HYPS, README_REFS, max_ngram_order=order)
        case("readme_effective", "sentence", README_HYPS, README_REFS, effective_order=True)
        case("readme_one_ref", "sentence", README_HYPS, README_REFS[:1])
        case("readme_var_refs", "corpus", README_HYPS, [[None] + README_REFS[0][1:], README_REFS[1]])
        case("readme_empty_string_ref", "corpus", README_HYPS, [[""] + README_REFS[0][1:], [""] + README_REFS[1][1:]])
        case("empty_hypotheses", "corpus", ["", "", ""], README_REFS)
        case("raw_no_match", "corpus", ["this is a test", "another test"], [["ref1", "ref2"]],
             tokenize="none", smooth_method="floor", smooth_value=0.01, effective_order=True)
        case("raw_identical", "corpus", ["this is a test"], [["this is a test"]],
             tokenize="none", smooth_method="floor", smooth_value=0.01, effective_order=True)
        case("raw_fest", "corpus", ["this is a fest"], [["this is a test"]],
             tokenize="none", smooth_method="floor", smooth_value=0.01, effective_order=True)
        for v, name in [(0.0, "offset0"), (None, "offset_default")]:
            case("statistics_" + name, "corpus", ["am I am a character sequence"],
                 [["I am a symbol string sequence a a"]],
                 tokenize="none", smooth_method="floor", smooth_value=v, effective_order=True)
        for i, (h, r) in enumerate([("test", "a test"), ("a test", "a test"), ("a little test", "a test")]):
            case(f"effective_order{i}", "corpus", [h], [[r]],
                 tokenize="none", smooth_method="floor", smooth_value=0.01, effective_order=True)
        for sm, sv, lc, tok in [("exp", None, False, "13a"), ("none", None, False, "13a"),
                                ("floor", None, False, "13a"), ("floor", 0.1, False, "13a"),
                                ("floor", 0.5, False, "13a"), ("add-k", None, False, "13a"),
                                ("add-k", 1, False, "13a"), ("add-k", 2, False, "13a"),
                                ("exp", None, False, "none"), ("exp", None, False, "char"),
                                ("exp", None, True, "char")]:
            kw = dict(smooth_method=sm, lowercase=lc, tokenize=tok, effective_order=True)
            if sv is not None:
                kw["smooth_value"] = sv
            case(f"romanian_{sm}_{sv}_{'lc' if lc else 'mixed'}_{tok}", "sentence", [RO_SYS], [[RO_REF]], **kw)
        for sm in ["exp", "none", "floor", "add-k"]:
            case(f"zero_bleu_{sm}", "sentence", ["this is a cat"], [["okay thanks"]],
                 smooth_method=sm, effective_order=True)
        case("edge_cases", "sentence",
             ["&quot;Hi&quot;, he said.  ", "3.14 and 1,000 and 5-6", "x\u00a0y z\t", "ÄÖÜ ß İstanbul ΣΑΣ", "a", ""],
             [["\"Hi\", he said.", "3.14 and 1,000 and 5 - 6", "x y z", "äöü ß i̇stanbul σας", "a", "b"]],
             effective_order=True)
        case("edge_cases_lowercase", "corpus",
             ["&quot;Hi&quot;, he said.  ", "3.14 and 1,000 and 5-6", "x\u00a0y z\t", "ÄÖÜ ß İstanbul ΣΑΣ", "a", ""],
             [["\"Hi\", he said.", "3.14 and 1,000 and 5 - 6", "x y z", "äöü ß i̇stanbul σας", "a", "b"]],
             lowercase=True)

        for lang in ["en", "de"]:
            refs = read(f"val.{lang}.gz", 200)
            hyps = perturb(refs, seed=len(lang) * 1000 + ord(lang[0]))
            second = perturb(refs, seed=7 + ord(lang[1]))
            case(f"multi30k_{lang}", "sentence", hyps, [refs])
            case(f"multi30k_{lang}_two_refs", "corpus", hyps, [refs, second])
            case(f"multi30k_{lang}_lowercase_floor", "corpus", hyps, [refs], lowercase=True, smooth_method="floor")
    return n


if __name__ == "__main__":
    logging.getLogger("sacrebleu").setLevel(logging.ERROR)  # its sentence-BLEU advice, once per case
    os.makedirs(OUT, exist_ok=True)
    print(tokenizer_fixture(), "tokenizer cases;", bleu_fixture(), "BLEU cases; sacrebleu", sacrebleu.__version__)
