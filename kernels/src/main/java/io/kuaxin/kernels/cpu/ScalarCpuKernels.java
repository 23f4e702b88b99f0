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
        CpuGemm.merge(acc, MR, NR, alpha, beta, c, cOff, ldc);
    }

    @Override
    public void gemmTileRowsA(int kc, MemorySegment a, long aOff, long lda, float[] b, int bOff, float alpha, float beta,
                              MemorySegment c, long cOff, long ldc) {
        float[] acc = ACC.get();
        gemmTileRowsAToArray(kc, a, aOff, lda, MR, b, bOff, acc);
        CpuGemm.merge(acc, MR, NR, alpha, beta, c, cOff, ldc);
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
            c.setAtIndex(Elements.F32, cOff + j, act.apply(x));
        }
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

    @Override
    public void dotRows(float[] q, int qOff, MemorySegment k, long kOff, long kStride, int rows, int d, float[] s, int sOff) {
        for (int j = 0; j < rows; j++) {
            long row = kOff + j * kStride;
            float acc = 0f;
            for (int p = 0; p < d; p++) acc = Math.fma(q[qOff + p], k.getAtIndex(Elements.F32, row + p), acc);
            s[sOff + j] = acc;
        }
    }

    @Override
    public void axpyRows(float[] w, int wOff, MemorySegment v, long vOff, long vStride, int rows, int d, float[] o, int oOff) {
        for (int j = 0; j < rows; j++) {
            long row = vOff + j * vStride;
            float wj = w[wOff + j];
            for (int p = 0; p < d; p++) o[oOff + p] = Math.fma(wj, v.getAtIndex(Elements.F32, row + p), o[oOff + p]);
        }
    }

    // ------------------------------------------------------------------------------- dense fp32 fast paths

    @Override
    public void binary(Binary op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out.setAtIndex(Elements.F32, outOff + i, a.getAtIndex(Elements.F32, aOff + i) + b.getAtIndex(Elements.F32, bOff + i)); }
            case SUB -> { for (int i = 0; i < n; i++) out.setAtIndex(Elements.F32, outOff + i, a.getAtIndex(Elements.F32, aOff + i) - b.getAtIndex(Elements.F32, bOff + i)); }
            case MUL -> { for (int i = 0; i < n; i++) out.setAtIndex(Elements.F32, outOff + i, a.getAtIndex(Elements.F32, aOff + i) * b.getAtIndex(Elements.F32, bOff + i)); }
            case DIV -> { for (int i = 0; i < n; i++) out.setAtIndex(Elements.F32, outOff + i, a.getAtIndex(Elements.F32, aOff + i) / b.getAtIndex(Elements.F32, bOff + i)); }
        }
    }

    @Override
    public void unary(Unary op, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        Activation act = switch (op) {
            case SILU -> Activation.SILU;
            case GELU_TANH -> Activation.GELU_TANH;
            case GELU_ERF -> Activation.GELU_ERF;
            default -> null;
        };
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(Elements.F32, xOff + i);
            float y = switch (op) {
                case RELU -> Math.max(v, 0f);
                case EXP -> (float) Math.exp(v);
                default -> act.apply(v);
            };
            out.setAtIndex(Elements.F32, outOff + i, y);
        }
    }

    @Override
    public void normRows(boolean center, MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                         MemorySegment gamma, MemorySegment beta, double eps) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * d, oo = outOff + (long) r * d;
            float mean = 0f;
            if (center) { // sequential sums: in double (the vector kernels' many short fp32 chains need not)
                double s = 0;
                for (int p = 0; p < d; p++) s += x.getAtIndex(Elements.F32, xo + p);
                mean = (float) (s / d);
            }
            double sq = 0;
            for (int p = 0; p < d; p++) {
                double v = x.getAtIndex(Elements.F32, xo + p) - mean;
                sq += v * v;
            }
            float inv = (float) (1 / Math.sqrt(sq / d + eps));
            for (int p = 0; p < d; p++) {
                float y = (x.getAtIndex(Elements.F32, xo + p) - mean) * inv;
                if (gamma != null) y *= gamma.getAtIndex(Elements.F32, p);
                if (beta != null) y += beta.getAtIndex(Elements.F32, p);
                out.setAtIndex(Elements.F32, oo + p, y);
            }
        }
    }

    @Override
    public void softmaxRows(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * n, oo = outOff + (long) r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < n; p++) max = Math.max(max, x.getAtIndex(Elements.F32, xo + p));
            double sum = 0;  // a sequential fp32 sum of n terms can miss the tolerance for n ~ 1000
            for (int p = 0; p < n; p++) {
                float e = (float) Math.exp(x.getAtIndex(Elements.F32, xo + p) - max);
                out.setAtIndex(Elements.F32, oo + p, e);
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int p = 0; p < n; p++) out.setAtIndex(Elements.F32, oo + p, out.getAtIndex(Elements.F32, oo + p) * inv);
        }
    }
}
