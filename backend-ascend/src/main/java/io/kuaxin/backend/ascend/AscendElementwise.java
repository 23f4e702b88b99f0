package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.op.CastAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StridedCopy;
import io.kuaxin.spi.TensorRef;

/**
 * Element-wise ops on aclnn: Add/Sub (alpha 1), Mul, Div, Silu, GeluV2 (approximate 0 = erf, 1 = tanh), Relu, Exp,
 * Cast, and COPY (a device-to-device copy when dense; for strided floats a same-dtype Cast, which gathers any view;
 * for strided integers one copy per contiguous run, since a cast kernel may pass through floating point).
 * Broadcast inputs arrive as stride-0 views of the output's shape. None of these ops needs a workspace.
 */
final class AscendElementwise {
    private AscendElementwise() {}

    static String execute(AscendStream st, KernelCall c) {
        TensorRef out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        return switch (c.op()) {
            case ADD -> binary(st, "aclnnAdd", c.input(0), c.input(1), out);
            case SUB -> binary(st, "aclnnSub", c.input(0), c.input(1), out);
            case MUL -> binary(st, "aclnnMul", c.input(0), c.input(1), out);
            case DIV -> binary(st, "aclnnDiv", c.input(0), c.input(1), out);
            case SILU -> unary(st, "aclnnSilu", c.input(0), out);
            case RELU -> unary(st, "aclnnRelu", c.input(0), out);
            case EXP -> unary(st, "aclnnExp", c.input(0), out);
            case GELU_TANH -> gelu(st, c.input(0), out, true);
            case GELU_ERF -> gelu(st, c.input(0), out, false);
            case CAST -> c.input(0).dtype() == out.dtype() ? copy(st, c.input(0), out)
                    : cast(st, c.input(0), out, ((CastAttrs) c.attributes()).to());
            case COPY -> copy(st, c.input(0), out);
            default -> throw new IllegalStateException(c.op().toString());
        };
    }

    /** {@code out = a op b}; Add and Sub get alpha = 1. */
    static String binary(AscendStream st, String op, TensorRef a, TensorRef b, TensorRef out) {
        AscendSymbols s = st.dev.s;
        Aclnn.run(st, op, (args, ws, ex) -> {
            var x = args.tensor(a);
            var y = args.tensor(b);
            var o = args.tensor(out);
            return switch (op) {
                case "aclnnAdd" -> (int) s.addWs.invokeExact(x, y, args.scalar(1f), o, ws, ex);
                case "aclnnSub" -> (int) s.subWs.invokeExact(x, y, args.scalar(1f), o, ws, ex);
                case "aclnnMul" -> (int) s.mulWs.invokeExact(x, y, o, ws, ex);
                default -> (int) s.divWs.invokeExact(x, y, o, ws, ex);
            };
        });
        return op;
    }

    /** {@code out = self + alpha·other} (aclnnAdd's own alpha). */
    static void addScaled(AscendStream st, TensorRef self, TensorRef other, float alpha, TensorRef out) {
        AscendSymbols s = st.dev.s;
        Aclnn.run(st, "aclnnAdd", (args, ws, ex) ->
                (int) s.addWs.invokeExact(args.tensor(self), args.tensor(other), args.scalar(alpha), args.tensor(out),
                        ws, ex));
    }

    static String unary(AscendStream st, String op, TensorRef x, TensorRef out) {
        AscendSymbols s = st.dev.s;
        Aclnn.run(st, op, (args, ws, ex) -> {
            var i = args.tensor(x);
            var o = args.tensor(out);
            return switch (op) {
                case "aclnnSilu" -> (int) s.siluWs.invokeExact(i, o, ws, ex);
                case "aclnnRelu" -> (int) s.reluWs.invokeExact(i, o, ws, ex);
                default -> (int) s.expWs.invokeExact(i, o, ws, ex);
            };
        });
        return op;
    }

    static String gelu(AscendStream st, TensorRef x, TensorRef out, boolean tanh) {
        AscendSymbols s = st.dev.s;
        Aclnn.run(st, "aclnnGeluV2", (args, ws, ex) ->
                (int) s.geluV2Ws.invokeExact(args.tensor(x), tanh ? 1L : 0L, args.tensor(out), ws, ex));
        return "aclnnGeluV2(" + (tanh ? "tanh" : "none") + ")";
    }

    static String cast(AscendStream st, TensorRef x, TensorRef out, DType to) {
        AscendSymbols s = st.dev.s;
        Aclnn.run(st, "aclnnCast", (args, ws, ex) ->
                (int) s.castWs.invokeExact(args.tensor(x), AclArgs.aclDataType(to), args.tensor(out), ws, ex));
        return "aclnnCast";
    }

    static String copy(AscendStream st, TensorRef x, TensorRef out) {
        if (x.isContiguous()) {
            st.copyDeviceToDevice(x.address(), out.address(), x.numel() * x.dtype().byteSize());
            return "aclrtMemcpyAsync(D2D)";
        }
        if (x.dtype().isFloatingPoint()) { // exact through any float path
            cast(st, x, out, x.dtype());
            return "aclnnCast(strided copy)";
        }
        // integers and other dtypes: exact byte copies of the contiguous innermost runs
        StridedCopy.byRuns(st, x, out);
        return "aclrtMemcpyAsync(D2D runs)";
    }
}
