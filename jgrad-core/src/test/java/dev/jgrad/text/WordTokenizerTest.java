package dev.jgrad.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {

    private final WordTokenizer tok = WordTokenizer.lowercasing();

    @Test
    void lowercasesAndSplitsOnWhitespaceAndPunctuation() {
        assertEquals(List.of("a", "great", ",", "well", "-", "made", "film", "!", "10", "/", "10"),
                tok.tokenize("A GREAT,  well-made\tfilm!  10/10"));
    }

    @Test
    void keepsApostrophesInsideWords() {
        // SST-2 is already tokenised this way: contractions stay one token
        assertEquals(List.of("it", "does", "n't", "work", ",", "it", "'s", "bad"), tok.tokenize("it does n't work , it 's bad"));
        assertEquals(List.of("don't", "stop"), tok.tokenize("Don't stop"));
    }

    @Test
    void caseSensitiveWhenAsked() {
        assertEquals(List.of("Paris", "is", "NICE"), new WordTokenizer(false).tokenize("Paris is NICE"));
    }

    @Test
    void emptyAndBlankGiveNoTokens() {
        assertEquals(List.of(), tok.tokenize(""));
        assertEquals(List.of(), tok.tokenize(" \t\u00a0 "));
    }

    @Test
    void handlesNonAsciiScriptsAndSymbols() {
        assertEquals(List.of("café", "naïve", "😀", "ünïcode"), tok.tokenize("Café naïve😀 Ünïcode"));
    }
}
