package io.kuaxin.cuda.tck;

import io.kuaxin.DType;

import java.util.Random;

/** Independent fp64 computations and test data for the CUDA-dialect backend tests. */
public final class Reference {
    private Reference() {}

    /** {@code n} values in [-1, 1), rounded to {@code t} so the reference sees exactly what the device holds. */
    public static float[] data(Random rnd, int n, DType t) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = round(rnd.nextFloat() * 2 - 1, t);
        return a;
    }

    public static float round(float v, DType t) {
        return switch (t) {
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> Float.intBitsToFloat(DType.floatToBf16(v) << 16);
            default -> v;
        };
    }

    /**
     * {@code alpha·op(A)·op(B) + beta·C + bias} in fp64 over row-major batches; A is {@code [batchA][M,K]} (or
     * {@code [K,M]} with transA), B likewise; a batch count of 1 broadcasts.
     *
     * @return the result and, per element, the magnitude bound {@code Σ|a||b|·|alpha| + |beta·c| + |bias|}
     */
    public static double[][] matmul(float[] a, int batchA, float[] b, int batchB, int batch, int m, int n, int k,
                                    boolean ta, boolean tb, float alpha, float beta, float[] c, float[] bias) {
        double[] out = new double[batch * m * n], mag = new double[out.length];
        for (int z = 0; z < batch; z++) {
            int za = batchA == 1 ? 0 : z, zb = batchB == 1 ? 0 : z;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0, g = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a[za * m * k + (ta ? p * m + i : i * k + p)];
                        double y = b[zb * k * n + (tb ? j * k + p : p * n + j)];
                        s += x * y;
                        g += Math.abs(x * y);
                    }
                    int o = z * m * n + i * n + j;
                    double v = alpha * s, bound = Math.abs(alpha) * g;
                    if (c != null) {
                        v += beta * c[o];
                        bound += Math.abs(beta * c[o]);
                    }
                    if (bias != null) {
                        v += bias[j];
                        bound += Math.abs(bias[j]);
                    }
                    out[o] = v;
                    mag[o] = bound;
                }
            }
        }
        return new double[][]{out, mag};
    }

    /** Relative tolerance for results stored in {@code out} with fp32 accumulation. */
    public static double tolerance(DType out) {
        return switch (out) {
            case F16 -> 2e-3;
            case BF16 -> 1.6e-2;
            case F64 -> 1e-12;
            default -> 2e-5;
        };
    }
}
