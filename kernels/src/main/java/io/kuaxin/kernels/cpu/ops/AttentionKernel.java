package io.kuaxin.kernels.cpu.ops;

import io.kuaxin.DType;
import io.kuaxin.kernels.cpu.CpuAttention;
import io.kuaxin.kernels.cpu.StridedTensor;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ATTENTION on the CPU through the flash kernel ({@link CpuAttention}): q/k/v read through their strides (halves
 * widened per tile), fp32 online softmax; the mask arrives expanded to {@code [B, Hq, Lq, Lkv]}.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    public static void run(AttentionAttrs at, TensorRef q, TensorRef k, TensorRef v, TensorRef mask, TensorRef kvLens,
                           TensorRef out) {
        int b = (int) q.shape()[0], hq = (int) q.shape()[1], lq = (int) q.shape()[2], d = (int) q.shape()[3];
        int hkv = (int) k.shape()[1], lkv = (int) k.shape()[2];
        if (b == 0 || hq == 0 || lq == 0) return;
        boolean direct = out.dtype() == DType.F32;
        MemorySegment mo = out.segment();
        MemorySegment acc = direct ? mo : MemorySegment.ofArray(new float[Math.multiplyExact(b * hq * lq, d)]);
        // views made once per tensor and kept by its ref: a call on the same tensors allocates none
        StridedTensor o = direct ? view(out) : StridedTensor.dense(acc, DType.F32, b, hq, lq, d);
        StridedTensor m = mask == null ? null : view(mask);
        int[] lens = null;
        if (kvLens != null) {
            lens = new int[b];
            MemorySegment ml = kvLens.segment();
            for (int i = 0; i < b; i++) {
                lens[i] = Math.max(0, ml.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i * kvLens.strides()[0]));
            }
        }
        CpuAttention.attention(view(q), view(k), view(v), o, b, hq, hkv, lq, lkv, d, at.scale(), at.causal(),
                m, null, lens);
        if (!direct) {
            double[] row = new double[d];
            long total = (long) b * hq * lq * d;
            for (long e = 0; e < total; e += d) {
                for (int j = 0; j < d; j++) row[j] = acc.getAtIndex(ValueLayout.JAVA_FLOAT, e + j);
                Access.store(mo, out.dtype(), e, 1, d, row);
            }
        }
    }

    /** {@link #strided}, kept by the ref; not an f64 tensor's, whose view is a copy of values that may change. */
    private static StridedTensor view(TensorRef t) {
        return t.dtype() == DType.F64 ? strided(t) : t.derived(StridedTensor.class, AttentionKernel::strided);
    }

    /** A 4-D strided view; f64 masks are narrowed to a dense f32 copy (the flash kernel reads f32/f16/bf16). */
    private static StridedTensor strided(TensorRef t) {
        long[] s = t.strides();
        if (t.dtype() == DType.F64) {
            long[] sh = t.shape();
            float[] dense = new float[Math.toIntExact(t.numel())];
            long[] rows = Rows.bases(sh, s, 3);
            double[] v = new double[(int) sh[3]];
            for (int r = 0; r < rows.length; r++) {
                Access.load(t.segment(), DType.F64, rows[r], s[3], v.length, v);
                for (int j = 0; j < v.length; j++) dense[r * v.length + j] = (float) v[j];
            }
            return StridedTensor.dense(MemorySegment.ofArray(dense), DType.F32,
                    (int) sh[0], (int) sh[1], (int) sh[2], (int) sh[3]);
        }
        DType kt = switch (t.dtype()) {
            case F16, BF16 -> t.dtype();
            default -> DType.F32;
        };
        MemorySegment seg = t.segment();
        if (seg == MemorySegment.NULL) seg = MemorySegment.ofArray(new float[1]); // empty view: never read
        return new StridedTensor(seg, kt, 0, s[0], s[1], s[2], s[3]);
    }
}
