package io.kuaxin.models.decoder;

import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.OpContext;
import io.kuaxin.Tensor;

import java.util.function.Consumer;

/**
 * One rank's share of {@link TinyDecoder} split over {@code parts} devices the Megatron way: each rank holds
 * {@code 1/parts} of the query and KV heads (the Q/K/V projections' columns, the output projection's rows) and of the
 * MLP's hidden units (gate/up columns, down rows); embedding, norms and the LM head are replicated. After the
 * attention output projection and after the MLP's down projection each rank holds a partial sum, which
 * {@code allReduceSum} adds over the ranks in place (a collective's all-reduce on the device's default stream). Every
 * rank then holds the same activations and returns the same logits as the single-device decoder, up to the order of
 * the additions.
 *
 * <p>Every rank calls {@link #step} with the same tokens. Owns its weight shards and cache; not thread-safe.
 */
public final class TensorParallelDecoder implements AutoCloseable {
    private final DecoderShard shard;

    /**
     * @param rank         this rank, {@code 0 <= rank < parts}
     * @param parts        ranks the model is split over; must divide the query heads, KV heads and FFN width
     * @param allReduceSum sums a tensor over the ranks in place, ordered with work on the device's default stream
     * @throws InvalidArgumentException if {@code parts} does not divide the model
     */
    public TensorParallelDecoder(Device device, DecoderWeights w, OpContext ops, int rank, int parts,
                                 Consumer<Tensor> allReduceSum) {
        DecoderConfig c = w.config();
        if (parts < 1 || rank < 0 || rank >= parts || c.heads() % parts != 0 || c.kvHeads() % parts != 0
                || c.ffn() % parts != 0) {
            throw new InvalidArgumentException("rank " + rank + " of " + parts + ": parts must divide " + c.heads()
                    + " query heads, " + c.kvHeads() + " KV heads and FFN " + c.ffn());
        }
        this.shard = new DecoderShard(device, w, ops, rank, parts, allReduceSum);
    }

    /** Tokens in the cache. */
    public int length() { return shard.length(); }

    /** As {@link TinyDecoder#step}: appends {@code tokens} and returns the last one's logits (the same on every rank). */
    public float[] step(long[] tokens) { return shard.step(tokens); }

    @Override
    public void close() { shard.close(); }
}
