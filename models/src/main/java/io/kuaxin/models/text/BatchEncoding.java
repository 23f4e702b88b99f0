package io.kuaxin.models.text;

/**
 * A padded batch in the model's input form: row-major {@code [batchSize, sequenceLength]} int64 arrays, ready to
 * wrap as the ONNX inputs {@code input_ids}, {@code attention_mask} and {@code token_type_ids}. Padding is on the
 * right with [PAD] (mask 0); {@code lengths[b]} is the unpadded length of row {@code b}.
 */
public record BatchEncoding(int batchSize, int sequenceLength, long[] inputIds, long[] attentionMask,
                            long[] tokenTypeIds, int[] lengths) {

    public BatchEncoding {
        int n = Math.multiplyExact(batchSize, sequenceLength);
        if (inputIds.length != n || attentionMask.length != n || tokenTypeIds.length != n || lengths.length != batchSize) {
            throw new IllegalArgumentException("array sizes do not match [" + batchSize + ", " + sequenceLength + "]");
        }
    }

    /** {@code [batchSize, sequenceLength]}. */
    public long[] shape() {
        return new long[] {batchSize, sequenceLength};
    }

    public long inputId(int b, int t) {
        return inputIds[b * sequenceLength + t];
    }

    public long mask(int b, int t) {
        return attentionMask[b * sequenceLength + t];
    }
}
