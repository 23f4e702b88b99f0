package io.kuaxin.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** Plain-Java kernels: the reference for the Vector API ones and the fallback where that is unavailable. */
final class ScalarCpuKernels implements CpuKernels {
    static final ScalarCpuKernels INSTANCE = new ScalarCpuKernels();

    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private ScalarCpuKernels() {}

    @Override
    public String name() { return "scalar"; }

    @Override
    public void gemmTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                         MemorySegment c, long cOff, long ldc) {
        float[] acc = ACC.get();
        gemmTileToArray(kc, a, aOff, b, bOff, acc);
        for (int r = 0; r < MR; r++) {
            long row = cOff + r * ldc;
            for (int j = 0; j < NR; j++) {
                float v = alpha * acc[r * NR + j];
                if (beta != 0f) v += beta * c.getAtIndex(Elements.F32, row + j);
                c.setAtIndex(Elements.F32, row + j, v);
            }
        }
    }

    @Override
    public void gemmTileToArray(int kc, float[] a, int aOff, float[] b, int bOff, float[] out) {
        java.util.Arrays.fill(out, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * NR, ao = aOff + p * MR;
            for (int r = 0; r < MR; r++) {
                float av = a[ao + r];
                int o = r * NR;
                for (int j = 0; j < NR; j++) out[o + j] = Math.fma(av, b[bo + j], out[o + j]);
            }
        }
    }

    @Override
    public void tileRowMajor(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
                             float[] out, int outOff, int ldo, boolean accumulate) {
        for (int r = 0; r < MR; r++) {
            int o = outOff + r * ldo;
            if (!accumulate) java.util.Arrays.fill(out, o, o + NR, 0f);
            for (int p = 0; p < kc; p++) {
                float av = a[aOff + r * lda + p];
                int bo = bOff + p * NR;
                for (int j = 0; j < NR; j++) out[o + j] = Math.fma(av, b[bo + j], out[o + j]);
            }
        }
    }

    @Override
    public void epilogue(MemorySegment c, long cOff, int n, MemorySegment bias, long biasOff, Activation act) {
        for (int j = 0; j < n; j++) {
            float x = c.getAtIndex(Elements.F32, cOff + j);
            if (bias != null) x += bias.getAtIndex(Elements.F32, biasOff + j);
            c.setAtIndex(Elements.F32, cOff + j, activate(x, act));
        }
    }

    static float activate(float x, Activation act) {
        return switch (act) {
            case NONE -> x;
            case RELU -> x > 0f ? x : 0f;
            case GELU_TANH -> {
                float u = 0.7978845608f * (x + 0.044715f * x * x * x);
                yield 0.5f * x * (1f + (float) Math.tanh(u));
            }
            case GELU_ERF -> 0.5f * x * (1f + erf(x * 0.70710678f));
            case SILU -> x / (1f + (float) Math.exp(-x));
        };
    }

    /** erf via Numerical Recipes' erfc Chebyshev fit (fractional error < 1.2e-7 everywhere). */
    static float erf(float x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return (float) (x >= 0 ? 1.0 - r : r - 1.0);
    }

    @Override
    public void s8Gemv(byte[] a, int aOff, int k, byte[] b, int ldb, int n, int[] out) {
        java.util.Arrays.fill(out, 0, n, 0);
        for (int p = 0; p < k; p++) {
            int av = a[aOff + p];
            if (av == 0) continue;
            int bo = p * ldb;
            for (int j = 0; j < n; j++) out[j] += av * b[bo + j];
        }
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    @Override
    public float expSum(float[] x, int off, int n, float max) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            s += e;
        }
        return s;
    }

    @Override
    public void scaleAdd(float[] x, int off, int n, float scale, float[] add, int addOff) {
        if (add == null) for (int i = 0; i < n; i++) x[off + i] *= scale;
        else for (int i = 0; i < n; i++) x[off + i] = x[off + i] * scale + add[addOff + i];
    }

    @Override
    public void scale(float[] x, int off, int n, float f) {
        for (int i = 0; i < n; i++) x[off + i] *= f;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s = Math.fma(a[aOff + i], b[bOff + i], s);
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
}
