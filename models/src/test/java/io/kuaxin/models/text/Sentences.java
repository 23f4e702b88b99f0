package io.kuaxin.models.text;

import java.util.List;

/** Varied inputs for the cross-check against the HF tokenizers library. */
final class Sentences {
    private Sentences() {
    }

    static final List<String> ALL = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Hello, world!",
            "",
            "   ",
            "I can't believe it's already 2026... isn't it?",
            "Tokenization: a.b,c;d:e!f?g(h)i[j]k{l}m<n>o=p+q-r*s/t\\u|v~w^x`y_z$&%#@\"'",
            "Café crème brûlée in Zürich, naïve résumé façade coöperate.",
            "ÀÉÎÕÜ ÅÆØ ñ ç ß ẞ",
            "Straße und Maßstab",
            "ΣΊΣΥΦΟΣ και ΟΔΥΣΣΕΥΣ",
            "İstanbul ılık IŞIK",
            "我爱北京天安门。",
            "机器学习是人工智能的一个分支",
            "日本語のテキストとカタカナ、ひらがな",
            "한국어 문장입니다",
            "Русский текст с пунктуацией — и тире.",
            "النص العربي هنا",
            "עברית טקסט",
            "हिन्दी पाठ",
            "ภาษาไทย",
            "Emoji 😀👍🏽 and ZWJ 👨‍👩‍👧 family",
            "Math ∑∫√∞ ≤ ≥ ≠ ± × ÷ ° µ",
            "Currency €100 £50 ¥1000 ₹20 $5.99",
            "Fullwidth ＦＵＬＬ ｗｉｄｔｈ　１２３",
            "Ligatures ﬁ ﬂ and ellipsis… “smart quotes” ‘single’ «guillemets»",
            "Tabs\tand\nnewlines\r\nmixed",
            "Zero\u200Bwidth\u200Cjoiner\u200D and soft\u00ADhyphen",
            "Control\u0000chars\u0007here\u001Fand\u007Fthere\uFFFD",
            "Non\u00A0breaking\u2009thin\u3000ideographic spaces",
            "Combining e\u0301 a\u0300 o\u0308 n\u0303",
            "https://example.com/path?query=1&b=2#frag",
            "user.name+tag@example.co.uk",
            "for (int i = 0; i < n; i++) { sum += a[i]; }",
            "snake_case camelCase PascalCase kebab-case SCREAMING_CASE",
            "The [MASK] sat on the [mask] mat [CLS] [SEP] [PAD] [UNK]",
            "[MASK][MASK]x[SEP]",
            "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "a".repeat(100) + " " + "b".repeat(101),
            "xqzjvkw qwxzjk zzzzzzzz",
            "1234567890 3.14159 1,000,000 1e-12 0x1F",
            "U.S.A. e.g. i.e. Mr. Smith's dog",
            "Hyphen-ated and en–dash and em—dash",
            "Ancient 𠀀𠀁 ideographs (CJK Ext B) and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "中文English混合text测试123",
            "Vietnamese: Tiếng Việt có dấu",
            "Polish: Zażółć gęślą jaźń",
            "Ελληνικά: Αθήνα, Θεσσαλονίκη",
            "A sentence with many words repeated " + "over and over again ".repeat(40),
            "Sentence embeddings map text to dense vectors for semantic search.",
            "¿Dónde está la biblioteca? ¡Aquí!");
}
