package io.kuaxin.cuda;

/**
 * When attention splits the keys of each query row over several blocks ({@code kx_attn_split}, then
 * {@code kx_attn_combine}) instead of one block per row ({@code kx_attention}): decode (at most
 * {@link #MAX_QUERY_ROWS} query rows) with too few rows × heads × batch to fill the device and enough keys for two
 * chunks. The split count aims at {@link #WAVES} blocks per multiprocessor; chunks are multiples of the block size.
 * Performance is unmeasured on hardware: the constants are starting points, not tuned values. Stateless.
 *
 * @param splits key chunks per query row (1: no split)
 * @param chunk  keys per chunk
 */
record SplitKv(int splits, int chunk) {
    static final int MAX_QUERY_ROWS = 4;
    static final int MIN_CHUNK = 256;
    static final int MAX_SPLITS = 128;
    static final int WAVES = 2;
    static final int DEFAULT_MULTIPROCESSORS = 108;

    static final SplitKv NONE = new SplitKv(1, 0);

    boolean split() { return splits > 1; }

    /**
     * The plan for {@code b × hq × sq} query rows over {@code sk} keys on a device with {@code multiprocessors}
     * (≤ 0: unknown, {@link #DEFAULT_MULTIPROCESSORS} assumed).
     */
    static SplitKv plan(long b, long hq, long sq, long sk, int multiprocessors, int block) {
        if (sq > MAX_QUERY_ROWS || sk < 2L * MIN_CHUNK) return NONE;
        long sms = multiprocessors > 0 ? multiprocessors : DEFAULT_MULTIPROCESSORS;
        long rows = b * hq * sq, target = WAVES * sms;
        if (rows <= 0 || rows >= target) return NONE;
        long want = Math.min(MAX_SPLITS, (target + rows - 1) / rows);
        long chunk = Math.max(MIN_CHUNK, (sk + want - 1) / want);
        chunk = (chunk + block - 1) / block * block;
        long splits = (sk + chunk - 1) / chunk;
        if (splits < 2) return NONE;
        return new SplitKv((int) splits, (int) chunk);
    }

    /** The device's multiprocessor count from its description, or 0 if unknown. */
    static int multiprocessors(CudaDevice d) {
        String v = d.info().properties().get("multiProcessors");
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
