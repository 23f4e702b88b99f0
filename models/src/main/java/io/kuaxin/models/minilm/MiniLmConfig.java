package io.kuaxin.models.minilm;

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

    public int headDim() {
        return hidden / heads;
    }

    /** Scores are multiplied by this before the softmax: 1/√headDim. */
    public double attentionScale() {
        return 1.0 / Math.sqrt(headDim());
    }
}
