package io.kuaxin.models.minilm;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Matmul;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.Provenance;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.op.Epilogue;
import io.kuaxin.models.text.BatchEncoding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2's forward pass through Kuaxin ops on one device: embedding gather, layer norm, matmul + bias,
 * non-causal attention with an additive padding mask, exact-erf GELU, masked mean pooling and L2 normalisation.
 *
 * <p>Owns the weights it uploaded to the device; {@link #close()} frees them. Not thread-safe: one forward pass at
 * a time.
 */
public final class MiniLmEncoder implements AutoCloseable {
    /** BERT's additive mask value for padded keys, as in the ONNX graph: (1 - mask) * -3.4028235e38. */
    private static final float MASKED = -3.4028235e38f;

    private final Device device;
    private final MiniLmConfig config;
    private final OpContext ops;
    private final Scope weights;
    private final Tensor word, position, tokenType, embGamma, embBeta, l2Gamma;
    private final List<LayerTensors> layers = new ArrayList<>();
    private final Map<String, Provenance> provenance = new LinkedHashMap<>();

    /**
     * One layer on the device; Q, K and V are fused into one [hidden, 3 * hidden] matmul. The options of the two
     * matmuls that name only weights are built once here (they keep their attribute record), not per forward.
     */
    private record LayerTensors(Tensor qkv, Tensor qkvb, Tensor o, Tensor ob,
                                Tensor ln1g, Tensor ln1b, Tensor f1, Tensor f1b, Tensor f2, Tensor f2b,
                                Tensor ln2g, Tensor ln2b, Matmul qkvOptions, Matmul f1Options) {
        LayerTensors(Tensor qkv, Tensor qkvb, Tensor o, Tensor ob, Tensor ln1g, Tensor ln1b, Tensor f1, Tensor f1b,
                     Tensor f2, Tensor f2b, Tensor ln2g, Tensor ln2b) {
            this(qkv, qkvb, o, ob, ln1g, ln1b, f1, f1b, f2, f2b, ln2g, ln2b, Matmul.options().bias(qkvb),
                    Matmul.options().bias(f1b).epilogue(Epilogue.GELU_ERF));
        }
    }

    /**
     * Uploads the weights to {@code device}.
     *
     * @param ops the context ops run in (stream and fallback policy), e.g. {@code Ops.withFallback(WARN)}
     */
    public MiniLmEncoder(Device device, MiniLmWeights w, OpContext ops) {
        this.device = device;
        this.config = w.config();
        this.ops = ops;
        this.weights = device.scope();
        try {
            word = up(w.wordEmbeddings());
            position = up(w.positionEmbeddings());
            tokenType = up(w.tokenTypeEmbeddings());
            embGamma = up(w.embeddingLnGamma());
            embBeta = up(w.embeddingLnBeta());
            for (MiniLmWeights.Layer l : w.layers()) {
                // matmul weights packed once into the backend's layout (CPU: the GEMM's panels), not on every call
                layers.add(new LayerTensors(ops.prepack(fused(l.query(), l.key(), l.value())),
                        fused(l.queryBias(), l.keyBias(), l.valueBias()), ops.prepack(up(l.attentionOutput())),
                        up(l.attentionOutputBias()), up(l.attentionLnGamma()), up(l.attentionLnBeta()),
                        ops.prepack(up(l.ffnIn())), up(l.ffnInBias()), ops.prepack(up(l.ffnOut())), up(l.ffnOutBias()),
                        up(l.outputLnGamma()), up(l.outputLnBeta())));
            }
            // rmsNorm(x) * 1/sqrt(n) == x / ||x||: L2 normalisation as one op
            float[] g = new float[config.hidden()];
            java.util.Arrays.fill(g, (float) (1 / Math.sqrt(config.hidden())));
            l2Gamma = weights.copyOf(g, Shape.of(config.hidden()));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private Tensor up(MiniLmWeights.Param p) {
        long[] dims = new long[p.shape().length];
        for (int i = 0; i < dims.length; i++) dims[i] = p.shape()[i];
        return weights.copyOf(p.data(), Shape.of(dims));
    }

    /** Concatenates [in, out] matrices (or [out] biases) along the output dimension, as one upload. */
    private Tensor fused(MiniLmWeights.Param... ps) {
        int rows = ps[0].shape().length == 2 ? ps[0].shape()[0] : 1;
        int total = 0;
        for (MiniLmWeights.Param p : ps) total += p.numel() / rows;
        float[] out = new float[rows * total];
        int col = 0;
        for (MiniLmWeights.Param p : ps) {
            int w = p.numel() / rows;
            for (int r = 0; r < rows; r++) System.arraycopy(p.data(), r * w, out, r * total + col, w);
            col += w;
        }
        return weights.copyOf(out, rows == 1 ? Shape.of(total) : Shape.of(rows, total));
    }

    public Device device() { return device; }

    /** Which device and kernel ran each op kind in the last forward pass. */
    public Map<String, Provenance> provenance() { return Map.copyOf(provenance); }

    /**
     * L2-normalised sentence embeddings [batch][hidden], masked mean over tokens. Waits for the device.
     *
     * @throws IllegalArgumentException if the batch is longer than the position table or has ids outside the
     *         vocabulary ({@link MiniLmConfig#checkInput})
     */
    public float[][] embed(BatchEncoding batch) {
        config.checkInput(batch);
        int b = batch.batchSize(), h = config.hidden();
        try (Scope s = device.scope()) {
            Tensor pooled = forward(s, batch);
            float[] flat;
            try {
                flat = pooled.toFloatArray();
            } finally {
                pooled.close(); // op outputs join their first input's scope: here the weights' (embedding table)
            }
            float[][] out = new float[b][h];
            for (int i = 0; i < b; i++) System.arraycopy(flat, i * h, out[i], 0, h);
            return out;
        }
    }

    /**
     * Runs the encoder and pooling; returns [batch, hidden] owned by {@code s}. A right-padded batch (every row's
     * mask is ones then zeros, at least one token) runs only its real tokens; any other mask runs the padded batch
     * with BERT's additive mask, as the ONNX graph does.
     */
    private Tensor forward(Scope s, BatchEncoding batch) {
        int[] lens = promptLengths(batch);
        return lens == null ? forwardMasked(s, batch) : forwardPacked(s, batch, lens);
    }

    /** Each row's token count if every mask row is a run of ones from position 0 (≥ 1 token), else null. */
    static int[] promptLengths(BatchEncoding batch) {
        int b = batch.batchSize(), t = batch.sequenceLength();
        int[] lens = new int[b];
        for (int i = 0; i < b; i++) {
            int n = 0;
            while (n < t && batch.mask(i, n) != 0) n++;
            for (int j = n; j < t; j++) if (batch.mask(i, j) != 0) return null;
            if (n == 0) return null;
            lens[i] = n;
        }
        return lens;
    }

    /**
     * The forward over real tokens only: row i's {@code lens[i]} tokens are packed one sentence after another into
     * {@code [n, hidden]}, so the GEMMs, norms and attention never touch padding and attention needs no mask (its
     * keys are exactly the sentence's). Consecutive sentences of one length share one attention call; the masked
     * mean becomes one matmul by a {@code [batch, n]} matrix holding {@code 1/lens[i]} over row i's tokens.
     */
    private Tensor forwardPacked(Scope s, BatchEncoding batch, int[] lens) {
        int b = batch.batchSize(), h = config.hidden();
        int heads = config.heads(), dh = config.headDim();
        int[] start = new int[b + 1];
        for (int i = 0; i < b; i++) start[i + 1] = start[i] + lens[i];
        int n = start[b];
        long[] idv = new long[n], typev = new long[n], posv = new long[n];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < lens[i]; j++) {
                int r = start[i] + j;
                idv[r] = batch.inputId(i, j);
                typev[r] = batch.tokenTypeIds()[i * batch.sequenceLength() + j];
                posv[r] = j;
            }
        }
        // runs of consecutive sentences with one length: [first sentence, end sentence)
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < b; ) {
            int e = i + 1;
            while (e < b && lens[e] == lens[i]) e++;
            runs.add(new int[] {i, e});
            i = e;
        }
        Tensor ids = s.copyOf(idv, Shape.of(n));
        Tensor types = s.copyOf(typev, Shape.of(n));
        Tensor pos = s.copyOf(posv, Shape.of(n));

        Tensor x = embeddings(ids, types, pos);

        Attention attn = Attention.defaults().scale((float) (1 / Math.sqrt(dh)));
        for (LayerTensors l : layers) {
            Tensor qkv = track(ops.matmul(x, l.qkv(), l.qkvOptions())); // [n, 3h]
            Tensor merged = runs.size() == 1 ? null : s.empty(DType.F32, Shape.of(n, h));
            for (int[] run : runs) {
                int c = run[1] - run[0], len = lens[run[0]];
                long r0 = start[run[0]], r1 = start[run[1]];
                Tensor rows = runs.size() == 1 ? qkv : qkv.slice(0, r0, r1);
                Tensor q = rows.slice(1, 0, h), k = rows.slice(1, h, 2L * h), v = rows.slice(1, 2L * h, 3L * h);
                Tensor qh = headsView(q, c, len), kh = headsView(k, c, len), vh = headsView(v, c, len);
                Tensor a = track(ops.attention(qh, kh, vh, attn));               // [c, heads, len, dh]
                Tensor ap = a.permute(0, 2, 1, 3);
                if (merged == null) {
                    merged = track(ops.copy(ap));                                  // [c, len, heads, dh] dense
                } else {
                    Tensor dst = merged.slice(0, r0, r1), dst4 = dst.reshape(c, len, heads, dh);
                    track(ops.copy(ap, dst4));
                    closeAll(dst, dst4);
                }
                closeAll(q, k, v, qh, kh, vh, ap, a);
                if (rows != qkv) rows.close();
            }
            Tensor flat = merged.reshape(n, h);
            qkv.close();
            x = afterAttention(l, x, flat);
            closeAll(merged, flat);
        }
        // masked mean over each sentence's tokens as one matmul, then L2 normalisation
        Tensor mean = s.empty(DType.F32, Shape.of(b, h));
        for (int g0 = 0; g0 < b; g0 += POOL_GROUP) {
            // a [sentences, rows] matrix holding 1/len over each sentence's rows; in groups, so it stays
            // O(group x rows) instead of growing with the square of the batch
            int g1 = Math.min(b, g0 + POOL_GROUP), rows = start[g1] - start[g0];
            float[] pool = new float[(g1 - g0) * rows];
            for (int i = g0; i < g1; i++) {
                for (int r = start[i]; r < start[i + 1]; r++) pool[(i - g0) * rows + r - start[g0]] = 1f / lens[i];
            }
            try (Tensor pg = s.copyOf(pool, Shape.of(g1 - g0, rows));
                 Tensor xs = x.slice(0, start[g0], start[g1]); Tensor dst = mean.slice(0, g0, g1)) {
                track(ops.matmul(pg, xs, Matmul.options(), dst));
            }
        }
        Tensor unit = track(ops.rmsNorm(mean, l2Gamma, 1e-24));
        closeAll(mean, x);
        return unit;
    }

    /** The padded batch with BERT's additive mask over padded keys; any mask. */
    private Tensor forwardMasked(Scope s, BatchEncoding batch) {
        int b = batch.batchSize(), t = batch.sequenceLength(), h = config.hidden();
        int heads = config.heads(), dh = config.headDim();
        long[] positions = new long[b * t];
        float[] maskAdd = new float[b * t];
        float[] maskMul = new float[b * t];
        float[] counts = new float[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                positions[i * t + j] = j;
                boolean on = batch.mask(i, j) != 0;
                maskAdd[i * t + j] = on ? 0f : MASKED;
                maskMul[i * t + j] = on ? 1f : 0f;
                if (on) counts[i]++;
            }
        }
        Tensor ids = s.copyOf(batch.inputIds(), Shape.of(b * t));
        Tensor types = s.copyOf(batch.tokenTypeIds(), Shape.of(b * t));
        Tensor pos = s.copyOf(positions, Shape.of(b * t));
        Tensor mask = s.copyOf(maskAdd, Shape.of(b, 1, 1, t));

        Tensor x = embeddings(ids, types, pos);

        Attention attn = Attention.defaults().mask(mask).scale((float) (1 / Math.sqrt(dh)));
        for (LayerTensors l : layers) {
            Tensor qkv = track(ops.matmul(x, l.qkv(), l.qkvOptions())); // [b*t, 3h]
            Tensor q = qkv.slice(1, 0, h), k = qkv.slice(1, h, 2L * h), v = qkv.slice(1, 2L * h, 3L * h);
            Tensor qh = headsView(q, b, t), kh = headsView(k, b, t), vh = headsView(v, b, t);
            Tensor a = track(ops.attention(qh, kh, vh, attn));                   // [b, heads, t, dh]
            Tensor ap = a.permute(0, 2, 1, 3);
            Tensor merged = track(ops.copy(ap));                                 // [b, t, heads, dh] dense
            Tensor flat = merged.reshape(b * (long) t, h);
            closeAll(qkv, q, k, v, qh, kh, vh, ap, a);
            x = afterAttention(l, x, flat);
            closeAll(merged, flat);
        }
        // masked mean over tokens, then L2 normalisation
        Tensor m = s.copyOf(maskMul, Shape.of(b, t, 1));
        Tensor n = s.copyOf(counts, Shape.of(b, 1));
        Tensor hidden = x.reshape(b, t, h);
        Tensor masked = track(ops.mul(hidden, m));
        Tensor summed = track(ops.sum(masked, 1));
        Tensor mean = track(ops.div(summed, n));
        Tensor unit = track(ops.rmsNorm(mean, l2Gamma, 1e-24));
        closeAll(hidden, masked, summed, mean, x);
        return unit;
    }

    private Tensor track(Tensor t) {
        Provenance p = t.provenance();
        if (p != null) provenance.putIfAbsent(p.op(), p);
        return t;
    }

    /** Sentences per pooling matmul in the packed forward. */
    private static final int POOL_GROUP = 64;

    /** Word + token-type + position embeddings of each row, layer-normalised: the encoder's input [rows, hidden]. */
    private Tensor embeddings(Tensor ids, Tensor types, Tensor pos) {
        Tensor e1 = track(ops.embedding(word, ids));
        Tensor e2 = track(ops.embedding(tokenType, types));
        Tensor e3 = track(ops.embedding(position, pos));
        Tensor sum = track(ops.add(e1, e2));
        Tensor sum2 = track(ops.add(sum, e3));
        closeAll(e1, e2, e3, sum);
        Tensor x = track(ops.layerNorm(sum2, embGamma, embBeta, config.layerNormEps()));
        sum2.close();
        return x;
    }

    /**
     * The rest of layer {@code l} after attention: output projection with the residual, layer norm, the GELU FFN with
     * its residual, layer norm. The residual adds ride the GEMMs ({@code x}, then x1, is accumulated in place), so
     * {@code x} is consumed; returns the layer's output.
     */
    private Tensor afterAttention(LayerTensors l, Tensor x, Tensor attended) {
        Tensor r1 = track(ops.matmul(attended, l.o(), Matmul.options().bias(l.ob()).accumulate(x, 1f), x));
        Tensor x1 = track(ops.layerNorm(r1, l.ln1g(), l.ln1b(), config.layerNormEps()));
        Tensor f = track(ops.matmul(x1, l.f1(), l.f1Options()));
        Tensor r2 = track(ops.matmul(f, l.f2(), Matmul.options().bias(l.f2b()).accumulate(x1, 1f), x1));
        closeAll(r1, f);
        Tensor out = track(ops.layerNorm(r2, l.ln2g(), l.ln2b(), config.layerNormEps()));
        closeAll(r2);
        return out;
    }

    /**
     * {@code x} [rows, hidden] as the [batch, heads, len, headDim] view attention reads (no copy). The reshape in
     * between is closed here: every open view holds its storage, so an unclosed one would keep the Q/K/V block
     * alive until the weights close.
     */
    private Tensor headsView(Tensor x, long batch, long len) {
        try (Tensor r = x.reshape(batch, len, config.heads(), config.headDim())) {
            return r.permute(0, 2, 1, 3);
        }
    }

    private static void closeAll(Tensor... ts) {
        for (Tensor t : ts) if (!t.isClosed()) t.close();
    }

    @Override
    public void close() { weights.close(); }
}
