package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StridedCopy;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Element-wise ops on CNNL: {@code cnnlOpTensor} (ADD, SUB, MUL; c = op(α1·a, α2·b) + β·c with fp32 compute),
 * {@code cnnlActivationForward} (RELU, SILU, GELU erf), {@code cnnlCastDataType} (through f32 when no direct cast
 * exists), and COPY: a device-to-device memcpy when dense, a multiply by a device 1 for strided floats, and one
 * memcpy per contiguous run for other strided dtypes.
 */
final class CnnlElementwise {
    private CnnlElementwise() {}

    static final int OP_ADD = 0, OP_MUL = 1, OP_SUB = 2;
    static final int ACT_RELU = 1, ACT_TANH = 3, ACT_GELU = 8, ACT_SILU = 13;
    static final int CNNL_DTYPE_FLOAT = 2, HIGH_PRECISION = 1, NOT_PROPAGATE_NAN = 0;

    static String execute(CambriconStream q, KernelCall c) {
        TensorRef out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        return switch (c.op()) {
            case ADD -> opTensor(q, OP_ADD, c.input(0), 1f, c.input(1), 1f, out);
            case SUB -> opTensor(q, OP_SUB, c.input(0), 1f, c.input(1), 1f, out);
            case MUL -> opTensor(q, OP_MUL, c.input(0), 1f, c.input(1), 1f, out);
            case RELU -> activation(q, ACT_RELU, c.input(0), out);
            case SILU -> activation(q, ACT_SILU, c.input(0), out);
            case GELU_ERF -> activation(q, ACT_GELU, c.input(0), out);
            case CAST -> cast(q, c.input(0), out, ((CastAttrs) c.attributes()).to());
            case COPY -> copy(q, c.input(0), out);
            default -> throw new IllegalStateException(c.op().toString());
        };
    }

