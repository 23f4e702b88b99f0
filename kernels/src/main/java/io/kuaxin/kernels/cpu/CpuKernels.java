package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;
import java.lang.foreign.MemorySegment;

/**
 * Stateless inner kernels of the CPU backend (Lucene's {@code VectorUtilSupport} pattern): {@link CpuGemm} and
 * {@link CpuAttention} do blocking, packing and threading and call these for the arithmetic. Two implementations:
 * a package-private scalar one and a Vector API one in {@code io.kuaxin.kernels.cpu.vector}, chosen once by
 * {@link #instance()}.
 * <p>Tiles are {@link #MR}×{@link #NR}. "Panels" of B are {@code [k][NR]} float runs. Offsets into segments are
 * in fp32 elements.
 */
public interface CpuKernels {
    /** Register tile rows. */
    int MR = 4;
    /** Register tile columns (two 512-bit vectors). */
    int NR = 32;
    /** The most rows any implementation's GEMM tile has ({@link #gemmRows()}); sizes per-thread scratch tiles. */
    int MAX_GEMM_ROWS = 8;

    /** The implementation chosen at start-up (system property {@code kuaxin.cpu.scalar=true} forces scalar). */
    static CpuKernels instance() { return CpuKernelsSelector.INSTANCE; }

    /**
     * The Vector API's preferred width as {@code kuaxin doctor} prints it, e.g. {@code 512-bit (16 floats per vector)},
     * or why it is unavailable. Read reflectively, so callers need not read {@code jdk.incubator.vector}.
     */
    static String vectorApi() { return CpuKernelsSelector.vectorApi(); }

    /** Short name for logs and benchmark output. */
    String name();

    /**
     * Rows of this implementation's GEMM register tile ({@link #MR} or up to {@link #MAX_GEMM_ROWS}): A is packed in
     * panels of this many rows for {@link #gemmTile} and {@link #gemmTileToArray}. Attention's
     * {@link #tileRowMajor} always covers {@link #MR} rows.
     */
    default int gemmRows() { return MR; }

