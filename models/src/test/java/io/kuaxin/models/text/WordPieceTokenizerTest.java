package io.kuaxin.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kuaxin.models.minilm.TestModel;

/** Hand-checked cases against the real all-MiniLM-L6-v2 vocabulary. */
class WordPieceTokenizerTest {
    private final WordPieceTokenizer tok = TestModel.tokenizer();

    @Test
    void referenceSentence() {
        Encoding e = tok.encode("The quick brown fox jumps over the lazy dog.");
        assertArrayEquals(new int[] {101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102}, e.ids());
        assertEquals("[CLS]", e.tokens().get(0));
        assertEquals("[SEP]", e.tokens().get(11));
        assertFalse(e.truncated());
    }

    @Test
    void fileSettings() {
        assertEquals(30522, tok.vocabSize());
        assertEquals(128, tok.maxLength());
        assertEquals(101, tok.clsId());
        assertEquals(102, tok.sepId());
        assertEquals(0, tok.padId());
        assertEquals(100, tok.unkId());
        assertEquals("##ing", tok.token(tok.tokenId("##ing")));
    }

    @Test
    void lowercaseAndAccentsStripped() {
        assertEquals(List.of("cafe", "cr", "##eme", "br", "##ule", "##e", ",", "naive", "resume", "!"),
                tok.tokenize("Café crème brûlée, naïve résumé!"));
        assertEquals(List.of("unicode"), tok.tokenize("Ünïcödé"));
        // Combining marks written separately are removed too (NFD then drop Mn).
        assertEquals(tok.tokenize("resume"), tok.tokenize("re\u0301sume\u0301"));
    }

    @Test
    void punctuationIsSplitIncludingAsciiSymbols() {
        assertEquals(List.of("hello", ",", "world", "!", "!", "(", "yes", ")", "\"", "quoted", "\"", "$", "5"),
                tok.tokenize("Hello,world!! (yes) \"quoted\" $5"));
        assertEquals(List.of("a", "+", "b", "=", "c", "|", "d", "^", "e", "`", "f"), tok.tokenize("a+b=c|d^e`f"));
        assertEquals(List.of("don", "'", "t"), tok.tokenize("don't"));
    }

    @Test
    void whitespaceAndControlCharacters() {
        assertEquals(List.of("a", "b", "c", "d"), tok.tokenize("  a\tb\nc\r\nd  "));
        assertEquals(List.of("ab"), tok.tokenize("a\u0000b"), "NUL removed, not a separator");
        assertEquals(List.of("ab"), tok.tokenize("a\u200Bb"), "zero-width space (Cf) removed");
        assertEquals(List.of("a", "b"), tok.tokenize("a\u00A0b"), "no-break space is whitespace");
        assertEquals(List.of(), tok.tokenize(" \t\n "));
        assertArrayEquals(new int[] {101, 102}, tok.encode("").ids());
    }

    @Test
    void wordPiecesAndUnknowns() {
        assertEquals(List.of("super", "##cal", "##if", "##rag", "##ilis", "##tic", "##ex", "##pia", "##lid", "##oc",
                "##ious"), tok.tokenize("supercalifragilisticexpialidocious"));
        assertEquals(List.of("x", "##q", "##z", "##j", "##v", "##k", "##w"), tok.tokenize("xqzjvkw"));
        // A character missing from the vocabulary makes the whole word [UNK], not just the tail.
        assertEquals(List.of("[UNK]"), tok.tokenize("😀"));
        assertEquals(List.of("[UNK]"), tok.tokenize("abc😀"));
        // Over 100 characters: [UNK] even though it would split into pieces; exactly 100 is still split.
        assertEquals(List.of("[UNK]"), tok.tokenize("a".repeat(101)));
        assertTrue(tok.tokenize("a".repeat(100)).size() > 1);
    }

    @Test
    void cjkCharactersAreSeparateTokens() {
        Encoding e = tok.encode("我爱北京天安门。");
        assertEquals(List.of("[CLS]", "我", "[UNK]", "北", "京", "天", "安", "[UNK]", "。", "[SEP]"), e.tokens());
        assertArrayEquals(new int[] {101, 1855, 100, 1781, 1755, 1811, 1820, 100, 1636, 102}, e.ids());
        assertEquals(List.of("[UNK]", "[UNK]", "学", "[UNK]", "abc"), tok.tokenize("机器学习ABC"));
        // Kana are not CJK ideographs: they stay in one word and get ## pieces.
        assertEquals(List.of("日", "本", "語", "の", "##テ", "##キ", "##ス", "##ト"), tok.tokenize("日本語のテキスト"));
    }

    @Test
    void specialTokensInTextAreKept() {
        assertEquals(List.of("the", "[MASK]", "sat", "[", "mask", "]"), tok.tokenize("The [MASK] sat [mask]"));
        assertEquals(103, tok.encode("[MASK]").id(1));
    }

    @Test
    void truncationKeepsClsAndSep() {
        String longText = "word ".repeat(300);
        Encoding e = tok.encode(longText);
        assertEquals(128, e.length());
        assertEquals(102, e.id(127));
        assertTrue(e.truncated());
        Encoding e512 = tok.withMaxLength(512).encode(longText);
        assertEquals(302, e512.length());
        assertFalse(e512.truncated());
        assertEquals(512, tok.withMaxLength(512).encode("word ".repeat(600)).length());
        assertArrayEquals(new int[] {101, 2773, 102}, tok.withMaxLength(3).encode("word word").ids());
        assertThrows(IllegalArgumentException.class, () -> tok.withMaxLength(513));
        assertThrows(IllegalArgumentException.class, () -> tok.withMaxLength(1));
    }

    @Test
    void batchPadsToLongestWithMaskAndTypes() {
        BatchEncoding b = tok.encodeBatch(List.of("hello world", "hi", "The quick brown fox jumps over the lazy dog."));
        assertEquals(3, b.batchSize());
        assertEquals(12, b.sequenceLength());
        assertArrayEquals(new int[] {4, 3, 12}, b.lengths());
        assertArrayEquals(new long[] {101, 7592, 2088, 102, 0, 0, 0, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(b.inputIds(), 0, 12));
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(b.attentionMask(), 0, 12));
        assertArrayEquals(new long[36], b.tokenTypeIds());
        BatchEncoding fixed = tok.encodeBatch(List.of("hi"), 16);
        assertEquals(16, fixed.sequenceLength());
        assertThrows(IllegalArgumentException.class, () -> tok.encodeBatch(List.of("hello world"), 3));
    }

    @Test
    void rejectsNonWordPieceFiles() {
        String bpe = "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.fromJson(new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("WordPiece"), e.getMessage());
    }

    @Test
    void tinyVocabularyFromJson() throws Exception {
        String json = """
                {"truncation": null, "added_tokens": [],
                 "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                                "strip_accents": false, "lowercase": false},
                 "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 5,
                           "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "un": 4, "##aff": 5,
                                     "##able": 6, "Un": 7, "é": 8}}}
                """;
        WordPieceTokenizer t = WordPieceTokenizer.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(512, t.maxLength());
        assertEquals(List.of("un", "##aff", "[UNK]"), t.tokenize("unaff unaffable"), "max 5 chars per word");
        assertEquals(List.of("Un", "é"), t.tokenize("Un é"), "no lowercasing / accent stripping when disabled");
        assertArrayEquals(new int[] {2, 4, 3}, t.encode("un").ids());
    }
}
