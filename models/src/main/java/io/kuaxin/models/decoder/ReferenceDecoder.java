package io.kuaxin.models.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The same decoder in plain fp64 Java loops, written independently of Kuaxin's ops: the oracle the demo's logits
 * are checked against. Slow and simple on purpose. Not thread-safe.
 */
public final class ReferenceDecoder {
    private final DecoderConfig c;
    private final DecoderWeights w;
    private final List<double[][]> keys = new ArrayList<>(), values = new ArrayList<>(); // per layer [pos][kvDim]

    public ReferenceDecoder(DecoderWeights w) {
        this.c = w.config();
        this.w = w;
        for (int i = 0; i < c.layers(); i++) {
            keys.add(new double[c.maxSeq()][]);
            values.add(new double[c.maxSeq()][]);
        }
    }

    private int length;

    /** Appends tokens one by one and returns the logits after the last. */
    public double[] step(long[] tokens) {
        double[] logits = null;
        for (long tok : tokens) logits = one((int) tok);
        return logits;
    }

    private double[] one(int token) {
        int d = c.dModel();
        double[] x = new double[d];
        for (int i = 0; i < d; i++) x[i] = w.embedding()[token * d + i];
        for (int l = 0; l < c.layers(); l++) x = block(x, l);
        double[] n = rms(x, w.finalNorm());
        length++;
        return matvec(n, w.lmHead(), d, c.vocab());
    }

    private double[] block(double[] x, int l) {
        DecoderWeights.Layer L = w.layers().get(l);
        int d = c.dModel(), hd = c.headDim(), pos = length;
        double[] xn = rms(x, L.attnNorm());
        double[] q = rope(matvec(xn, L.wq(), d, d), c.heads(), pos);
        double[] k = rope(matvec(xn, L.wk(), d, c.kvDim()), c.kvHeads(), pos);
        double[] v = matvec(xn, L.wv(), d, c.kvDim());
        keys.get(l)[pos] = k;
        values.get(l)[pos] = v;
        double[] att = new double[d];
        int group = c.heads() / c.kvHeads();
        for (int h = 0; h < c.heads(); h++) {
            int kh = h / group;
            double[] s = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= pos; j++) {
                double dot = 0;
                for (int i = 0; i < hd; i++) dot += q[h * hd + i] * keys.get(l)[j][kh * hd + i];
                s[j] = dot / Math.sqrt(hd);
                max = Math.max(max, s[j]);
            }
            double z = 0;
            for (int j = 0; j <= pos; j++) z += s[j] = Math.exp(s[j] - max);
            for (int j = 0; j <= pos; j++) {
                for (int i = 0; i < hd; i++) att[h * hd + i] += s[j] / z * values.get(l)[j][kh * hd + i];
            }
        }
        double[] o = matvec(att, L.wo(), d, d);
        double[] x1 = new double[d];
        for (int i = 0; i < d; i++) x1[i] = x[i] + o[i];
        double[] xn2 = rms(x1, L.mlpNorm());
        double[] g = matvec(xn2, L.wGate(), d, c.ffn()), u = matvec(xn2, L.wUp(), d, c.ffn());
        for (int i = 0; i < g.length; i++) g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        double[] down = matvec(g, L.wDown(), c.ffn(), d);
        for (int i = 0; i < d; i++) x1[i] += down[i];
        return x1;
    }

    /** Half-split RoPE: pairs (i, i + hd/2) rotate by pos * base^(-2i/hd). */
    private double[] rope(double[] v, int heads, int pos) {
        int hd = c.headDim(), half = hd / 2;
        double[] out = v.clone();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double theta = pos * Math.pow(c.ropeBase(), -2.0 * i / hd);
                double a = v[h * hd + i], b = v[h * hd + i + half];
                out[h * hd + i] = a * Math.cos(theta) - b * Math.sin(theta);
                out[h * hd + i + half] = a * Math.sin(theta) + b * Math.cos(theta);
            }
        }
        return out;
    }

    private double[] rms(double[] x, float[] g) {
        double ss = 0;
        for (double v : x) ss += v * v;
        double r = 1 / Math.sqrt(ss / x.length + c.eps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * r * g[i];
        return out;
    }

    private static double[] matvec(double[] x, float[] m, int in, int out) {
        double[] y = new double[out];
        for (int i = 0; i < in; i++) {
            double xi = x[i];
            int row = i * out;
            for (int j = 0; j < out; j++) y[j] += xi * m[row + j];
        }
        return y;
    }
}
