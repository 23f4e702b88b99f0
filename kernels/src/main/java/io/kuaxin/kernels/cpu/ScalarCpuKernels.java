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
}
