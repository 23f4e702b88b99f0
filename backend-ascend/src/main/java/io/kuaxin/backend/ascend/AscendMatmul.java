package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.StreamScratch;

import java.util.Arrays;

/**
 * {@code out = epilogue(alpha·op(a)·op(b) + beta·c + bias)} on aclnn.
 *
 * <p>The product runs on {@code aclnnMatmul} (rank 2 and rank > 3) or {@code aclnnBatchMatMul} (rank 3); a
 * transpose is a stride swap in the view, never a copy. The rest is a chain of vendor ops on the same stream:
 * {@code aclnnMul} by a device scalar for alpha, {@code aclnnAdd} with alpha = beta for {@code c},
 * {@code aclnnAdd} for the bias, {@code aclnnRelu}/{@code aclnnGeluV2}/{@code aclnnSilu} for the epilogue, and
 * {@code aclnnCast} when the output dtype is not the chain's. A chain (any of alpha, c, bias, epilogue) runs in
 * f32 and rounds once into an f16/bf16 output, as the fused kernels Kuaxin's oracle models do; f64 outputs are a
 * final cast too. With {@code c} the product goes to a stream temporary first, since {@code out} may be {@code c}.
 *
 * <p>cubeMathType is chosen per SoC unless {@code kuaxin.ascend.cubeMathType} names one: KEEP_DTYPE (0), so an f32
 * matmul stays f32 on the cube unit (what a caller asking for f32 expects and what the conformance tolerances
 * assume), except for f32 inputs on the Ascend 910 (A) and 310P, whose cube units do not support KEEP_DTYPE for
 * FLOAT32 (V: cann-ops aclnnMatmul.md): there it is ALLOW_FP32_DOWN_PRECISION (1), as torch_npu passes, which
 * computes f32 in f16, and the provenance says so. f16/bf16 run natively either way.
 *
 * <p>The plain product (no alpha, c, bias, epilogue or cast) goes through the stream's {@link ExecutorCache}.
 */
final class AscendMatmul {
    private AscendMatmul() {}

    static final int KEEP_DTYPE = 0, ALLOW_FP32_DOWN_PRECISION = 1;

    /**
     * Whether the SoC's cube unit lacks FLOAT32 KEEP_DTYPE: the Ascend 910 (A) family and the 310P (V: cann-ops
     * aclnnMatmul.md; the SoC names {@code Ascend910A/ProA/ProB/PremiumA}, {@code Ascend310P*} are U).
     */
    static boolean lacksFp32KeepDtype(String soc) {
        return soc.matches("Ascend910(A|ProA|ProB|PremiumA)?(-.*)?") || soc.startsWith("Ascend310P");
    }

    /** The cubeMathType for {@code input} on {@code soc}: {@code kuaxin.ascend.cubeMathType} if set, else per SoC. */
    static int cubeMathType(DType input, String soc) {
        Integer override = Integer.getInteger("kuaxin.ascend.cubeMathType");
        if (override != null) return override;
        return input == DType.F32 && lacksFp32KeepDtype(soc) ? ALLOW_FP32_DOWN_PRECISION : KEEP_DTYPE;
    }

    /** The default for f32 inputs on {@code soc}, for the device's description. */
    static int cubeMathType(String soc) { return cubeMathType(DType.F32, soc); }

