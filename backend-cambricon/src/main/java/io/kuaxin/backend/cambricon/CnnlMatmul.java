package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code out = epilogue(alpha·op(a)·op(b) + beta·c + bias)} on CNNL.
 *
 * <ul>
 *   <li>Rank 2: {@code cnnlMatMul_v2} with TRANSA/TRANSB, fp32 compute, and {@code c} as its C operand with
 *       USE_BETA (C and D may alias, so {@code out = c} in place works).</li>
 *   <li>Rank ≥ 3: {@code cnnlBatchMatMulEx}, which accumulates into its C: in place when {@code out} is {@code c};
 *       otherwise the product goes to {@code out} and {@code cnnlOpTensor} adds {@code beta·c}.</li>
 *   <li>Bias: {@code cnnlOpTensor} ADD; epilogue: {@code cnnlActivationForward} (RELU, SILU, GELU erf).</li>
 * </ul>
 * A chain (alpha, c, bias or epilogue) with an f16/bf16 output runs in an f32 temporary and is cast once at the
 * end. GELU-tanh is composed from cnnlOpTensor and the TANH activation. Descriptors and the heuristic's algorithm
 * are cached per queue ({@link MatmulPlans}). An output dtype other than f32/f16/bf16 is refused with
 * {@link UnsupportedOpException} (see {@link CambriconOps}).
 */
final class CnnlMatmul {
    private CnnlMatmul() {}

    static final int ATTR_COMPUTE_TYPE = 0, ATTR_TRANSA = 3, ATTR_TRANSB = 4, ATTR_USE_BETA = 11;

    /** Whether the call is a chain (alpha, c, bias, epilogue) into a half-precision output, which ends in a cast. */
    static boolean needsCast(MatmulAttrs at) {
        boolean steps = at.alpha() != 1f || at.hasC() || at.hasBias() || at.epilogue() != Epilogue.NONE;
        return steps && at.outDtype() != DType.F32;
    }

    /** The inputs' dtypes, for a refusal's message only: the call itself reads its inputs in place. */
    private static List<DType> dtypes(KernelCall c) {
        DType[] d = new DType[c.inputCount()];
        for (int i = 0; i < d.length; i++) d[i] = c.input(i).dtype();
        return List.of(d);
    }

    static String execute(CambriconStream q, KernelCall c) {
        MatmulAttrs at = (MatmulAttrs) c.attributes();
        TensorRef a = c.input(0), b = c.input(1), out = c.output(0);
        String dev = "mlu:" + q.dev.ordinal;
        if (!CambriconOps.isDeviceFloat(out.dtype())) {
            throw new UnsupportedOpException("matmul", dtypes(c), dev, "CNNL matmul writes f32, f16 or bf16, not "
                    + out.dtype().label());
        }
        if (out.numel() == 0) return "none (empty)";
        TensorRef cIn = at.hasC() ? c.input(at.cIndex()) : null;
        // a chain rounds once: it runs in an f32 temporary and is cast to a half-precision output at the end
        boolean viaF32 = needsCast(at);
        if (viaF32) {
            throw new UnsupportedOpException("matmul", dtypes(c), dev, CambriconOps.CAST_VALUES_UNKNOWN);
        }
        TensorRef r = viaF32 ? dense(q.scratch.get(StreamScratch.TEMP0, out.numel() * 4), DType.F32, out.shape()) : out;
        StringBuilder k = new StringBuilder();
        if (out.rank() == 2) {
            product(q, a, b, cIn, r, at, false, at.beta());
            k.append("cnnlMatMul_v2");
        } else {
            boolean inPlace = cIn != null && cIn.address() == r.address() && Arrays.equals(cIn.strides(), r.strides());
            product(q, a, b, inPlace ? r : null, r, at, true, inPlace ? at.beta() : 0f);
            k.append("cnnlBatchMatMulEx");
            if (cIn != null && !inPlace) {
                CnnlElementwise.opTensor(q, CnnlElementwise.OP_ADD, r, 1f, cIn, at.beta(), r);
                k.append("+cnnlOpTensor(beta·c)");
            }
        }
        if (at.hasBias()) {
            k.append('+').append(CnnlElementwise.opTensor(q, CnnlElementwise.OP_ADD, r, 1f,
                    c.input(at.biasIndex()), 1f, r));
        }
        switch (at.epilogue()) {
            case RELU -> k.append('+').append(CnnlElementwise.activation(q, CnnlElementwise.ACT_RELU, r, r));
            case SILU -> k.append('+').append(CnnlElementwise.activation(q, CnnlElementwise.ACT_SILU, r, r));
            case GELU_ERF -> k.append('+').append(CnnlElementwise.activation(q, CnnlElementwise.ACT_GELU, r, r));
            case GELU_TANH -> k.append('+').append(geluTanh(q, r));
            case NONE -> { }
        }
        if (viaF32) k.append('+').append(CnnlElementwise.cast(q, r, out, out.dtype()));
        return k.toString();
    }

