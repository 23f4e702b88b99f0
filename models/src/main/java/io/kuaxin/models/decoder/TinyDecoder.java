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

/**
 * The decoder on a device through Kuaxin ops, with a KV cache laid out [1, maxSeq, kvHeads, headDim] so that
 * appending a token's keys is a contiguous copy and attention reads the cache through a permuted view.
 *
 * <p>Owns its weights and cache; {@link #close()} frees them. Not thread-safe.
 */
public final class TinyDecoder implements AutoCloseable {
    private final DecoderConfig c;
    private final Device device;
    private final OpContext ops;
    private final Scope owned;
    private final Tensor embedding, finalNorm, lmHead;
    private final List<Tensor[]> layers = new ArrayList<>();
    private final List<Tensor[]> cache = new ArrayList<>();
    private final Map<String, Provenance> provenance = new LinkedHashMap<>();
    private int length;

    public TinyDecoder(Device device, DecoderWeights w, OpContext ops) {
        this.c = w.config();
        this.device = device;
        this.ops = ops;
        this.owned = device.scope();
        try {
            embedding = owned.copyOf(w.embedding(), Shape.of(c.vocab(), c.dModel()));
            finalNorm = owned.copyOf(w.finalNorm(), Shape.of(c.dModel()));
            lmHead = owned.copyOf(w.lmHead(), Shape.of(c.dModel(), c.vocab()));
            int d = c.dModel(), kv = c.kvDim(), f = c.ffn();
            for (DecoderWeights.Layer l : w.layers()) {
                layers.add(new Tensor[] {owned.copyOf(l.attnNorm(), Shape.of(d)),
                        owned.copyOf(l.wq(), Shape.of(d, d)), owned.copyOf(l.wk(), Shape.of(d, kv)),
                        owned.copyOf(l.wv(), Shape.of(d, kv)), owned.copyOf(l.wo(), Shape.of(d, d)),
                        owned.copyOf(l.mlpNorm(), Shape.of(d)), owned.copyOf(l.wGate(), Shape.of(d, f)),
                        owned.copyOf(l.wUp(), Shape.of(d, f)), owned.copyOf(l.wDown(), Shape.of(f, d))});
                Shape cs = Shape.of(1, c.maxSeq(), c.kvHeads(), c.headDim());
                cache.add(new Tensor[] {owned.zeros(DType.F32, cs), owned.zeros(DType.F32, cs)});
            }
        } catch (RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /** Tokens in the cache. */
    public int length() { return length; }

    /** Which device and kernel ran each op kind. */
    public Map<String, Provenance> provenance() { return Map.copyOf(provenance); }

    /**
     * Appends {@code tokens} (prefill when several, decode when one) and returns the logits of the last one. Waits
     * for the device.
     */
    public float[] step(long[] tokens) {
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
        int h = c.heads(), hk = c.kvHeads(), hd = c.headDim(), pos = length;
        Tensor xn = track(ops.rmsNorm(x, w[0], c.eps()));
        Tensor q = track(ops.matmul(xn, w[1]));
        Tensor k = track(ops.matmul(xn, w[2]));
        Tensor v = track(ops.matmul(xn, w[3]));
        Rope rope = Rope.halfSplit().base(c.ropeBase()).start(pos).seqAxis(1);
        Tensor q4 = q.reshape(1, t, h, hd), k4 = k.reshape(1, t, hk, hd), v4 = v.reshape(1, t, hk, hd);
        Tensor qr = track(ops.rope(q4, rope));
        Tensor kr = track(ops.rope(k4, rope));
        Tensor kSlot = kvCache[0].slice(1, pos, pos + t), vSlot = kvCache[1].slice(1, pos, pos + t);
        track(ops.copy(kr, kSlot));
        track(ops.copy(v4, vSlot));
        Tensor kAll = kvCache[0].slice(1, 0, pos + t).permute(0, 2, 1, 3);
        Tensor vAll = kvCache[1].slice(1, 0, pos + t).permute(0, 2, 1, 3);
        Tensor qh = qr.permute(0, 2, 1, 3);
        Tensor a = track(ops.attention(qh, kAll, vAll, Attention.causal().kvHeads(hk)));
        Tensor merged = track(ops.copy(a.permute(0, 2, 1, 3)));
        Tensor flat = merged.reshape(t, c.dModel());
        Tensor o = track(ops.matmul(flat, w[4]));
        Tensor x1 = track(ops.add(x, o));
        close(xn, q, k, v, q4, k4, v4, qr, kr, kSlot, vSlot, kAll, vAll, qh, a, merged, flat, o, x);
        Tensor xn2 = track(ops.rmsNorm(x1, w[5], c.eps()));
        Tensor gate = track(ops.matmul(xn2, w[6], Matmul.options().epilogue(Epilogue.SILU)));
        Tensor up = track(ops.matmul(xn2, w[7]));
        Tensor prod = track(ops.mul(gate, up));
        Tensor down = track(ops.matmul(prod, w[8]));
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
