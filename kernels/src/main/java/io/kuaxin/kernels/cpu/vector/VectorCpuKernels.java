package io.kuaxin.kernels.cpu.vector;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuKernels;
import java.lang.foreign.MemorySegment;

import static io.kuaxin.kernels.cpu.vector.VectorMath.L;
import static io.kuaxin.kernels.cpu.vector.VectorMath.S;

/**
 * Vector API kernels. Loaded reflectively by {@code CpuKernels.instance()}; the constructor throws (and the scalar
 * kernels are used) when the preferred vector is narrower than 256 bits. One file per concept, each a set of static
 * kernels this class delegates to: {@code GemmTiles}, {@code GemvPanels}, {@code Elementwise}, {@code Int8Gemv},
 * {@code AttentionRows}, * {@code NormSoftmaxRows}; {@code VectorMath} holds what they share.
 */
public final class VectorCpuKernels implements CpuKernels {
    public VectorCpuKernels() {
        if (S.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("preferred vector is " + S.vectorBitSize() + " bits (< 256)");
        }
        if (NR % (2 * L) != 0) throw new UnsupportedOperationException("unsupported vector length " + L);
    }

    @Override
    public String name() { return "vector (" + S.vectorBitSize() + "-bit, " + L + " floats)"; }

    @Override
    public int gemmRows() { return GemmTiles.ROWS; }

    /** Only the 8-row tile (512-bit vectors) has an in-place-A form; 256-bit vectors pack A as before. */
    @Override
    public boolean gemmReadsRowsA() { return GemmTiles.ROWS == 8; }

    @Override
    public void gemmTileRowsA(int kc, MemorySegment a, long aOff, long lda, float[] b, int bOff, float alpha, float beta,
                              MemorySegment c, long cOff, long ldc) {
        if (GemmTiles.ROWS == 8) GemmTiles.gemmTile8RowsA(kc, a, aOff, lda, b, bOff, alpha, beta, c, cOff, ldc);
        else CpuKernels.super.gemmTileRowsA(kc, a, aOff, lda, b, bOff, alpha, beta, c, cOff, ldc);
    }

    @Override
    public float gemmWarm(float[] a, int from, int n) { return GemmTiles.warm(a, from, n); }

    @Override
    public void gemmTileRowsAB(int kc, MemorySegment a, long aOff, long lda, int rows, MemorySegment b, long bOff,
                               long ldb, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        if (GemmTiles.ROWS == 8) GemmTiles.gemmTile8RowsAB(kc, a, aOff, lda, rows, b, bOff, ldb, alpha, beta, c, cOff, ldc);
        else CpuKernels.super.gemmTileRowsAB(kc, a, aOff, lda, rows, b, bOff, ldb, alpha, beta, c, cOff, ldc);
    }

    @Override
    public void gemmTileRowsAToArray(int kc, MemorySegment a, long aOff, long lda, int rows, float[] b, int bOff, float[] out) {
        if (GemmTiles.ROWS == 8) GemmTiles.gemmTile8RowsAToArray(kc, a, aOff, lda, rows, b, bOff, out);
        else CpuKernels.super.gemmTileRowsAToArray(kc, a, aOff, lda, rows, b, bOff, out);
    }

    @Override
    public void gemmTileRowsAEdge(int kc, MemorySegment a, long aOff, long lda, int rows, float[] b, int bOff, int cols,
                                  float alpha, float beta, MemorySegment c, long cOff, long ldc, float[] scratch) {
        if (GemmTiles.ROWS == 8 && cols <= L) GemmTiles.gemmTile8NarrowRowsA(kc, a, aOff, lda, rows, b, bOff, cols, alpha, beta, c, cOff, ldc);
        else CpuKernels.super.gemmTileRowsAEdge(kc, a, aOff, lda, rows, b, bOff, cols, alpha, beta, c, cOff, ldc, scratch);
    }

    @Override
    public void gemmRowPanels(int kc, MemorySegment a, long aOff, float[] b, int bOff, int panelStride, int cols,
                              float alpha, float beta, MemorySegment c, long cOff, float[] scratch) {
        if (GemvPanels.supported()) GemvPanels.rowPanels(kc, a, aOff, b, bOff, panelStride, cols, alpha, beta, c, cOff);
        else CpuKernels.super.gemmRowPanels(kc, a, aOff, b, bOff, panelStride, cols, alpha, beta, c, cOff, scratch);
    }

