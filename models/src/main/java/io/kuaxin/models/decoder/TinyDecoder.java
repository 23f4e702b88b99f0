package io.kuaxin.models.decoder;

import io.kuaxin.Device;
import io.kuaxin.OpContext;
import io.kuaxin.Provenance;

import java.util.Map;

/**
 * The decoder on a device through Kuaxin ops, with a KV cache laid out [1, maxSeq, kvHeads, headDim] so that
 * appending a token's keys is a contiguous copy and attention reads the cache through a permuted view.
 *
 * <p>Owns its weights and cache; {@link #close()} frees them. Not thread-safe.
 */
public final class TinyDecoder implements AutoCloseable {
    private final DecoderShard whole;

    public TinyDecoder(Device device, DecoderWeights w, OpContext ops) {
        this.whole = new DecoderShard(device, w, ops, 0, 1, t -> { });
    }

    /** Tokens in the cache. */
    public int length() { return whole.length(); }

    /** Which device and kernel ran each op kind. */
    public Map<String, Provenance> provenance() { return whole.provenance(); }

    /**
     * Appends {@code tokens} (prefill when several, decode when one) and returns the logits of the last one. Waits
     * for the device.
     *
     * @throws IllegalArgumentException if the tokens do not fit the cache
     */
    public float[] step(long[] tokens) { return whole.step(tokens); }

    @Override
    public void close() { whole.close(); }
}
