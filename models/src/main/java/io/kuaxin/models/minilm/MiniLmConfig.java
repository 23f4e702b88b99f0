package io.kuaxin.models.minilm;

import io.kuaxin.models.text.BatchEncoding;

/**
 * Hyper-parameters of a BERT encoder. {@link #ALL_MINILM_L6_V2} is what {@link MiniLmWeights} expects by default.
 */
public record MiniLmConfig(int layers, int hidden, int heads, int intermediate, int vocabSize, int maxPositions,
                           int typeVocabSize, double layerNormEps) {

    public static final MiniLmConfig ALL_MINILM_L6_V2 = new MiniLmConfig(6, 384, 12, 1536, 30522, 512, 2, 1e-12);

    public MiniLmConfig {
        if (layers <= 0 || hidden <= 0 || heads <= 0 || hidden % heads != 0 || intermediate <= 0 || vocabSize <= 0
                || maxPositions <= 0 || typeVocabSize <= 0 || !(layerNormEps > 0)) {
            throw new IllegalArgumentException("invalid encoder config: " + layers + " layers, hidden " + hidden
                    + ", heads " + heads + ", intermediate " + intermediate);
        }
    }

    /**
     * Refuses a batch the model cannot take, before any graph or kernel sees it: longer than the position table, or
     * ids outside the vocabularies (a Gather past its table reads out of bounds in some runtimes).
     *
     * @throws IllegalArgumentException naming the limit and how to stay within it
     */
    public void checkInput(BatchEncoding batch) {
        if (batch.batchSize() < 1 || batch.sequenceLength() < 1) {
            throw new IllegalArgumentException("empty batch [" + batch.batchSize() + ", " + batch.sequenceLength()
                    + "]: encode at least one text (an empty text still gives [CLS] [SEP])");
        }
        if (batch.sequenceLength() > maxPositions) {
            throw new IllegalArgumentException("sequence length " + batch.sequenceLength() + " exceeds the model's "
                    + maxPositions + " positions: encode with a tokenizer whose maxLength is at most " + maxPositions
                    + " (it truncates), or split the text");
        }
        long[] ids = batch.inputIds(), types = batch.tokenTypeIds(), mask = batch.attentionMask();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize || types[i] < 0 || types[i] >= typeVocabSize
                    || (mask[i] != 0 && mask[i] != 1)) {
                throw new IllegalArgumentException("input " + i + ": id " + ids[i] + ", type " + types[i] + ", mask "
                        + mask[i] + " outside [0, " + vocabSize + "), [0, " + typeVocabSize
                        + ") and {0, 1}: encode with the model's own tokenizer");
            }
        }
    }

    public int headDim() {
        return hidden / heads;
    }

    /** Scores are multiplied by this before the softmax: 1/√headDim. */
    public double attentionScale() {
        return 1.0 / Math.sqrt(headDim());
    }
}