    @Override
    public void gemmPackRowsA(float[] dst, int dOff, MemorySegment a, long aOff, long lda, int rows, int kc) {
        if (GemmTiles.ROWS == 8 && L == 16 && rows == 8) PackRowsA.pack8(dst, dOff, a, aOff, lda, kc);
        else CpuKernels.super.gemmPackRowsA(dst, dOff, a, aOff, lda, rows, kc);
    }

    @Override
    public void gemmPackPanel(float[] dst, int dOff, MemorySegment b, long bOff, long ldb, int k, int cols) {
        PackPanelsB.packPanel(dst, dOff, b, bOff, ldb, k, cols);
    }

    @Override
    public void gemmPackPanelT(float[] dst, int dOff, MemorySegment b, long bOff, long ldb, int k, int cols) {
        PackPanelsB.packPanelT(dst, dOff, b, bOff, ldb, k, cols);
    }

    @Override
    public void gemmMerge(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        GemmTiles.merge(tile, rows, cols, alpha, beta, c, cOff, ldc);
    }

    @Override
    public void gemmTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        GemmTiles.gemmTile(kc, a, aOff, b, bOff, alpha, beta, c, cOff, ldc);
    }

    @Override
    public void gemmTileToArray(int kc, float[] a, int aOff, float[] b, int bOff, float[] out) {
        GemmTiles.gemmTileToArray(kc, a, aOff, b, bOff, out);
    }

    @Override
    public void tileRowMajor(int kc, float[] a, int aOff, int lda, float[] b, int bOff, float[] out, int outOff, int ldo, boolean accumulate) {
        GemmTiles.tileRowMajor(kc, a, aOff, lda, b, bOff, out, outOff, ldo, accumulate);
    }

    @Override
    public void epilogue(MemorySegment c, long cOff, int n, MemorySegment bias, long biasOff, Activation act) {
        Elementwise.epilogue(c, cOff, n, bias, biasOff, act);
    }

    @Override
    public void binary(Binary op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        Elementwise.binary(op, a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void unary(Unary op, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        Elementwise.unary(op, x, xOff, out, outOff, n);
    }

    @Override
    public void s8Gemv(byte[] a, int aOff, int k, byte[] b, int ldb, int n, int[] out) {
        Int8Gemv.s8Gemv(a, aOff, k, b, ldb, n, out);
    }

    @Override
    public float max(float[] x, int off, int n) {
        return AttentionRows.max(x, off, n);
    }

    @Override
    public float expSum(float[] x, int off, int n, float max) {
        return AttentionRows.expSum(x, off, n, max);
    }

    @Override
    public void scaleAdd(float[] x, int off, int n, float scale, float[] add, int addOff) {
        AttentionRows.scaleAdd(x, off, n, scale, add, addOff);
    }

    @Override
    public void scale(float[] x, int off, int n, float f) {
        AttentionRows.scale(x, off, n, f);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return AttentionRows.dot(a, aOff, b, bOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        AttentionRows.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void dotRows(float[] q, int qOff, MemorySegment k, long kOff, long kStride, int rows, int d, float[] s, int sOff) {
        AttentionRows.dotRows(q, qOff, k, kOff, kStride, rows, d, s, sOff);
    }

    @Override
    public void axpyRows(float[] w, int wOff, MemorySegment v, long vOff, long vStride, int rows, int d, float[] o, int oOff) {
        AttentionRows.axpyRows(w, wOff, v, vOff, vStride, rows, d, o, oOff);
    }

    @Override
    public void normRows(boolean center, MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d, MemorySegment gamma, MemorySegment beta, double eps) {
        NormSoftmaxRows.normRows(center, x, xOff, out, outOff, rows, d, gamma, beta, eps);
    }

    @Override
    public void softmaxRows(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int n) {
        NormSoftmaxRows.softmaxRows(x, xOff, out, outOff, rows, n);
    }
}
