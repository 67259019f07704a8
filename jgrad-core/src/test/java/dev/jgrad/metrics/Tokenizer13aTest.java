package dev.jgrad.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Hand-checked 13a cases, one per rule (SacreBleuConformanceTest checks 473 more against sacreBLEU itself). */
class Tokenizer13aTest {

    private static void check(String expected, String input) {
        assertEquals(expected, Tokenizer13a.tokenize(input), () -> "13a of \"" + input + "\"");
    }

    @Test
    void symbolsAreSplitOff() {
        check("Hello , world !", "Hello, world!");
        check("( a ) [ b ] { c } < d > \" e \"", "(a) [b] {c} <d> \"e\"");
        check("# $ % & * + = @ / : ; ? ~ ` ^ _ | \\", "#$%&*+=@/:;?~`^_|\\");
    }

    @Test
    void apostrophesAndHyphensBetweenLettersStay() {
        check("It wasn't surprising .", "It wasn't surprising.");
        check("well-known O'Neill", "well-known O'Neill");
    }

    @Test
    void periodsAndCommasSplitUnlessBetweenDigits() {
        check("3.14 1,000 1,000.50", "3.14 1,000 1,000.50");
        check("a . b x , y", "a.b x,y");
        check("3 . b a . 3", "3.b a.3");
        check("5 . . 5", "5. .5");
        check("e . g . U . S . A .", "e.g. U.S.A.");
    }

    @Test
    void hyphenAfterDigitSplits() {
        check("5 - 6", "5-6");
        check("A 5 - year-old", "A 5-year-old");
        check("-5 a-5", "-5 a-5");
    }

    @Test
    void escapesAreUndoneOnce() {
        check("\" hi \"", "&quot;hi&quot;");
        check("< b > & >", "&lt;b&gt; &amp; &gt;");
        check("& quot ;", "&amp;quot;"); // &amp; is undone after &quot;, so the result is not unescaped again
    }

    @Test
    void skippedMarkersAndLineBreaks() {
        check("x", "<skipped>x<skipped>");
        check("linebreak", "line-\nbreak");
        check("new line", "new\nline");
    }

    @Test
    void whitespaceIsPythons() {
        check("many spaces", "  many \t  spaces  ");
        check("x y", "x\u00a0y"); // no-break space splits in Python
        check("x\u200by", "x\u200by"); // zero-width space does not
        check("", "");
    }

    @Test
    void nonAsciiDigitsAreNotDigits() {
        check("\u0663 . \u0664", "\u0663.\u0664");
        check("emoji \uD83D\uDE00 .", "emoji \uD83D\uDE00.");
    }
}