    /**
     * {@code C[r][c] = alpha·Σ_k A[k][r]·B[k][c] + beta·C[r][c]} for a full R×NR tile, R = {@link #gemmRows()};
     * A is packed {@code [kc][R]}
     * from {@code aOff}, B is a panel from {@code bOff}; C is fp32 at element {@code cOff} with row stride
     * {@code ldc}. {@code beta == 0} never reads C.
     */
    void gemmTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                  MemorySegment c, long cOff, long ldc);

    /** Like {@link #gemmTile} without alpha/beta, storing the raw R×NR sums row-major into {@code out[0..R·NR)}. */
    void gemmTileToArray(int kc, float[] a, int aOff, float[] b, int bOff, float[] out);

    /**
     * Whether {@link #gemmTileRowsA} and {@link #gemmTileRowsAToArray} run at least as fast as packing A and calling
     * {@link #gemmTile}: then {@link CpuGemm} reads fp32, untransposed A in place instead of packing it.
     */
    default boolean gemmReadsRowsA() { return true; }

    /**
     * {@link #gemmTile} with A read in place: R = {@link #gemmRows()} rows of fp32 A, row-major in {@code a} from
     * element {@code aOff} with row stride {@code lda} (the tile reads {@code kc} elements of each).
     */
    default void gemmTileRowsA(int kc, MemorySegment a, long aOff, long lda, float[] b, int bOff, float alpha, float beta,
                               MemorySegment c, long cOff, long ldc) {
        int rows = gemmRows();
        float[] acc = new float[rows * NR]; // the reference path; implementations override without the allocation
        gemmTileRowsAToArray(kc, a, aOff, lda, rows, b, bOff, acc);
        CpuGemm.merge(acc, rows, NR, alpha, beta, c, cOff, ldc);
    }

    /**
     * {@link #gemmTileToArray} with A read in place as in {@link #gemmTileRowsA}, for the first {@code rows}
     * (1 to R) rows: rows of {@code out} from {@code rows} on are unspecified, and A is read only up to row
     * {@code rows - 1}, so a tile at the bottom edge of A reads nothing beyond it.
     */
    default void gemmTileRowsAToArray(int kc, MemorySegment a, long aOff, long lda, int rows, float[] b, int bOff,
                                      float[] out) {
        java.util.Arrays.fill(out, 0, rows * NR, 0f);
        for (int r = 0; r < rows; r++) {
            long ar = aOff + r * lda;
            int o = r * NR;
            for (int p = 0; p < kc; p++) {
                float av = a.getAtIndex(Elements.F32, ar + p);
                int bo = bOff + p * NR;
                for (int j = 0; j < NR; j++) out[o + j] = Math.fma(av, b[bo + j], out[o + j]);
            }
        }
    }

    /**
     * An edge tile with A read in place: {@code rows} (1 to R) rows of A as in {@link #gemmTileRowsA} times the first
     * {@code cols} (1 to NR) columns of the panel at {@code bOff}; writes exactly {@code rows × cols} of C:
     * alpha·sums + beta·C ({@code beta == 0} never reads C). {@code scratch} holds at least R·NR floats.
     */
    default void gemmTileRowsAEdge(int kc, MemorySegment a, long aOff, long lda, int rows, float[] b, int bOff, int cols,
                                   float alpha, float beta, MemorySegment c, long cOff, long ldc, float[] scratch) {
        gemmTileRowsAToArray(kc, a, aOff, lda, rows, b, bOff, scratch);
        gemmMerge(scratch, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /**
     * One row of fp32 A, in place ({@code kc} elements from {@code aOff}), times {@code cols} columns of packed B
     * held in consecutive panels (panel {@code p} at {@code bOff + p·panelStride}, the last one may be partial):
     * {@code C[0][j] = alpha·Σ_k A[0][k]·B[k][j] + beta·C[0][j]}, C fp32 from {@code cOff}; {@code beta == 0} never
     * reads C. A row of a matrix-vector product (M = 1) costs a full R-row tile in {@link #gemmTileRowsAEdge}; an
     * implementation may do better. Each element gets the bits that {@link #gemmTileRowsAEdge} gives it.
     * {@code scratch} holds at least {@link #MAX_GEMM_ROWS}·{@link #NR} floats.
     */
    default void gemmRowPanels(int kc, MemorySegment a, long aOff, float[] b, int bOff, int panelStride, int cols,
                               float alpha, float beta, MemorySegment c, long cOff, float[] scratch) {
        for (int j = 0, bo = bOff; j < cols; j += NR, bo += panelStride) {
            gemmTileRowsAEdge(kc, a, aOff, kc, 1, b, bo, Math.min(NR, cols - j), alpha, beta, c, cOff + j, NR, scratch);
        }
    }

    /**
     * Reads {@code a[from, from + n)} in order, at least one element per 64-byte line, and returns a value computed
     * from what it read: a plain stream over a panel that tiles are about to sweep, so that it comes from memory at
     * a read loop's rate instead of at the rate a tile's demand loads reach ({@code CpuGemm.WARM}). Only the reads
     * matter; the caller keeps the value so that they are not dropped.
     */
    default float gemmWarm(float[] a, int from, int n) {
        float s = n > 0 ? a[from + n - 1] : 0;                 // the last line, which the stride may step over
        for (int i = from; i < from + n; i += 16) s += a[i];   // one element per 64-byte line
        return s;
    }

    /**
     * One panel of fp32, untransposed A packed for {@link #gemmTile}: {@code dst[dOff + kk·R + r] = a[aOff + r·lda + kk]}
     * for r in [0, rows) and kk in [0, kc), zero for r in [rows, R), R = {@link #gemmRows()}.
     */
    default void gemmPackRowsA(float[] dst, int dOff, MemorySegment a, long aOff, long lda, int rows, int kc) {
        int mr = gemmRows();
        for (int r = 0; r < rows; r++) Elements.load(a, DType.F32, aOff + r * lda, 1, kc, dst, dOff + r, mr);
        for (int r = rows; r < mr; r++) for (int kk = 0; kk < kc; kk++) dst[dOff + kk * mr + r] = 0f;
    }

    /**
     * One panel of an untransposed fp32 B: {@code dst[dOff + kk·NR + j] = b[bOff + kk·ldb + j]} for kk in [0, k) and
     * j in [0, cols) (cols 1 to NR), zero for j in [cols, NR).
     */
    default void gemmPackPanel(float[] dst, int dOff, MemorySegment b, long bOff, long ldb, int k, int cols) {
        for (int kk = 0; kk < k; kk++) {
            int d = dOff + kk * NR;
            MemorySegment.copy(b, Elements.F32, (bOff + kk * ldb) * 4, dst, d, cols);
            for (int j = cols; j < NR; j++) dst[d + j] = 0f;
        }
    }

    /**
     * One panel of a transposed fp32 B: {@code dst[dOff + kk·NR + j] = b[bOff + j·ldb + kk]} for kk in [0, k) and
     * j in [0, cols) (cols 1 to NR), zero for j in [cols, NR).
     */
    default void gemmPackPanelT(float[] dst, int dOff, MemorySegment b, long bOff, long ldb, int k, int cols) {
        for (int j = 0; j < cols; j++) {
            long src = bOff + j * ldb;
            for (int kk = 0, d = dOff + j; kk < k; kk++, d += NR) dst[d] = b.getAtIndex(Elements.F32, src + kk);
        }
        for (int j = cols; j < NR; j++) for (int kk = 0; kk < k; kk++) dst[dOff + kk * NR + j] = 0f;
    }

    /**
     * Lands an edge tile's raw sums: {@code C[r][j] = alpha·tile[r·NR + j] + beta·C[r][j]} for {@code rows × cols}
     * from element {@code cOff} of C (row stride {@code ldc}); C is not read when beta = 0.
     */
    default void gemmMerge(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        CpuGemm.merge(tile, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /**
     * A tile with both operands read in place: {@code rows} (1 to R) rows of fp32 A as in {@link #gemmTileRowsA}, and
     * NR columns of fp32 B, row-major in {@code b} from element {@code bOff} with row stride {@code ldb} (the tile
     * reads {@code kc} rows of NR elements). Writes {@code rows} rows of NR columns of C: alpha·sums + beta·C,
     * {@code beta == 0} never reads C.
     */
    default void gemmTileRowsAB(int kc, MemorySegment a, long aOff, long lda, int rows, MemorySegment b, long bOff,
                                long ldb, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        for (int r = 0; r < rows; r++) {
            long ar = aOff + r * lda, row = cOff + r * ldc;
            for (int j = 0; j < NR; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) {
                    acc = Math.fma(a.getAtIndex(Elements.F32, ar + p), b.getAtIndex(Elements.F32, bOff + p * ldb + j), acc);
                }
                float v = alpha * acc;
                if (beta != 0f) v += beta * c.getAtIndex(Elements.F32, row + j);
                c.setAtIndex(Elements.F32, row + j, v);
            }
        }
    }

    /**
     * MR×NR tile with A row-major: {@code out[r·ldo + c] (+)= Σ_k a[aOff + r·lda + k]·b[bOff + k·NR + c]}.
     * Used by attention for Q·Kᵀ (overwrite) and P·V (accumulate).
     */
    void tileRowMajor(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
                      float[] out, int outOff, int ldo, boolean accumulate);

    /** In place on one fp32 row of C: {@code c = act(c + bias)}; {@code bias} may be null. */
    void epilogue(MemorySegment c, long cOff, int n, MemorySegment bias, long biasOff, Activation act);

    /** {@code out[j] = Σ_{p<k} a[aOff+p]·b[p·ldb + j]} for j in [0, n), int8 inputs, int32 sums. */
    void s8Gemv(byte[] a, int aOff, int k, byte[] b, int ldb, int n, int[] out);

    /**
     * Maximum of {@code x[off..off+n)}; -∞ when n = 0. A NaN element may be skipped, but a row with nothing above
     * −∞ and a NaN gives NaN (never the −∞ of a fully masked row).
     */
    float max(float[] x, int off, int n);

    /**
     * {@code x = exp(x - max)} in place; returns the sum. {@code max} must be at least every element (the row's max,
     * as softmax passes it): implementations may skip the overflow side of exp. Results below e^−87.3 may be 0.
     */
    float expSum(float[] x, int off, int n, float max);

    /** {@code x = x·scale + add} in place ({@code add} may be null). */
    void scaleAdd(float[] x, int off, int n, float scale, float[] add, int addOff);

    /** {@code x *= f}. */
    void scale(float[] x, int off, int n, float f);

    /** Dot product. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * Scores against fp32 rows read in place: {@code s[sOff + j] = Σ_{p<d} q[qOff + p]·k[kOff + j·kStride + p]} for
     * j in [0, rows); k is an fp32 segment, offsets and stride in elements, each row contiguous.
     */
    void dotRows(float[] q, int qOff, MemorySegment k, long kOff, long kStride, int rows, int d, float[] s, int sOff);

    /** {@code o[oOff + p] += Σ_{j<rows} w[wOff + j]·v[vOff + j·vStride + p]} for p in [0, d); v as in {@link #dotRows}. */
    void axpyRows(float[] w, int wOff, MemorySegment v, long vOff, long vStride, int rows, int d, float[] o, int oOff);

    /** {@code y += alpha·x}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    // ------------------------------------------------------------------------------- dense fp32 fast paths
    // Segments hold fp32; offsets are in elements; every tensor is dense. Nothing is allocated per call.

    /** Element-wise binary ops of the dense fp32 fast path. */
    enum Binary { ADD, SUB, MUL, DIV }

    /** Element-wise unary ops of the dense fp32 fast path. RELU keeps NaN (as {@code Math.max(x, 0)}). */
    enum Unary { SILU, GELU_TANH, GELU_ERF, RELU, EXP }

    /** {@code out[i] = a[i] op b[i]} for i in [0, n); out may alias a or b element for element. */
    void binary(Binary op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    /** {@code out[i] = op(x[i])} for i in [0, n); out may alias x. */
    void unary(Unary op, MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /**
     * Layer norm ({@code center}: subtract the row mean) or RMS norm over {@code rows} dense rows of {@code d}:
     * {@code out = (x − mean)·rsqrt(Σ(x − mean)²/d + eps)·gamma + beta}; gamma and beta (fp32, d long, from element
     * 0) may be null. Row sums are accumulated in fp32.
     */
    void normRows(boolean center, MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                  MemorySegment gamma, MemorySegment beta, double eps);

    /** Softmax over each of {@code rows} dense rows of {@code n}; out may alias x. */
    void softmaxRows(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int n);
}
