package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attention on {@code cnnlFlashAttentionForward} in its packed (varlen) layout: q {@code [T, Hq, D]}, k/v
 * {@code [T, Hkv, D]}, sequences delimited by int32 {@code cu_seqlens}. Kuaxin's {@code [B, H, L, D]} views of any
 * strides cannot in general be flattened to {@code [B·L, H, D]}, so each batch is one call on a strided
 * {@code [L, H, D]} view of that batch (no copies), with {@code cu_seqlens} {@code [0, Lq]} and {@code [0, n]}
 * from the device constant pool. kvLengths are read back to the host (a queue synchronisation) and narrow each
 * batch's keys to its {@code n}; a batch with no keys gets zeros. Causal uses CNNL_ATTN_MASK_CAUSAL, whose
 * bottom-right alignment matches Kuaxin's end-aligned diagonal. fp32 compute, no dropout, no softmax output.
 */
final class CnnlAttention {
    private CnnlAttention() {}

    static final int MASK_NONE = 0, MASK_CAUSAL = 1, ACTIVATION_HIGH_PRECISION = 1;

    static String execute(CambriconStream q, KernelCall c) {
        AttentionAttrs at = (AttentionAttrs) c.attributes();
        TensorRef qr = c.input(0), k = c.input(1), v = c.input(2), out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        long b = qr.shape()[0], lq = qr.shape()[2], lkv = k.shape()[2];
        long[] lens = new long[(int) b];
        java.util.Arrays.fill(lens, lkv);
        if (at.hasKvLens()) lens = kvLengths(q, c.input(at.kvLensIndex()), lkv);
        CambriconSymbols s = q.dev.s;
        int es = qr.dtype().byteSize();
        long batchOut = out.numel() / b;
        try (CnnlDescs d = new CnnlDescs(s)) {
            MemorySegment fa = d.create(s.cnnlCreateFlashAttentionDescriptor, s.cnnlDestroyFlashAttentionDescriptor,
                    "cnnlCreateFlashAttentionDescriptor");
            for (int z = 0; z < b; z++) {
                long n = lens[z];
                if (n == 0) {
                    q.fill(out.address() + z * batchOut * es, batchOut * es, (byte) 0);
                    continue;
                }
                TensorRef qb = packed(qr, z, lq), kb = packed(k, z, n), vb = packed(v, z, n), ob = packed(out, z, lq);
                s.errors.checkCnnl((int) s.cnnlSetFlashAttentionDescriptor.invokeExact(fa,
                        CnnlElementwise.CNNL_DTYPE_FLOAT, ACTIVATION_HIGH_PRECISION, at.causal() ? MASK_CAUSAL : MASK_NONE,
                        true, false, false, (int) lq, (int) n, 0f, at.scale()), "cnnlSetFlashAttentionDescriptor");
                MemorySegment qd = d.tensor(qb), kd = d.tensor(kb), vd = d.tensor(vb), od = d.tensor(ob);
                long cuQ = q.dev.constants.of(DType.I32, 0, lq), cuK = q.dev.constants.of(DType.I32, 0, n);
                MemorySegment cuD = d.tensor(DType.I32, new long[] {2}, new long[] {1});
                MemorySegment wsSize = d.longs(0);
                s.errors.checkCnnl((int) s.cnnlGetFlashAttentionForwardWorkspaceSize.invokeExact(q.cnnl, fa, qd, kd,
                        vd, wsSize), "cnnlGetFlashAttentionForwardWorkspaceSize");
                long wsn = wsSize.get(JAVA_LONG, 0);
                MemorySegment ws = Native.ptr(q.scratch.get(StreamScratch.WORKSPACE, wsn));
                MemorySegment n0 = MemorySegment.NULL;
                s.errors.checkCnnl((int) s.cnnlFlashAttentionForward.invokeExact(q.cnnl, fa, qd,
                        Native.ptr(qb.address()), kd, Native.ptr(kb.address()), vd, Native.ptr(vb.address()), cuD,
                        Native.ptr(cuQ), cuD, Native.ptr(cuK), n0, ws, wsn, n0, n0, n0, n0, od,
                        Native.ptr(ob.address())), "cnnlFlashAttentionForward");
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return "cnnlFlashAttentionForward(" + (at.causal() ? "causal" : "none") + ", per batch)";
    }

    /** Batch {@code z} of a {@code [B, H, L, D]} view as {@code [rows, H, D]} (first {@code rows} of L). */
    private static TensorRef packed(TensorRef t, int z, long rows) {
        long[] st = t.strides();
        return new TensorRef(t.address() + z * st[0] * t.dtype().byteSize(), t.dtype(),
                new long[] {rows, t.shape()[1], t.shape()[3]}, new long[] {st[2], st[1], st[3]});
    }

    private static long[] kvLengths(CambriconStream q, TensorRef lens, long lkv) {
        int b = (int) lens.numel();
        long[] r = new long[b];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment host = q.dev.allocateHost(Math.max(4, (long) b * 4), arena);
            long stride = lens.strides()[0];
            for (int i = 0; i < b; i++) {
                q.copyDeviceToHost(lens.address() + i * stride * 4, host.asSlice(i * 4L, 4), 4);
            }
            q.synchronize();
            for (int i = 0; i < b; i++) r[i] = Math.max(0, Math.min(lkv, host.getAtIndex(JAVA_INT, i)));
        }
        return r;
    }
}
