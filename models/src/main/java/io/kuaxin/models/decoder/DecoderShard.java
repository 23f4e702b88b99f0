package io.kuaxin.models.decoder;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Matmul;
import io.kuaxin.OpContext;
import io.kuaxin.Provenance;
import io.kuaxin.Rope;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.op.Epilogue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The decoder's forward pass over one rank's share of the weights: {@code 1/parts} of the query and KV heads (the
 * Q/K/V projections' columns, the output projection's rows) and of the MLP's hidden units (gate/up columns, down
 * rows); embedding, norms and the LM head whole. After the attention output projection and after the MLP's down
 * projection {@code allReduceSum} adds the ranks' partial sums in place. With {@code parts = 1} and a no-op
 * all-reduce it is the whole decoder ({@link TinyDecoder}).
 *
 * <p>The KV cache is laid out [1, maxSeq, kvHeads, headDim] so that appending a token's keys is a contiguous copy and
 * attention reads the cache through a permuted view. Owns its weights and cache; not thread-safe. The caller checks
 * that {@code parts} divides the model.
 */
final class DecoderShard implements AutoCloseable {
    private final DecoderConfig c;
    private final Device device;
    private final OpContext ops;
    private final Consumer<Tensor> allReduceSum;
    private final int heads, kvHeads, qDim;
    private final Scope owned;
    private final Tensor embedding, finalNorm, lmHead;
    private final List<Tensor[]> layers = new ArrayList<>();
    private final List<Tensor[]> cache = new ArrayList<>();
    private final Map<String, Provenance> provenance = new LinkedHashMap<>();
    private int length;

    DecoderShard(Device device, DecoderWeights w, OpContext ops, int rank, int parts, Consumer<Tensor> allReduceSum) {
        this.c = w.config();
        this.device = device;
        this.ops = ops;
        this.allReduceSum = allReduceSum;
        heads = c.heads() / parts;
        kvHeads = c.kvHeads() / parts;
        qDim = heads * c.headDim();
        int kvDim = kvHeads * c.headDim(), ffn = c.ffn() / parts, d = c.dModel();
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

    /** Columns {@code [from, from + n)} of a row-major {@code [in, out]} matrix; {@code m} itself if that is all. */
    static float[] columns(float[] m, int in, int out, int from, int n) {
        if (from == 0 && n == out) return m;
        float[] r = new float[in * n];
        for (int i = 0; i < in; i++) System.arraycopy(m, i * out + from, r, i * n, n);
        return r;
    }

    /** Rows {@code [from, from + n)} of a row-major matrix with {@code cols} columns. */
    static float[] rows(float[] m, int cols, int from, int n) {
        if (from == 0 && n * cols == m.length) return m;
        float[] r = new float[n * cols];
        System.arraycopy(m, from * cols, r, 0, n * cols);
        return r;
    }

    int length() { return length; }

    Map<String, Provenance> provenance() { return Map.copyOf(provenance); }

    /** Appends {@code tokens} and returns the last one's logits. Waits for the device. */
    float[] step(long[] tokens) {
        int t = tokens.length;
        if (length + t > c.maxSeq()) {
            throw new IllegalArgumentException("KV cache holds " + c.maxSeq() + " tokens; " + length + " + " + t);
        }
        try (Scope s = device.scope()) {
            Tensor ids = s.copyOf(tokens, Shape.of(t));
            Tensor x = track(ops.embedding(embedding, ids));
            for (int i = 0; i < layers.size(); i++) x = block(x, t, layers.get(i), cache.get(i));
            Tensor last = x.slice(0, t - 1, t);
            Tensor n = track(ops.rmsNorm(last, finalNorm, c.eps()));
            Tensor logits = track(ops.matmul(n, lmHead));
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
        Tensor xn = track(ops.rmsNorm(x, w[0], c.eps()));
        Tensor q = track(ops.matmul(xn, w[1]));
        Tensor k = track(ops.matmul(xn, w[2]));
        Tensor v = track(ops.matmul(xn, w[3]));
        Rope rope = Rope.halfSplit().base(c.ropeBase()).start(pos).seqAxis(1);
        Tensor q4 = q.reshape(1, t, heads, hd), k4 = k.reshape(1, t, kvHeads, hd), v4 = v.reshape(1, t, kvHeads, hd);
        Tensor qr = track(ops.rope(q4, rope));
        Tensor kr = track(ops.rope(k4, rope));
        Tensor kSlot = kvCache[0].slice(1, pos, pos + t), vSlot = kvCache[1].slice(1, pos, pos + t);
        track(ops.copy(kr, kSlot));
        track(ops.copy(v4, vSlot));
        // every view is closed below: an open view holds its storage (the cache's, or a's) past this step
        Tensor kUsed = kvCache[0].slice(1, 0, pos + t), vUsed = kvCache[1].slice(1, 0, pos + t);
        Tensor kAll = kUsed.permute(0, 2, 1, 3), vAll = vUsed.permute(0, 2, 1, 3);
        Tensor qh = qr.permute(0, 2, 1, 3);
        Tensor a = track(ops.attention(qh, kAll, vAll, Attention.causal().kvHeads(kvHeads)));
        Tensor ap = a.permute(0, 2, 1, 3);
        Tensor merged = track(ops.copy(ap));
        Tensor flat = merged.reshape(t, qDim);
        Tensor o = track(ops.matmul(flat, w[4])); // this rank's heads' share of the projection
        allReduceSum.accept(o);
        Tensor x1 = track(ops.add(x, o));
        close(xn, q, k, v, q4, k4, v4, qr, kr, kSlot, vSlot, kUsed, vUsed, kAll, vAll, qh, a, ap, merged, flat, o, x);
        Tensor xn2 = track(ops.rmsNorm(x1, w[5], c.eps()));
        Tensor gate = track(ops.matmul(xn2, w[6], Matmul.options().epilogue(Epilogue.SILU)));
        Tensor up = track(ops.matmul(xn2, w[7]));
        Tensor prod = track(ops.mul(gate, up));
        Tensor down = track(ops.matmul(prod, w[8])); // this rank's hidden units' share
        allReduceSum.accept(down);
        Tensor x2 = track(ops.add(x1, down));
        close(xn2, gate, up, prod, down, x1);
        return x2;
    }

    private Tensor track(Tensor t) {
        Provenance p = t.provenance();
        if (p != null) provenance.putIfAbsent(p.op(), p);
        return t;
    }

    private static void close(Tensor... ts) {
        for (Tensor t : ts) if (!t.isClosed()) t.close();
    }

    @Override
    public void close() { owned.close(); }
}
