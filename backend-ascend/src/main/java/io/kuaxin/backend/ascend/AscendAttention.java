package io.kuaxin.backend.ascend;

import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.DeviceConstants;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Scaled dot-product attention on aclnn, layout BNSD (Kuaxin's {@code [B, H, L, D]}, strides passed through):
 * <ul>
 *   <li>prefill ({@code Lq > 1}): {@code aclnnPromptFlashAttentionV3}; causal is sparseMode 3 (bottom-right, the
 *       diagonal aligned to the end of the valid keys, as Kuaxin defines it) with the compressed 2048x2048 causal
 *       mask that mode requires (a NULL mask is invalid there), otherwise sparseMode 0 with pre/next tokens
 *       unbounded and no mask;</li>
 *   <li>decode ({@code Lq = 1}): {@code aclnnIncreFlashAttentionV4} with one-tensor key/value lists (no paging);
 *       an end-aligned causal mask lets the single query see every valid key, so causal needs nothing more.</li>
 * </ul>
 * GQA/MQA: {@code numKeyValueHeads = Hkv}. kvLengths: aclnn takes actual lengths as a host {@code aclIntArray},
 * so the i32 device tensor is read back first (a stream synchronisation, as torch_npu does with
 * {@code .tolist()}), clamped to {@code [0, Lkv]}. innerPrecise 0 (high precision) in both ops.
 */
final class AscendAttention {
    private AscendAttention() {}

    private static final long UNBOUNDED = Integer.MAX_VALUE;

    static String execute(AscendStream st, KernelCall c) {
        AttentionAttrs at = (AttentionAttrs) c.attributes();
        TensorRef q = c.input(0), k = c.input(1), v = c.input(2), out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        long lkv = k.shape()[2];
        if (lkv == 0) { // no keys at all: every row sees nothing and is zero
            st.fill(out.address(), out.numel() * out.dtype().byteSize(), (byte) 0);
            return "aclrtMemsetAsync(no keys)";
        }
        long[] lens = at.hasKvLens() ? kvLengths(st, c.input(at.kvLensIndex()), lkv) : null;
        long hq = q.shape()[1], hkv = k.shape()[1];
        AscendSymbols s = st.dev.s;
        if (q.shape()[2] == 1) {
            Aclnn.run(st, "aclnnIncreFlashAttentionV4", (a, ws, ex) -> {
                MemorySegment n = MemorySegment.NULL;
                MemorySegment query = a.tensor(q);
                MemorySegment keys = a.tensorList(a.tensor(k));
                MemorySegment values = a.tensorList(a.tensor(v));
                MemorySegment seq = lens == null ? n : a.intArray(lens);
                return (int) s.ifaV4Ws.invokeExact(query, keys, values, n, n, seq, n, n, n, n, n, n, n, n, n, hq,
                        (double) at.scale(), a.cString("BNSD"), hkv, 0L, 0L, a.tensor(out), ws, ex);
            });
            return "aclnnIncreFlashAttentionV4";
        }
        long sparse = at.causal() ? 3 : 0;
        long side = CAUSAL_MASK_SIDE;
        long mask = at.causal() ? compressedCausalMask(st.dev.constants) : 0;
        Aclnn.run(st, "aclnnPromptFlashAttentionV3", (a, ws, ex) -> {
            MemorySegment n = MemorySegment.NULL;
            MemorySegment seqKv = lens == null ? n : a.intArray(lens);
            MemorySegment attenMask = mask == 0 ? n
                    : a.tensor(mask, io.kuaxin.DType.BOOL, new long[]{side, side}, new long[]{side, 1});
            return (int) s.pfaV3Ws.invokeExact(a.tensor(q), a.tensor(k), a.tensor(v), n, attenMask, n, seqKv, n, n, n,
                    n, n, hq, (double) at.scale(), UNBOUNDED, UNBOUNDED, a.cString("BNSD"), hkv, sparse, 0L,
                    a.tensor(out), ws, ex);
        });
        return "aclnnPromptFlashAttentionV3(sparseMode " + sparse + ")";
    }

    /** Side of the compressed causal mask sparse modes 2-4 of aclnnPromptFlashAttentionV3 take. */
    static final int CAUSAL_MASK_SIDE = 2048;

    /**
     * The compressed causal mask: {@code bool [2048, 2048]}, 1 (masked) strictly above the diagonal, which
     * {@code aclnnPromptFlashAttentionV3} requires for sparseMode 2, 3 and 4 whatever the sequence lengths (V:
     * ops-transformer aclnnPromptFlashAttentionV3.md; torch_npu builds it as {@code triu(ones(2048, 2048), 1)}).
     */
    static long compressedCausalMask(DeviceConstants constants) {
        long n = CAUSAL_MASK_SIDE;
        return constants.get("causal-mask-" + CAUSAL_MASK_SIDE, n * n, host -> {
            for (long i = 0; i < n; i++) host.asSlice(i * n + i + 1, n - i - 1).fill((byte) 1);
        });
    }

    /** Reads the i32 [B] lengths after the work that produced them, clamped to [0, lkv]. */
    private static long[] kvLengths(AscendStream st, TensorRef lens, long lkv) {
        int b = (int) lens.numel();
        long[] r = new long[b];
        if (b == 0) return r;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment host = st.dev.allocateHost((long) b * 4, arena);
            long stride = lens.strides()[0];
            for (int i = 0; i < b; i++) { // lengths may be a strided view: copy element by element when so
                if (stride == 1) {
                    st.copyDeviceToHost(lens.address(), host, (long) b * 4);
                    break;
                }
                st.copyDeviceToHost(lens.address() + i * stride * 4, host.asSlice(i * 4L, 4), 4);
            }
            st.synchronize();
            for (int i = 0; i < b; i++) r[i] = Math.max(0, Math.min(lkv, host.getAtIndex(JAVA_INT, i)));
        }
        return r;
    }
}
