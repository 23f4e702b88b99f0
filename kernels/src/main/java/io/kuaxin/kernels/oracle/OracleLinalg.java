package io.kuaxin.kernels.oracle;

import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;

import java.util.List;

/** fp64 matmul and attention: triple loops, no blocking, no tricks. */
final class OracleLinalg {
    private OracleLinalg() {}

    static double[] matmul(List<HostTensor> in, MatmulAttrs at, long[] os) {
        HostTensor a = in.get(0), b = in.get(1);
        int r = os.length;
        int m = (int) os[r - 2], n = (int) os[r - 1];
        int k = (int) (at.transA() ? a.shape()[a.rank() - 2] : a.shape()[a.rank() - 1]);
        long[] batchShape = java.util.Arrays.copyOf(os, r - 2);
        // Expand a and b to the output's batch dims so each batch is one dense matrix.
        HostTensor ae = a.expand(concat(batchShape, a.shape()[a.rank() - 2], a.shape()[a.rank() - 1]));
        HostTensor be = b.expand(concat(batchShape, b.shape()[b.rank() - 2], b.shape()[b.rank() - 1]));
        HostTensor c = at.hasC() ? in.get(at.cIndex()).expand(os) : null;
        HostTensor bias = at.hasBias() ? in.get(at.biasIndex()) : null;
        int batches = (int) HostTensor.numel(batchShape);
        double[] out = new double[batches * m * n];
        for (int p = 0; p < batches; p++) {
            int aOff = p * m * k, bOff = p * k * n, oOff = p * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        double av = at.transA() ? ae.data()[aOff + q * m + i] : ae.data()[aOff + i * k + q];
                        double bv = at.transB() ? be.data()[bOff + j * k + q] : be.data()[bOff + q * n + j];
                        s += av * bv;
                    }
                    double v = at.alpha() * s;
                    if (c != null) v += at.beta() * c.data()[oOff + i * n + j];
                    if (bias != null) v += bias.data()[j];
                    out[oOff + i * n + j] = activation(at.epilogue(), v);
                }
            }
        }
        return out;
    }

    static double activation(Epilogue e, double x) {
        return switch (e) {
            case NONE -> x;
            case RELU -> Math.max(x, 0);
            case GELU_TANH -> Functions.geluTanh(x);
            case GELU_ERF -> Functions.geluErf(x);
            case SILU -> Functions.silu(x);
        };
    }

    private static long[] concat(long[] a, long x, long y) {
        long[] r = java.util.Arrays.copyOf(a, a.length + 2);
        r[a.length] = x;
        r[a.length + 1] = y;
        return r;
    }

    static double[] attention(List<HostTensor> in, AttentionAttrs at) {
        HostTensor q = in.get(0), k = in.get(1), v = in.get(2);
        int bsz = (int) q.shape()[0], hq = (int) q.shape()[1], lq = (int) q.shape()[2], d = (int) q.shape()[3];
        int hkv = (int) k.shape()[1], lkv = (int) k.shape()[2];
        HostTensor mask = at.hasMask() ? in.get(at.maskIndex()).expand(bsz, hq, lq, lkv) : null;
        HostTensor lens = at.hasKvLens() ? in.get(at.kvLensIndex()) : null;
        double[] out = new double[bsz * hq * lq * d];
        double[] s = new double[lkv];
        for (int b = 0; b < bsz; b++) {
            int valid = lens == null ? lkv : (int) Math.min(Math.max(lens.data()[b], 0), lkv);
            for (int h = 0; h < hq; h++) {
                int kh = h / (hq / hkv);
                for (int i = 0; i < lq; i++) {
                    int limit = at.causal() ? Math.min(valid, i + valid - lq + 1) : valid;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < limit; j++) {
                        double dot = 0;
                        int qo = ((b * hq + h) * lq + i) * d, ko = ((b * hkv + kh) * lkv + j) * d;
                        for (int x = 0; x < d; x++) dot += q.data()[qo + x] * k.data()[ko + x];
                        s[j] = at.scale() * dot + (mask == null ? 0 : mask.data()[((b * hq + h) * lq + i) * lkv + j]);
                        max = Math.max(max, s[j]);
                    }
                    int o = ((b * hq + h) * lq + i) * d;
                    if (max == Double.NEGATIVE_INFINITY) continue; // nothing visible: zeros
                    double sum = 0;
                    for (int j = 0; j < limit; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < limit; j++) {
                        double p = s[j] / sum;
                        int vo = ((b * hkv + kh) * lkv + j) * d;
                        for (int x = 0; x < d; x++) out[o + x] += p * v.data()[vo + x];
                    }
                }
            }
        }
        return out;
    }
}
