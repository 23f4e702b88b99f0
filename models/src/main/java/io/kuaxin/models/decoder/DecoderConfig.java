package io.kuaxin.models.decoder;

/**
 * Shape of the small decoder-only transformer: pre-norm (RMSNorm) blocks with grouped-query attention, half-split
 * RoPE and a SiLU-gated MLP.
 */
public record DecoderConfig(int layers, int dModel, int heads, int kvHeads, int ffn, int vocab, int maxSeq,
                            double ropeBase, double eps, long seed) {
    /** 4 layers, d_model 512, 8 query / 2 KV heads of 64, FFN 1408, vocab 2048, 512 positions. */
    public static final DecoderConfig SMALL = new DecoderConfig(4, 512, 8, 2, 1408, 2048, 512, 10000, 1e-5, 20261128L);

    public int headDim() { return dModel / heads; }

    public int kvDim() { return kvHeads * headDim(); }
}
