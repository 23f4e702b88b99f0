package io.kuaxin.conformance;

import io.kuaxin.DType;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Naive double-precision references and assertions for backend op tests (the Ascend and Cambricon modules share
 * them). Straightforward loops, independent of the kernels they check. Test support; uses JUnit assertions.
 */
public final class HostReference {
    private HostReference() {}

    public static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    /** {@code x} as stored in {@code t} and read back. */
    public static float[] round(float[] x, DType t) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = switch (t) {
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(x[i]));
                case BF16 -> DType.bf16ToFloat(DType.floatToBf16(x[i]));
                default -> x[i];
            };
        }
        return r;
    }

    public static double tolerance(DType t) {
        return switch (t) {
            case F16 -> 1e-2;
            case BF16 -> 4e-2;
            default -> 1e-4;
        };
    }

    public static void close(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Math.abs(e - a) > tol * Math.max(1, Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    /** Batched {@code op(a)·op(b)}: a is [batch, M, K] (or [batch, K, M] when transA), b likewise. */
    public static float[] matmul(float[] a, float[] b, int batch, int m, int k, int n, boolean ta, boolean tb) {
        float[] c = new float[batch * m * n];
        for (int z = 0; z < batch; z++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        float x = ta ? a[z * m * k + p * m + i] : a[z * m * k + i * k + p];
                        float y = tb ? b[z * k * n + j * k + p] : b[z * k * n + p * n + j];
                        s += (double) x * y;
                    }
                    c[z * m * n + i * n + j] = (float) s;
                }
            }
        }
        return c;
    }

    /** Kuaxin attention semantics: GQA, end-aligned causal, kv lengths, zero rows without keys. */
    public static float[] attention(float[] q, float[] k, float[] v, int b, int hq, int hkv, int lq, int lkv, int d,
                             float scale, boolean causal, int[] lens) {
        float[] o = new float[b * hq * lq * d];
        for (int z = 0; z < b; z++) {
            int n = lens == null ? lkv : Math.max(0, Math.min(lens[z], lkv));
            for (int h = 0; h < hq; h++) {
                int g = h / (hq / hkv);
                for (int i = 0; i < lq; i++) {
                    double[] s = new double[lkv];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lkv; j++) {
                        boolean visible = j < n && (!causal || j <= i + n - lq);
                        if (!visible) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double acc = 0;
                        for (int x = 0; x < d; x++) {
                            acc += (double) q[((z * hq + h) * lq + i) * d + x] * k[((z * hkv + g) * lkv + j) * d + x];
                        }
                        s[j] = acc * scale;
                        max = Math.max(max, s[j]);
                    }
                    if (max == Double.NEGATIVE_INFINITY) continue;
                    double sum = 0;
                    for (int j = 0; j < lkv; j++) sum += s[j] = Math.exp(s[j] - max);
                    for (int x = 0; x < d; x++) {
                        double acc = 0;
                        for (int j = 0; j < lkv; j++) acc += s[j] / sum * v[((z * hkv + g) * lkv + j) * d + x];
                        o[((z * hq + h) * lq + i) * d + x] = (float) acc;
                    }
                }
            }
        }
        return o;
    }

    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    public static double silu(double x) { return x / (1 + Math.exp(-x)); }
}
