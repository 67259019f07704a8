package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledTsvTest {

    @TempDir
    Path dir;

    private Path write(String name, String contents) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, contents, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void readsSst2WithItsHeaderAndTrailingSpaces() throws IOException {
        Path f = write("train.tsv", "sentence\tlabel\nhide new secretions from the parental units \t0\nthe greatest musicians \t1\n");
        LabeledTsv.Result r = LabeledTsv.read(f);
        assertEquals("sentence\tlabel", r.header());
        assertEquals(List.of(new LabeledText("hide new secretions from the parental units", 0, 2),
                new LabeledText("the greatest musicians", 1, 3)), r.examples());
        assertEquals(2, r.numClasses());
    }

    @Test
    void noHeaderWhenTheFirstLabelIsAnInteger() throws IOException {
        // UCI sentiment format: "sentence \t score", with stray quotes that must not be treated as CSV quoting
        Path f = write("imdb.txt", "A \"very\" slow movie.  \t0\r\nGreat \"fun.\t1\r\n\n");
        LabeledTsv.Result r = LabeledTsv.read(f);
        assertNull(r.header());
        assertEquals(2, r.examples().size());
        assertEquals("A \"very\" slow movie.", r.examples().get(0).text());
        assertEquals("Great \"fun.", r.examples().get(1).text());
    }

    @Test
    void splitsAtTheLastTab() throws IOException {
        LabeledTsv.Result r = LabeledTsv.read(write("t.tsv", "left\tright side\t2\n"));
        assertEquals(new LabeledText("left\tright side", 2, 1), r.examples().get(0));
        assertEquals(3, r.numClasses());
    }

    private DataFormatException fails(String contents) throws IOException {
        Path f = write("bad.tsv", contents);
        return assertThrows(DataFormatException.class, () -> LabeledTsv.read(f));
    }

    private static void assertMentions(DataFormatException e, int line, String... words) {
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("bad.tsv:" + line + ":"), e.getMessage());
        for (String w : words) assertTrue(e.getMessage().contains(w), e.getMessage());
    }

    /** A label of 999999999 used to allocate per-class tables up to it (6 GB, then OutOfMemoryError). */
    @Test
    void aHugeLabelIsAnErrorNamingItsLine() throws IOException {
        assertMentions(fails("good film\t1\nbad film\t0\nodd film\t999999999\n"), 3, "label 999999999 is too large", "below 100000");
        assertMentions(fails("good film\t1\nodd film\t" + LabeledTsv.MAX_CLASSES + "\n"), 2, "too large");
    }

    /** A label of 8000000 among a few examples used to train an 8-million-class model without a word. */
    @Test
    void sparseLabelsAreAnErrorNamingTheLargest() throws IOException {
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 20; i++) tsv.append("film ").append(i).append("\t").append(i % 2).append('\n');
        tsv.append("odd film\t").append(80_000).append('\n');
        assertMentions(fails(tsv.toString()), 21, "label 80000 would make 80,001 classes for 21 examples", "sparse or huge labels");
        // A small evaluation file may lack some classes of a larger set: up to MIN_SPARSE_CLASSES classes are fine.
        assertEquals(100, LabeledTsv.read(write("few.tsv", "good\t1\nrare class\t99\n")).numClasses());
        // and any count up to CLASSES_PER_EXAMPLE per example.
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 30; i++) many.append("film\t").append(i == 29 ? 299 : i).append('\n');
        assertEquals(300, LabeledTsv.read(write("many.tsv", many.toString())).numClasses());
    }

    @Test
    void lineWithoutATabNamesFileAndLine() throws IOException {
        assertMentions(fails("sentence\tlabel\ngood film\t1\njust words here\n"), 3, "no tab", "just words here");
    }

    @Test
    void missingLabelNamesFileAndLine() throws IOException {
        assertMentions(fails("good film\t1\nbad film\t\n"), 2, "missing");
        assertMentions(fails("no label\t\n"), 1, "missing"); // an empty label column is never a header
    }

    @Test
    void nonIntegerLabelAfterTheFirstLineNamesFileAndLine() throws IOException {
        assertMentions(fails("good film\t1\nbad film\tneg\n"), 2, "'neg'", "not an integer");
        assertMentions(fails("sentence\tlabel\ngood film\t0.5\n"), 2, "'0.5'");
        assertMentions(fails("good film\t-1\n"), 1, "negative");
    }

    @Test
    void emptyTextIsAnError() throws IOException {
        assertMentions(fails("good\t1\n  \t0\n"), 2, "empty");
    }

    @Test
    void emptyFileOrHeaderOnlyIsAnError() throws IOException {
        DataFormatException e = fails("");
        assertTrue(e.getMessage().contains("bad.tsv") && e.getMessage().contains("empty"), e.getMessage());
        e = fails("sentence\tlabel\n\n");
        assertTrue(e.getMessage().contains("header") && e.getMessage().contains("no examples"), e.getMessage());
    }

    @Test
    void missingFileIsAClearError() {
        IOException e = assertThrows(IOException.class, () -> LabeledTsv.read(dir.resolve("nope.tsv")));
        assertTrue(e.getMessage().contains("nope.tsv"), e.getMessage());
    }
}