    /** {@code out = op(alpha1·a, alpha2·b)}; shapes broadcast to {@code out}. */
    static String opTensor(CambriconStream q, int op, TensorRef a, float alpha1, TensorRef b, float alpha2,
                           TensorRef out) {
        CambriconSymbols s = q.dev.s;
        try (CnnlDescs d = new CnnlDescs(s)) {
            MemorySegment desc = d.create(s.cnnlCreateOpTensorDescriptor, s.cnnlDestroyOpTensorDescriptor,
                    "cnnlCreateOpTensorDescriptor");
            s.errors.checkCnnl((int) s.cnnlSetOpTensorDescriptor.invokeExact(desc, op, CNNL_DTYPE_FLOAT,
                    NOT_PROPAGATE_NAN), "cnnlSetOpTensorDescriptor");
            MemorySegment ad = d.tensor(a), bd = d.tensor(b), cd = d.tensor(out);
            MemorySegment wsSize = d.longs(0);
            s.errors.checkCnnl((int) s.cnnlGetOpTensorWorkspaceSize.invokeExact(q.cnnl, ad, bd, cd, wsSize),
                    "cnnlGetOpTensorWorkspaceSize");
            long n = wsSize.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
            long ws = q.scratch.get(StreamScratch.WORKSPACE, n);
            s.errors.checkCnnl((int) s.cnnlOpTensor.invokeExact(q.cnnl, desc, d.floats(alpha1), ad,
                    Native.ptr(a.address()), d.floats(alpha2), bd, Native.ptr(b.address()), Native.ptr(ws), n,
                    d.floats(0f), cd, Native.ptr(out.address())), "cnnlOpTensor");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return "cnnlOpTensor(" + (op == OP_ADD ? "add" : op == OP_MUL ? "mul" : "sub") + ")";
    }

    static String activation(CambriconStream q, int mode, TensorRef x, TensorRef out) {
        CambriconSymbols s = q.dev.s;
        try (CnnlDescs d = new CnnlDescs(s)) {
            MemorySegment desc = d.create(s.cnnlCreateActivationDescriptor, s.cnnlDestroyActivationDescriptor,
                    "cnnlCreateActivationDescriptor");
            s.errors.checkCnnl((int) s.cnnlSetActivationDescriptor_v2.invokeExact(desc, mode, HIGH_PRECISION,
                    NOT_PROPAGATE_NAN, 0f), "cnnlSetActivationDescriptor_v2");
            s.errors.checkCnnl((int) s.cnnlActivationForward.invokeExact(q.cnnl, desc, MemorySegment.NULL,
                    d.tensor(x), Native.ptr(x.address()), MemorySegment.NULL, d.tensor(out),
                    Native.ptr(out.address())), "cnnlActivationForward");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return "cnnlActivationForward(" + switch (mode) {
            case ACT_RELU -> "relu";
            case ACT_SILU -> "silu";
            case ACT_TANH -> "tanh";
            default -> "gelu";
        } + ")";
    }

    /** The cnnlCastDataType_t for a direct cast, or -1. */
    static int castType(DType from, DType to) {
        return switch (from.name() + ">" + to.name()) {
            case "F32>F16" -> 0;
            case "F16>F32" -> 1;
            case "F32>BF16" -> 2;
            case "BF16>F32" -> 3;
            case "F32>I32" -> 4;
            case "I32>F32" -> 5;
            case "F16>I32" -> 6;
            case "I32>F16" -> 7;
            case "F32>I8" -> 8;
            case "I8>F32" -> 9;
            case "I32>I64" -> 10;
            case "I64>I32" -> 11;
            case "F16>BF16" -> 12;
            case "BF16>F16" -> 13;
            case "F32>I64" -> 14;
            case "I64>F32" -> 15;
            default -> -1;
        };
    }

    static String cast(CambriconStream q, TensorRef x, TensorRef out, DType to) {
        if (x.dtype() == to) return copy(q, x, out);
        if (!CambriconOps.CASTABLE.contains(to)) {
            throw new UnsupportedOpException("cast", List.of(x.dtype()), "mlu:" + q.dev.ordinal,
                    "cnnlCastDataType cannot produce " + to.label());
        }
        if (castType(x.dtype(), to) >= 0) {
            castDirect(q, x, out, castType(x.dtype(), to));
            return "cnnlCastDataType";
        }
        long[] shape = x.shape();
        TensorRef mid = CnnlMatmul.dense(q.scratch.get(StreamScratch.TEMP1, x.numel() * 4), DType.F32, shape);
        castDirect(q, x, mid, castType(x.dtype(), DType.F32));
        castDirect(q, mid, out, castType(DType.F32, to));
        return "cnnlCastDataType(via f32)";
    }

    private static void castDirect(CambriconStream q, TensorRef x, TensorRef out, int type) {
        CambriconSymbols s = q.dev.s;
        try (CnnlDescs d = new CnnlDescs(s)) {
            s.errors.checkCnnl((int) s.cnnlCastDataType.invokeExact(q.cnnl, d.tensor(x), Native.ptr(x.address()),
                    type, d.tensor(out), Native.ptr(out.address())), "cnnlCastDataType");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static String copy(CambriconStream q, TensorRef x, TensorRef out) {
        int es = x.dtype().byteSize();
        if (x.isContiguous()) {
            q.copyDeviceToDevice(x.address(), out.address(), x.numel() * es);
            return "cnrtMemcpyAsync_V3(D2D)";
        }
        if (CambriconOps.isDeviceFloat(x.dtype())) {
            TensorRef one = new TensorRef(q.dev.constants.of(x.dtype(), 1.0), x.dtype(), new long[] {1},
                    new long[] {1});
            opTensor(q, OP_MUL, x, 1f, one, 1f, out);
            return "cnnlOpTensor(mul by 1: strided copy)";
        }
        // integers and other dtypes: exact byte copies of the contiguous innermost runs
        StridedCopy.byRuns(q, x, out);
        return "cnrtMemcpyAsync_V3(D2D runs)";
    }
}