    static String execute(AscendStream st, KernelCall c) {
        MatmulAttrs at = (MatmulAttrs) c.attributes();
        TensorRef out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        TensorRef a = transposed(c.input(0), at.transA()), b = transposed(c.input(1), at.transB());
        DType outT = out.dtype();
        boolean steps = at.alpha() != 1f || at.hasC() || at.hasBias() || at.epilogue() != Epilogue.NONE;
        // a chain rounds once: it runs in f32 and is cast to a half-precision output at the end
        DType computeT = AscendOps.isDeviceFloat(outT) && !(steps && outT != DType.F32) ? outT : DType.F32;
        long[] shape = out.shape();
        long bytes = out.numel() * computeT.byteSize();
        boolean cast = computeT != outT;
        // result R: out itself unless a cast follows; product P: R unless c must be added from a temporary
        TensorRef r = cast ? dense(st.scratch.get(StreamScratch.TEMP1, bytes), computeT, shape) : out;
        TensorRef p = at.hasC() ? dense(st.scratch.get(StreamScratch.TEMP0, bytes), computeT, shape) : r;
        String kernel = product(st, a, b, p);
        StringBuilder k = new StringBuilder(kernel);
        if (at.alpha() != 1f) {
            TensorRef alpha = new TensorRef(st.dev.constants.filled(computeT, 1, at.alpha()), computeT,
                    new long[] {1}, new long[] {1});
            AscendElementwise.binary(st, "aclnnMul", p, alpha, p);
            k.append("+aclnnMul(alpha)");
        }
        if (at.hasC()) {
            AscendElementwise.addScaled(st, p, c.input(at.cIndex()), at.beta(), r);
            k.append("+aclnnAdd(beta·c)");
        }
        if (at.hasBias()) {
            AscendElementwise.binary(st, "aclnnAdd", r, c.input(at.biasIndex()), r);
            k.append("+aclnnAdd(bias)");
        }
        switch (at.epilogue()) {
            case NONE -> { }
            case RELU -> k.append('+').append(AscendElementwise.unary(st, "aclnnRelu", r, r));
            case SILU -> k.append('+').append(AscendElementwise.unary(st, "aclnnSilu", r, r));
            case GELU_TANH -> k.append('+').append(AscendElementwise.gelu(st, r, r, true));
            case GELU_ERF -> k.append('+').append(AscendElementwise.gelu(st, r, r, false));
        }
        if (cast) k.append('+').append(AscendElementwise.cast(st, r, out, outT));
        return k.toString();
    }

    /** {@code p = a·b} (a, b already transposed by strides). Cached: see {@link ExecutorCache}. */
    private static String product(AscendStream st, TensorRef a, TensorRef b, TensorRef p) {
        AscendSymbols s = st.dev.s;
        String op = p.rank() == 3 ? "aclnnBatchMatMul" : "aclnnMatmul";
        String soc = st.dev.soc();
        byte cube = (byte) cubeMathType(a.dtype(), soc);
        String key = op + cube + layout(a) + layout(b) + layout(p);
        Aclnn.runCached(st, op, key, new long[] {a.address(), b.address()}, new long[] {p.address()},
                (args, ws, ex) -> {
                    var x = args.tensor(a);
                    var y = args.tensor(b);
                    var o = args.tensor(p);
                    return op.equals("aclnnBatchMatMul")
                            ? (int) s.batchMatMulWs.invokeExact(x, y, o, cube, ws, ex)
                            : (int) s.matmulWs.invokeExact(x, y, o, cube, ws, ex);
                });
        if (cube == KEEP_DTYPE) return op;
        return op + "(cubeMathType " + cube + (cube == ALLOW_FP32_DOWN_PRECISION && a.dtype() == DType.F32
                ? (lacksFp32KeepDtype(soc) ? ": f32 computed in f16 on " : ": f32 computed in hf32 on ") + soc : "")
                + ")";
    }

    private static String layout(TensorRef t) {
        return t.dtype() + Arrays.toString(t.shape()) + Arrays.toString(t.strides());
    }

    /** The view of op(x): the last two dimensions swapped by strides when {@code trans}. */
    static TensorRef transposed(TensorRef x, boolean trans) {
        if (!trans) return x;
        long[] sh = x.shape().clone(), st = x.strides().clone();
        int n = sh.length;
        long t = sh[n - 1];
        sh[n - 1] = sh[n - 2];
        sh[n - 2] = t;
        t = st[n - 1];
        st[n - 1] = st[n - 2];
        st[n - 2] = t;
        return new TensorRef(x.address(), x.dtype(), sh, st);
    }

    static TensorRef dense(long address, DType dtype, long[] shape) {
        return new TensorRef(address, dtype, shape, AclArgs.denseStrides(shape));
    }
}
