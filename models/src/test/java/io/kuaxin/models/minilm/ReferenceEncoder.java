package io.kuaxin.models.minilm;

import io.kuaxin.models.text.BatchEncoding;

/**
 * Straightforward fp64 BERT encoder over {@link MiniLmWeights}, for tests only: it validates the weight mapping
 * and the tokenizer against ONNX Runtime. Mirrors the graph: embeddings + LN, per layer self-attention with the
 * additive padding mask (1 − m)·(−3.4028235e38), residual + LN, exact-erf GELU FFN, residual + LN.
 */
final class ReferenceEncoder {
    static final double MASK_VALUE = -3.4028234663852886e38; // -FLT_MAX, as in the graph

    private final MiniLmWeights w;
    private final int hid;
    private final int heads;
    private final int hd;
    private final double eps;
    private final double scale;

    ReferenceEncoder(MiniLmWeights w) {
        this.w = w;
        this.hid = w.config().hidden();
        this.heads = w.config().heads();
        this.hd = w.config().headDim();
        this.eps = w.layerNormEps();
        this.scale = w.attentionScale();
    }

    /** Last hidden state {@code [batch][seq][hidden]}. */
    double[][][] forward(BatchEncoding batch) {
        int bs = batch.batchSize();
        int seq = batch.sequenceLength();
        double[][][] out = new double[bs][][];
        for (int b = 0; b < bs; b++) {
            long[] ids = new long[seq];
            long[] mask = new long[seq];
            long[] types = new long[seq];
            System.arraycopy(batch.inputIds(), b * seq, ids, 0, seq);
            System.arraycopy(batch.attentionMask(), b * seq, mask, 0, seq);
            System.arraycopy(batch.tokenTypeIds(), b * seq, types, 0, seq);
            out[b] = forwardOne(ids, mask, types);
        }
        return out;
    }

    private double[][] forwardOne(long[] ids, long[] mask, long[] types) {
        int t = ids.length;
        float[] word = w.wordEmbeddings().data();
        float[] pos = w.positionEmbeddings().data();
        float[] type = w.tokenTypeEmbeddings().data();
        double[][] x = new double[t][hid];
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < hid; h++) {
                x[i][h] = (double) word[(int) ids[i] * hid + h] + type[(int) types[i] * hid + h] + pos[i * hid + h];
            }
            layerNorm(x[i], w.embeddingLnGamma().data(), w.embeddingLnBeta().data());
        }
        for (MiniLmWeights.Layer l : w.layers()) {
            double[][] q = linear(x, l.query(), l.queryBias());
            double[][] k = linear(x, l.key(), l.keyBias());
            double[][] v = linear(x, l.value(), l.valueBias());
            double[][] ctx = new double[t][hid];
            double[] s = new double[t];
            for (int hh = 0; hh < heads; hh++) {
                int off = hh * hd;
                for (int i = 0; i < t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += q[i][off + d] * k[j][off + d];
                        }
                        s[j] = dot * scale + (1 - mask[j]) * MASK_VALUE;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        double p = s[j] / sum;
                        for (int d = 0; d < hd; d++) {
                            ctx[i][off + d] += p * v[j][off + d];
                        }
                    }
                }
            }
            double[][] attn = linear(ctx, l.attentionOutput(), l.attentionOutputBias());
            for (int i = 0; i < t; i++) {
                for (int h = 0; h < hid; h++) {
                    attn[i][h] += x[i][h];
                }
                layerNorm(attn[i], l.attentionLnGamma().data(), l.attentionLnBeta().data());
            }
            double[][] inter = linear(attn, l.ffnIn(), l.ffnInBias());
            for (double[] row : inter) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
                }
            }
            double[][] o = linear(inter, l.ffnOut(), l.ffnOutBias());
            for (int i = 0; i < t; i++) {
                for (int h = 0; h < hid; h++) {
                    o[i][h] += attn[i][h];
                }
                layerNorm(o[i], l.outputLnGamma().data(), l.outputLnBeta().data());
            }
            x = o;
        }
        return x;
    }

    /** x · W + b with W stored [in, out] row-major. */
    private static double[][] linear(double[][] x, MiniLmWeights.Param wt, MiniLmWeights.Param bias) {
        int in = wt.shape()[0];
        int out = wt.shape()[1];
        float[] wd = wt.data();
        float[] bd = bias.data();
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            double[] yi = y[i];
            for (int j = 0; j < out; j++) {
                yi[j] = bd[j];
            }
            for (int kk = 0; kk < in; kk++) {
                double xv = x[i][kk];
                int base = kk * out;
                for (int j = 0; j < out; j++) {
                    yi[j] += xv * wd[base + j];
                }
            }
        }
        return y;
    }

    private void layerNorm(double[] x, float[] gamma, float[] beta) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length; // biased variance, as ReduceMean(Pow(x − mean, 2))
        double inv = 1 / Math.sqrt(var + eps);
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    /**
     * erf to ~1e-16: erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), a series of positive terms (no
     * cancellation); |x| ≥ 6 returns ±1 (erfc(6) ≈ 2e-17).
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax >= 6) {
            return Math.signum(x);
        }
        double term = ax;
        double sum = ax;
        double x2 = ax * ax;
        for (int n = 1; n < 500; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
        return x < 0 ? -r : r;
    }

    /** Masked mean over real tokens, then L2 normalisation (fp64). */
    static double[][] meanPool(double[][][] hidden, BatchEncoding batch) {
        int seq = batch.sequenceLength();
        double[][] out = new double[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            int dim = hidden[b][0].length;
            double[] acc = new double[dim];
            int n = 0;
            for (int t = 0; t < seq; t++) {
                if (batch.attentionMask()[b * seq + t] == 0) {
                    continue;
                }
                n++;
                for (int h = 0; h < dim; h++) {
                    acc[h] += hidden[b][t][h];
                }
            }
            double norm = 0;
            for (int h = 0; h < dim; h++) {
                acc[h] /= n;
                norm += acc[h] * acc[h];
            }
            norm = Math.sqrt(norm);
            for (int h = 0; h < dim; h++) {
                acc[h] /= norm;
            }
            out[b] = acc;
        }
        return out;
    }
}
