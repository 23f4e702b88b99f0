package io.kuaxin.models.decoder;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Matmul;
import io.kuaxin.OpContext;
import io.kuaxin.Rope;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.op.Epilogue;

import java.util.ArrayList;
import java.util.List;
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
    private final DecoderConfig c;
    private final Device device;
    private final OpContext ops;
    private final Consumer<Tensor> allReduceSum;
    private final int heads, kvHeads, qDim, kvDim, ffn;
    private final Scope owned;
    private final Tensor embedding, finalNorm, lmHead;
    private final List<Tensor[]> layers = new ArrayList<>();
    private final List<Tensor[]> cache = new ArrayList<>();
    private int length;

    /**
     * @param rank         this rank, {@code 0 <= rank < parts}
     * @param parts        ranks the model is split over; must divide the query heads, KV heads and FFN width
     * @param allReduceSum sums a tensor over the ranks in place, ordered with work on the device's default stream
     * @throws InvalidArgumentException if {@code parts} does not divide the model
     */
    public TensorParallelDecoder(Device device, DecoderWeights w, OpContext ops, int rank, int parts,
                                 Consumer<Tensor> allReduceSum) {
        this.c = w.config();
        if (parts < 1 || rank < 0 || rank >= parts || c.heads() % parts != 0 || c.kvHeads() % parts != 0
                || c.ffn() % parts != 0) {
            throw new InvalidArgumentException("rank " + rank + " of " + parts + ": parts must divide " + c.heads()
                    + " query heads, " + c.kvHeads() + " KV heads and FFN " + c.ffn());
        }
        this.device = device;
        this.ops = ops;
        this.allReduceSum = allReduceSum;
        heads = c.heads() / parts;
        kvHeads = c.kvHeads() / parts;
        qDim = heads * c.headDim();
        kvDim = kvHeads * c.headDim();
        ffn = c.ffn() / parts;
        int d = c.dModel();
        owned = device.scope();
        try {
            embedding = owned.copyOf(w.embedding(), Shape.of(c.vocab(), d));
            finalNorm = owned.copyOf(w.finalNorm(), Shape.of(d));
            lmHead = owned.copyOf(w.lmHead(), Shape.of(d, c.vocab()));
            for (DecoderWeights.Layer l : w.layers()) {
                layers.add(new Tensor[] {owned.copyOf(l.attnNorm(), Shape.of(d)),
                        owned.copyOf(columns(l.wq(), d, d, rank * qDim, qDim), Shape.of(d, qDim)),
                        owned.copyOf(columns(l.wk(), d, c.kvDim(), rank * kvDim, kvDim), Shape.of(d, kvDim)),
                        owned.copyOf(columns(l.wv(), d, c.kvDim(), rank * kvDim, kvDim), Shape.of(d, kvDim)),
                        owned.copyOf(rows(l.wo(), d, rank * qDim, qDim), Shape.of(qDim, d)),
                        owned.copyOf(l.mlpNorm(), Shape.of(d)),
                        owned.copyOf(columns(l.wGate(), d, c.ffn(), rank * ffn, ffn), Shape.of(d, ffn)),
                        owned.copyOf(columns(l.wUp(), d, c.ffn(), rank * ffn, ffn), Shape.of(d, ffn)),
                        owned.copyOf(rows(l.wDown(), d, rank * ffn, ffn), Shape.of(ffn, d))});
                Shape cs = Shape.of(1, c.maxSeq(), kvHeads, c.headDim());
                cache.add(new Tensor[] {owned.zeros(DType.F32, cs), owned.zeros(DType.F32, cs)});
            }
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /** Columns {@code [from, from + n)} of a row-major {@code [in, out]} matrix. */
    static float[] columns(float[] m, int in, int out, int from, int n) {
        float[] r = new float[in * n];
        for (int i = 0; i < in; i++) System.arraycopy(m, i * out + from, r, i * n, n);
        return r;
    }

    /** Rows {@code [from, from + n)} of a row-major matrix with {@code cols} columns. */
    static float[] rows(float[] m, int cols, int from, int n) {
        float[] r = new float[n * cols];
        System.arraycopy(m, from * cols, r, 0, n * cols);
        return r;
    }

    /** Tokens in the cache. */
    public int length() { return length; }

    /** As {@link TinyDecoder#step}: appends {@code tokens} and returns the last one's logits (the same on every rank). */
    public float[] step(long[] tokens) {
        int t = tokens.length;
        if (length + t > c.maxSeq()) {
            throw new IllegalArgumentException("KV cache holds " + c.maxSeq() + " tokens; " + length + " + " + t);
        }
        try (Scope s = device.scope()) {
            Tensor ids = s.copyOf(tokens, Shape.of(t));
            Tensor x = ops.embedding(embedding, ids);
            for (int i = 0; i < layers.size(); i++) x = block(x, t, layers.get(i), cache.get(i));
            Tensor last = x.slice(0, t - 1, t);
            Tensor n = ops.rmsNorm(last, finalNorm, c.eps());
            Tensor logits = ops.matmul(n, lmHead);
            float[] out;
            try {
                out = logits.toFloatArray();
            } finally {
                close(x, last, n, logits);
            }
            length += t;
            return out;
        }
    }

    private Tensor block(Tensor x, int t, Tensor[] w, Tensor[] kvCache) {
        int hd = c.headDim(), pos = length;
        Tensor xn = ops.rmsNorm(x, w[0], c.eps());
        Tensor q = ops.matmul(xn, w[1]);
        Tensor k = ops.matmul(xn, w[2]);
        Tensor v = ops.matmul(xn, w[3]);
        Rope rope = Rope.halfSplit().base(c.ropeBase()).start(pos).seqAxis(1);
        Tensor q4 = q.reshape(1, t, heads, hd), k4 = k.reshape(1, t, kvHeads, hd), v4 = v.reshape(1, t, kvHeads, hd);
        Tensor qr = ops.rope(q4, rope);
        Tensor kr = ops.rope(k4, rope);
        Tensor kSlot = kvCache[0].slice(1, pos, pos + t), vSlot = kvCache[1].slice(1, pos, pos + t);
        ops.copy(kr, kSlot);
        ops.copy(v4, vSlot);
        Tensor kAll = kvCache[0].slice(1, 0, pos + t).permute(0, 2, 1, 3);
        Tensor vAll = kvCache[1].slice(1, 0, pos + t).permute(0, 2, 1, 3);
        Tensor qh = qr.permute(0, 2, 1, 3);
        Tensor a = ops.attention(qh, kAll, vAll, Attention.causal().kvHeads(kvHeads));
        Tensor merged = ops.copy(a.permute(0, 2, 1, 3));
        Tensor flat = merged.reshape(t, qDim);
        Tensor o = ops.matmul(flat, w[4]); // this rank's heads' share of the projection
        allReduceSum.accept(o);
        Tensor x1 = ops.add(x, o);
        close(xn, q, k, v, q4, k4, v4, qr, kr, kSlot, vSlot, kAll, vAll, qh, a, merged, flat, o, x);
        Tensor xn2 = ops.rmsNorm(x1, w[5], c.eps());
        Tensor gate = ops.matmul(xn2, w[6], Matmul.options().epilogue(Epilogue.SILU));
        Tensor up = ops.matmul(xn2, w[7]);
        Tensor prod = ops.mul(gate, up);
        Tensor down = ops.matmul(prod, w[8]); // this rank's hidden units' share
        allReduceSum.accept(down);
        Tensor x2 = ops.add(x1, down);
        close(xn2, gate, up, prod, down, x1);
        return x2;
    }

    private static void close(Tensor... ts) {
        for (Tensor t : ts) if (!t.isClosed()) t.close();
    }

    @Override
    public void close() { owned.close(); }
}