    /**
     * {@code x = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))} in place on an f32 dense {@code x}, from cnnlOpTensor
     * and the TANH activation (CNNL's GELU activation is the erf form).
     */
    private static String geluTanh(CambriconStream q, TensorRef x) {
        float k = (float) Math.sqrt(2 / Math.PI);
        TensorRef t = dense(q.scratch.get(StreamScratch.TEMP1, x.numel() * 4), DType.F32, x.shape());
        TensorRef one = new TensorRef(q.dev.constants.of(DType.F32, 1.0), DType.F32, new long[] {1}, new long[] {1});
        CnnlElementwise.opTensor(q, CnnlElementwise.OP_MUL, x, 1f, x, 1f, t);                // x²
        CnnlElementwise.opTensor(q, CnnlElementwise.OP_MUL, t, 1f, x, 1f, t);                // x³
        CnnlElementwise.opTensor(q, CnnlElementwise.OP_ADD, x, k, t, k * 0.044715f, t);      // k·(x + 0.044715·x³)
        CnnlElementwise.activation(q, CnnlElementwise.ACT_TANH, t, t);
        CnnlElementwise.opTensor(q, CnnlElementwise.OP_ADD, t, 0.5f, one, 0.5f, t);          // 0.5·(1 + tanh)
        CnnlElementwise.opTensor(q, CnnlElementwise.OP_MUL, x, 1f, t, 1f, x);
        return "gelu_tanh(cnnlOpTensor×5+cnnlActivationForward(tanh))";
    }

