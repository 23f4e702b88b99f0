package io.kuaxin.models.text;

import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * BERT WordPiece tokenizer configured from a Hugging Face {@code tokenizer.json} (BertNormalizer +
 * BertPreTokenizer + WordPiece + [CLS] A [SEP] template), reproducing the HF {@code tokenizers} rules:
 *
 * <ol>
 *   <li>Special tokens from {@code added_tokens} (e.g. "[MASK]") are matched in the raw text first and kept whole.</li>
 *   <li>Normalize: drop NUL, U+FFFD and control/format/unassigned/private-use characters (keeping \t \n \r), map
 *       whitespace to ' '; put spaces around CJK ideographs; strip accents (NFD, then drop non-spacing marks);
 *       lowercase.</li>
 *   <li>Pre-tokenize: split on whitespace; every punctuation character (ASCII punctuation or Unicode P*) is its own
 *       word.</li>
 *   <li>WordPiece: greedy longest match first, continuation pieces prefixed "##"; a word with more than
 *       {@code max_input_chars_per_word} (100) characters, or with any unmatched remainder, becomes [UNK].</li>
 *   <li>Truncate word pieces to {@code maxLength - 2}, wrap as [CLS] … [SEP].</li>
 * </ol>
 * Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    /** Longest sequence the BERT position table supports. */
    public static final int MODEL_MAX_LENGTH = 512;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final String unkToken;
    private final String continuingPrefix;
    private final int maxInputCharsPerWord;
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final List<String> specialTokens; // matched in raw text, longest first
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int unkId;
    private final int maxLength;

    private WordPieceTokenizer(Map<String, Integer> vocab, String[] idToToken, String unkToken, String continuingPrefix,
                               int maxInputCharsPerWord, boolean cleanText, boolean handleChineseChars,
                               boolean stripAccents, boolean lowercase, List<String> specialTokens, int clsId,
                               int sepId, int padId, int maxLength) {
        this.vocab = vocab;
        this.idToToken = idToToken;
        this.unkToken = unkToken;
        this.continuingPrefix = continuingPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
        this.specialTokens = specialTokens;
        this.clsId = clsId;
        this.sepId = sepId;
        this.padId = padId;
        this.unkId = vocab.get(unkToken);
        this.maxLength = maxLength;
    }

    /**
     * Reads a HF tokenizer.json. The truncation length is the file's {@code truncation.max_length} (128 for
     * all-MiniLM-L6-v2), or {@value #MODEL_MAX_LENGTH} when the file sets none.
     *
     * @throws IllegalArgumentException if the file is not a BERT WordPiece tokenizer
     */
    public static WordPieceTokenizer fromJson(InputStream json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode model = root.path("model");
        require("WordPiece".equals(model.path("type").asText()), "model.type must be WordPiece, is " + model.path("type"));
        JsonNode vocabNode = model.path("vocab");
        require(vocabNode.isObject() && !vocabNode.isEmpty(), "model.vocab missing");
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        int maxId = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt(-1);
            require(id >= 0, "model.vocab['" + e.getKey() + "'] is not a non-negative id");
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        String[] idToToken = new String[maxId + 1];
        vocab.forEach((t, id) -> idToToken[id] = t);
        String unk = model.path("unk_token").asText("[UNK]");
        require(vocab.containsKey(unk), "unk_token '" + unk + "' not in vocab");
        String prefix = model.path("continuing_subword_prefix").asText("##");
        int maxChars = model.path("max_input_chars_per_word").asInt(100);

        JsonNode norm = root.path("normalizer");
        require("BertNormalizer".equals(norm.path("type").asText()),
                "normalizer.type must be BertNormalizer, is " + norm.path("type"));
        boolean lower = norm.path("lowercase").asBoolean(true);
        JsonNode strip = norm.path("strip_accents");
        // HF: strip_accents null means "follow lowercase".
        boolean stripAccents = strip.isNull() || strip.isMissingNode() ? lower : strip.asBoolean();
        require("BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText()),
                "pre_tokenizer.type must be BertPreTokenizer, is " + root.path("pre_tokenizer").path("type"));

        List<String> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").asText();
            // Only tokens matched on raw text (normalized=false) split the input before normalization.
            if (!content.isEmpty() && !t.path("normalized").asBoolean(false)) {
                specials.add(content);
                if (!vocab.containsKey(content)) {
                    vocab.put(content, t.path("id").asInt());
                }
            }
        }
        specials.sort((a, b) -> Integer.compare(b.length(), a.length()));

        JsonNode trunc = root.path("truncation");
        int max = trunc.isObject() ? trunc.path("max_length").asInt(MODEL_MAX_LENGTH) : MODEL_MAX_LENGTH;
        require(vocab.containsKey("[CLS]") && vocab.containsKey("[SEP]"), "vocab lacks [CLS]/[SEP]");
        int pad = root.path("padding").isObject() ? root.path("padding").path("pad_id").asInt(0)
                : vocab.getOrDefault("[PAD]", 0);
        return new WordPieceTokenizer(Collections.unmodifiableMap(vocab), idToToken, unk, prefix, maxChars,
                norm.path("clean_text").asBoolean(true), norm.path("handle_chinese_chars").asBoolean(true),
                stripAccents, lower, List.copyOf(specials), vocab.get("[CLS]"), vocab.get("[SEP]"), pad,
                Math.min(max, MODEL_MAX_LENGTH));
    }

    /** A copy truncating to {@code maxLength} tokens including [CLS] and [SEP] (2..512). */
    public WordPieceTokenizer withMaxLength(int newMaxLength) {
        if (newMaxLength < 2 || newMaxLength > MODEL_MAX_LENGTH) {
            throw new IllegalArgumentException("maxLength must be in [2, " + MODEL_MAX_LENGTH + "], is " + newMaxLength);
        }
        return new WordPieceTokenizer(vocab, idToToken, unkToken, continuingPrefix, maxInputCharsPerWord, cleanText,
                handleChineseChars, stripAccents, lowercase, specialTokens, clsId, sepId, padId, newMaxLength);
    }

    public int maxLength() {
        return maxLength;
    }

    public int vocabSize() {
        return idToToken.length;
    }

    /** Id of {@code token}, or -1. */
    public int tokenId(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** Token string of {@code id}. */
    public String token(int id) {
        return idToToken[id];
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int padId() {
        return padId;
    }

    public int unkId() {
        return unkId;
    }

    /** Word pieces of {@code text} without [CLS]/[SEP] and without truncation. */
    public List<String> tokenize(String text) {
        List<String> pieces = new ArrayList<>();
        for (String w : basicTokenize(text)) {
            wordPiece(w, pieces);
        }
        return pieces;
    }

    /** [CLS] + word pieces (truncated to {@link #maxLength()} − 2) + [SEP]. */
    public Encoding encode(String text) {
        List<String> pieces = tokenize(text);
        int keep = Math.min(pieces.size(), maxLength - 2);
        int[] ids = new int[keep + 2];
        List<String> tokens = new ArrayList<>(keep + 2);
        ids[0] = clsId;
        tokens.add(idToToken[clsId]);
        for (int i = 0; i < keep; i++) {
            String p = pieces.get(i);
            ids[i + 1] = vocab.get(p);
            tokens.add(p);
        }
        ids[keep + 1] = sepId;
        tokens.add(idToToken[sepId]);
        return new Encoding(ids, tokens, keep < pieces.size());
    }

    /** Encodes and right-pads to the longest sequence in the batch. */
    public BatchEncoding encodeBatch(List<String> texts) {
        return encodeBatch(texts, 0);
    }

    /**
     * Encodes and right-pads to {@code padTo} tokens, or to the longest sequence when {@code padTo} is 0.
     *
     * @throws IllegalArgumentException if {@code padTo} is non-zero and shorter than a sequence
     */
    public BatchEncoding encodeBatch(List<String> texts, int padTo) {
        List<Encoding> encs = new ArrayList<>(texts.size());
        int longest = 0;
        for (String t : texts) {
            Encoding e = encode(t);
            encs.add(e);
            longest = Math.max(longest, e.length());
        }
        int seq = padTo == 0 ? longest : padTo;
        if (seq < longest) {
            throw new IllegalArgumentException("padTo " + padTo + " is shorter than the longest sequence " + longest);
        }
        int b = encs.size();
        long[] ids = new long[b * seq];
        long[] mask = new long[b * seq];
        long[] types = new long[b * seq]; // single-sequence inputs: all type 0
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            int[] e = encs.get(i).ids();
            lengths[i] = e.length;
            for (int t = 0; t < seq; t++) {
                ids[i * seq + t] = t < e.length ? e[t] : padId;
                mask[i * seq + t] = t < e.length ? 1 : 0;
            }
        }
        return new BatchEncoding(b, seq, ids, mask, types, lengths);
    }

    /**
     * Special-token splitting, normalization and pre-tokenization: the "words" WordPiece sees. Special tokens come
     * back verbatim (e.g. "[MASK]").
     */
    public List<String> basicTokenize(String text) {
        List<String> words = new ArrayList<>();
        int segStart = 0;
        int i = 0;
        while (i < text.length()) {
            String special = specialAt(text, i);
            if (special != null) {
                splitWords(normalize(text.substring(segStart, i)), words);
                words.add(special);
                i += special.length();
                segStart = i;
            } else {
                i++;
            }
        }
        splitWords(normalize(text.substring(segStart)), words);
        return words;
    }

    private String specialAt(String text, int i) {
        for (String s : specialTokens) { // longest first
            if (text.startsWith(s, i)) {
                return s;
            }
        }
        return null;
    }

    /** BertNormalizer: clean text, pad CJK, strip accents, lowercase (in HF's order). */
    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) {
                    continue;
                }
                if (isWhitespace(c)) {
                    sb.append(' ');
                    continue;
                }
            }
            if (handleChineseChars && isChineseChar(c)) {
                sb.append(' ').appendCodePoint(c).append(' ');
            } else {
                sb.appendCodePoint(c);
            }
        }
        String s = sb.toString();
        if (stripAccents) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder out = new StringBuilder(nfd.length());
            nfd.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK).forEach(out::appendCodePoint);
            s = out.toString();
        }
        if (lowercase) {
            // Per code point, like Rust's char::to_lowercase: no context rules (e.g. Greek final sigma).
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); ) {
                int c = s.codePointAt(i);
                i += Character.charCount(c);
                if (c < 128) {
                    out.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c));
                } else {
                    out.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT));
                }
            }
            s = out.toString();
        }
        return s;
    }

    /** BertPreTokenizer: split on whitespace (dropped) and isolate each punctuation character. */
    private static void splitWords(String s, List<String> out) {
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            if (isWhitespace(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (isPunctuation(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
                out.add(s.substring(i, i + n));
            } else if (start < 0) {
                start = i;
            }
            i += n;
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
    }

    /** Greedy longest-match-first WordPiece of one word, appended to {@code out}. */
    private void wordPiece(String word, List<String> out) {
        if (vocab.containsKey(word) && specialTokens.contains(word)) {
            out.add(word);
            return;
        }
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            out.add(unkToken);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String match = null;
            while (start < end) {
                String sub = word.substring(start, end);
                if (start > 0) {
                    sub = continuingPrefix + sub;
                }
                if (vocab.containsKey(sub)) {
                    match = sub;
                    break;
                }
                end = word.offsetByCodePoints(end, -1); // never split a surrogate pair
            }
            if (match == null) {
                // Any unmatched remainder makes the whole word [UNK] (pieces found so far are discarded).
                out.subList(mark, out.size()).clear();
                out.add(unkToken);
                return;
            }
            out.add(match);
            start = end;
        }
    }

    /** Rust char::is_whitespace (Unicode White_Space) plus \t \n \r, as in HF's bert normalizer. */
    static boolean isWhitespace(int c) {
        return switch (c) {
            case '\t', '\n', '\r', 0x0B, 0x0C, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /** HF is_control: any "Other" category (Cc, Cf, Cn, Co, Cs) except \t \n \r. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE,
                 Character.SURROGATE -> true;
            default -> false;
        };
    }

    /** HF is_bert_punc: ASCII punctuation (incl. symbols like $ + &lt; = &gt; ^ ` |) or a Unicode P* category. */
    static boolean isPunctuation(int c) {
        if (c < 128) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** CJK Unified Ideograph blocks, as in BERT/HF (not Hangul, Hiragana or Katakana). */
    static boolean isChineseChar(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("unsupported tokenizer.json: " + message);
        }
    }
}
