package io.kuaxin.models.text;

import java.util.List;

/**
 * One encoded sequence: ids including [CLS]/[SEP], the matching token strings, and whether word pieces were
 * dropped by truncation. Attention mask is all ones and token types all zeros for a single sequence.
 */
public record Encoding(int[] ids, List<String> tokens, boolean truncated) {
    public Encoding {
        ids = ids.clone();
        tokens = List.copyOf(tokens);
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    public int length() {
        return ids.length;
    }

    public int id(int i) {
        return ids[i];
    }
}