    /** One matmul call through the queue's plan cache; {@code cIn} null means beta unused. */
    private static void product(CambriconStream q, TensorRef a, TensorRef b, TensorRef cIn, TensorRef out,
                                MatmulAttrs at, boolean batched, float beta) {
        CambriconSymbols s = q.dev.s;
        boolean useBeta = cIn != null;
        String key = (batched ? "bmm" : "mm") + at.transA() + at.transB() + useBeta + layout(a) + layout(b)
                + (useBeta ? layout(cIn) : "") + layout(out);
        MatmulPlans.Plan p = q.plans.get(key);
        if (p == null) {
            p = plan(q, a, b, cIn, out, at.transA(), at.transB(), batched);
            q.plans.put(key, p);
        }
        long ws = q.scratch.get(StreamScratch.WORKSPACE, p.workspaceSize());
        try (CnnlDescs d = new CnnlDescs(s)) {
            MemorySegment alpha = d.floats(at.alpha()), betaV = d.floats(beta);
            int st;
            if (batched) {
                st = (int) s.cnnlBatchMatMulEx.invokeExact(q.cnnl, p.matmul(), p.algo(), alpha, p.a(),
                        Native.ptr(a.address()), p.b(), Native.ptr(b.address()), betaV, p.d(),
                        Native.ptr(out.address()), Native.ptr(ws), p.workspaceSize());
            } else {
                st = (int) s.cnnlMatMul_v2.invokeExact(q.cnnl, p.matmul(), p.algo(), alpha, p.a(),
                        Native.ptr(a.address()), p.b(), Native.ptr(b.address()), betaV, p.c(),
                        Native.ptr(useBeta ? cIn.address() : out.address()), Native.ptr(ws), p.workspaceSize(), p.d(),
                        Native.ptr(out.address()));
            }
            s.errors.checkCnnl(st, batched ? "cnnlBatchMatMulEx" : "cnnlMatMul_v2");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static MatmulPlans.Plan plan(CambriconStream q, TensorRef a, TensorRef b, TensorRef cIn, TensorRef out,
                                         boolean ta, boolean tb, boolean batched) {
        CambriconSymbols s = q.dev.s;
        CnnlDescs d = new CnnlDescs(s);
        try {
            MemorySegment mm = d.create(s.cnnlCreateMatMulDescriptor, s.cnnlDestroyMatMulDescriptor,
                    "cnnlCreateMatMulDescriptor");
            setAttr(d, mm, ATTR_COMPUTE_TYPE, CnnlElementwise.CNNL_DTYPE_FLOAT); // accumulate in fp32
            setAttr(d, mm, ATTR_TRANSA, ta ? 1 : 0);
            setAttr(d, mm, ATTR_TRANSB, tb ? 1 : 0);
            setAttr(d, mm, ATTR_USE_BETA, cIn != null ? 1 : 0);
            MemorySegment algo = d.create(s.cnnlCreateMatMulAlgo, s.cnnlDestroyMatMulAlgo, "cnnlCreateMatMulAlgo");
            MemorySegment result = d.create(s.cnnlCreateMatMulHeuristicResult, s.cnnlDestroyMatMulHeuristicResult,
                    "cnnlCreateMatMulHeuristicResult");
            MemorySegment ad = d.tensor(a), bd = d.tensor(b), od = d.tensor(out);
            MemorySegment cd = cIn != null ? d.tensor(cIn) : od;
            MemorySegment results = d.arena.allocate(ADDRESS), count = d.arena.allocate(JAVA_INT);
            results.set(ADDRESS, 0, result);
            MemorySegment ws = d.arena.allocate(JAVA_LONG);
            if (batched) {
                s.errors.checkCnnl((int) s.cnnlGetBatchMatMulExAlgoHeuristic.invokeExact(q.cnnl, mm, ad, bd, od,
                        MemorySegment.NULL, 1, results, count), "cnnlGetBatchMatMulExAlgoHeuristic");
                s.errors.checkCnnl((int) s.cnnlGetBatchMatMulExHeuristicResult.invokeExact(result, algo, ws),
                        "cnnlGetBatchMatMulExHeuristicResult");
            } else {
                s.errors.checkCnnl((int) s.cnnlGetMatMulAlgoHeuristic.invokeExact(q.cnnl, mm, ad, bd, cd, od,
                        MemorySegment.NULL, 1, results, count), "cnnlGetMatMulAlgoHeuristic");
                s.errors.checkCnnl((int) s.cnnlGetMatMulHeuristicResult.invokeExact(result, algo, ws),
                        "cnnlGetMatMulHeuristicResult");
            }
            if (count.get(JAVA_INT, 0) < 1) {
                throw new io.kuaxin.VendorException(CambriconSymbols.BACKEND, "cnnlGetMatMulAlgoHeuristic", 0,
                        "the heuristic returned no algorithm for " + layout(a) + " x " + layout(b));
            }
            return new MatmulPlans.Plan(d, mm, algo, ad, bd, cd, od, ws.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            d.close();
            throw Native.rethrow(t);
        }
    }

    private static void setAttr(CnnlDescs d, MemorySegment mm, int attr, int value) {
        MemorySegment v = d.arena.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        int st = Native.status(() -> (int) d.s().cnnlSetMatMulDescAttr.invokeExact(mm, attr, v, 4L));
        d.s().errors.checkCnnl(st, "cnnlSetMatMulDescAttr");
    }

    private static String layout(TensorRef t) {
        return t.dtype() + Arrays.toString(t.shape()) + Arrays.toString(t.strides());
    }

    static TensorRef dense(long address, DType dtype, long[] shape) {
        long[] st = new long[shape.length];
        long e = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = e;
            e *= shape[i];
        }
        return new TensorRef(address, dtype, shape, st);
    }
}
