package io.kuaxin.cuda;

import io.kuaxin.DType;
import io.kuaxin.op.AttentionAttrs;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.ReduceAttrs;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.RopeMode;
import io.kuaxin.spi.KernelCall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.kuaxin.cuda.KernelAbi.View;

/**
 * The ops a CUDA-family device runs with Kuaxin's own kernels ({@code kx_kernel_abi.h}): element-wise ops with
 * broadcasting, activations, exp, cast, softmax, layer/RMS norm, RoPE, sum/max/mean/argmax, embedding, attention,
 * and the epilogue of a matmul ({@code kx_epilogue} after the GEMM: activation, c and bias in any float dtype). Each op becomes one launch on the
 * caller's stream; the host only describes views (an axis moves last by permuting strides, a broadcast is a zero
 * stride), so no op copies its inputs.
 *
 * <p>Grids: element-wise kernels run a grid-stride loop over {@code min(ceil(n / 256), 65535)} blocks; row kernels
 * one block per row ({@code x + gridDim.x * y}); attention one block per (query row, head, batch), or, for decode with long KV ({@link SplitKv}), one
 * block per (key chunk, query row, head, batch) and a combine launch. Stateless.
 */
final class DeviceKernels {
    private DeviceKernels() {}

    static final int BLOCK = 256;
    private static final long MAX_ELEMENTWISE_BLOCKS = 65535;

    /** {@code null} if {@code op} runs on the device's kernels, else why not. */
    static String unsupportedReason(CudaRuntime rt, Op op, OpAttributes attrs, List<DType> dtypes) {
        if (!handles(op)) return null;
        String why = rt.kernelsUnavailable();
        return why == null ? null : op.label() + " runs on Kuaxin's device kernels, which " + rt.dialect.vendor()
                + " devices cannot load here: " + why;
    }

    /** The ops this class executes. */
    static boolean handles(Op op) {
        return switch (op) {
            case MATMUL, COPY -> false;
            default -> true;
        };
    }

    /** Executes {@code call}; returns the provenance kernel name. */
    static String execute(CudaStream s, KernelCall call) {
        CudaModule m = s.device.module();
        try (Arena a = Arena.ofConfined()) {
            return switch (call.op()) {
                case ADD, SUB, MUL, DIV -> binary(s, m, a, call);
                case RELU, SILU, GELU_TANH, GELU_ERF, EXP, CAST -> unary(s, m, a, call.op().label(),
                        View.of(call.input(0)), View.of(call.output(0)), unaryCode(call.op()));
                case SOFTMAX -> softmax(s, m, a, call);
                case LAYER_NORM, RMS_NORM -> norm(s, m, a, call);
                case ROPE -> rope(s, m, a, call);
                case SUM, MAX, MEAN, ARGMAX -> reduce(s, m, a, call);
                case EMBEDDING -> embedding(s, m, a, call);
                case ATTENTION -> attention(s, m, a, call);
                default -> throw new IllegalStateException(call.op().label() + " is not a device-kernel op");
            };
        }
    }

    /** A strided copy: one {@code kx_unary} identity launch. */
    static String copy(CudaStream s, KernelCall call) {
        try (Arena a = Arena.ofConfined()) {
            return unary(s, s.device.module(), a, "copy", View.of(call.input(0)), View.of(call.output(0)),
                    KernelAbi.IDENTITY);
        }
    }

    private static int unaryCode(Op op) {
        return switch (op) {
            case RELU -> KernelAbi.RELU;
            case SILU -> KernelAbi.SILU;
            case GELU_TANH -> KernelAbi.GELU_TANH;
            case GELU_ERF -> KernelAbi.GELU_ERF;
            case EXP -> KernelAbi.EXP;
            default -> KernelAbi.IDENTITY;
        };
    }

    private static long elementwiseBlocks(long n) {
        return Math.min((n + BLOCK - 1) / BLOCK, MAX_ELEMENTWISE_BLOCKS);
    }

    private static String unary(CudaStream s, CudaModule m, Arena a, String op, View x, View y, int code) {
        long n = y.numel();
        if (n > 0) {
            m.launch(s, "kx_unary", elementwiseBlocks(n), 1, 1, BLOCK, a, KernelAbi.tensor(a, x, op),
                    KernelAbi.tensor(a, y, op), KernelAbi.int32(a, code));
        }
        return "kx_unary";
    }

    private static String binary(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        String op = call.op().label();
        View y = View.of(call.output(0));
        long n = y.numel();
        if (n > 0) {
            int code = switch (call.op()) {
                case ADD -> KernelAbi.ADD;
                case SUB -> KernelAbi.SUB;
                case MUL -> KernelAbi.MUL;
                default -> KernelAbi.DIV;
            };
            m.launch(s, "kx_binary", elementwiseBlocks(n), 1, 1, BLOCK, a,
                    KernelAbi.tensor(a, View.of(call.input(0)).broadcastTo(y.shape()), op),
                    KernelAbi.tensor(a, View.of(call.input(1)).broadcastTo(y.shape()), op),
                    KernelAbi.tensor(a, y, op), KernelAbi.int32(a, code));
        }
        return "kx_binary";
    }

    /** Launches a row kernel over {@code rows} rows: one block each, spread over x then y. */
    private static void rows(CudaStream s, CudaModule m, Arena a, String kernel, long rows, MemorySegment... args) {
        if (rows <= 0) return;
        long gx = Math.min(rows, Integer.MAX_VALUE), gy = (rows + gx - 1) / gx;
        m.launch(s, kernel, gx, gy, 1, BLOCK, a, args);
    }

    private static long rowsOf(View v) {
        long n = 1;
        for (int i = 0; i < v.rank() - 1; i++) n *= v.shape()[i];
        return n;
    }

    private static int axis(int axis, int rank) { return axis < 0 ? axis + rank : axis; }

    private static String softmax(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        View x = View.of(call.input(0)), y = View.of(call.output(0));
        if (x.rank() == 0) return unary(s, m, a, "softmax", x, y, KernelAbi.IDENTITY); // never: rank >= 1
        int ax = axis(((AxisAttrs) call.attributes()).axis(), x.rank());
        View xl = x.axisLast(ax), yl = y.axisLast(ax);
        if (xl.shape()[xl.rank() - 1] > 0) {
            rows(s, m, a, "kx_softmax", rowsOf(yl), KernelAbi.tensor(a, xl, "softmax"),
                    KernelAbi.tensor(a, yl, "softmax"));
        }
        return "kx_softmax";
    }

    private static String norm(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        NormAttrs at = (NormAttrs) call.attributes();
        String op = call.op().label();
        View x = View.of(call.input(0)), y = View.of(call.output(0));
        View g = at.hasGamma() ? View.of(call.input(at.gammaIndex())) : View.absent();
        View b = at.hasBeta() ? View.of(call.input(at.betaIndex())) : View.absent();
        if (x.rank() > 0 && x.shape()[x.rank() - 1] > 0) {
            rows(s, m, a, "kx_norm", rowsOf(y), KernelAbi.tensor(a, x, op), KernelAbi.tensor(a, g, op),
                    KernelAbi.tensor(a, b, op), KernelAbi.tensor(a, y, op),
                    KernelAbi.normParams(a, at.eps(), call.op() == Op.RMS_NORM));
        }
        return "kx_norm";
    }

    private static String rope(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        RopeAttrs at = (RopeAttrs) call.attributes();
        View x = View.of(call.input(0)), y = View.of(call.output(0));
        long[] rowShape = java.util.Arrays.copyOf(x.shape(), x.rank() - 1);
        View pos = at.hasPositions() ? View.of(call.input(1)).broadcastTo(rowShape) : View.absent();
        rows(s, m, a, "kx_rope", rowsOf(y), KernelAbi.tensor(a, x, "rope"), KernelAbi.tensor(a, pos, "rope"),
                KernelAbi.tensor(a, y, "rope"), KernelAbi.ropeParams(a, at.base(), at.start(), at.rotaryDims(),
                        at.mode() == RopeMode.HALF_SPLIT, axis(at.seqAxis(), x.rank())));
        return "kx_rope";
    }

    private static String reduce(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        ReduceAttrs at = (ReduceAttrs) call.attributes();
        String op = call.op().label();
        View x = View.of(call.input(0)), y = View.of(call.output(0));
        int ax = axis(at.axis(), x.rank());
        View xl = x.axisLast(ax);
        View yr = at.keepDims() ? y.drop(ax) : y;
        int code = switch (call.op()) {
            case SUM -> KernelAbi.SUM;
            case MAX -> KernelAbi.MAX;
            case MEAN -> KernelAbi.MEAN;
            default -> KernelAbi.ARGMAX;
        };
        rows(s, m, a, "kx_reduce", rowsOf(xl), KernelAbi.tensor(a, xl, op), KernelAbi.tensor(a, yr, op),
                KernelAbi.int32(a, code));
        return "kx_reduce";
    }

    private static String embedding(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        View table = View.of(call.input(0)), ids = View.of(call.input(1)), y = View.of(call.output(0));
        rows(s, m, a, "kx_embedding", ids.numel(), KernelAbi.tensor(a, table, "embedding"),
                KernelAbi.tensor(a, ids, "embedding"), KernelAbi.tensor(a, y, "embedding"));
        return "kx_embedding";
    }

    private static String attention(CudaStream s, CudaModule m, Arena a, KernelCall call) {
        AttentionAttrs at = (AttentionAttrs) call.attributes();
        View q = View.of(call.input(0)), k = View.of(call.input(1)), v = View.of(call.input(2));
        View out = View.of(call.output(0));
        long[] sh = q.shape();
        long b = sh[0], hq = sh[1], sq = sh[2], sk = k.shape()[2];
        View mask = at.hasMask() ? View.of(call.input(at.maskIndex())).broadcastTo(new long[]{b, hq, sq, sk})
                : View.absent();
        View lens = at.hasKvLens() ? View.of(call.input(at.kvLensIndex())) : View.absent();
        if (v.shape()[3] > 4L * BLOCK || sh[3] > 4L * BLOCK) {
            throw new io.kuaxin.UnsupportedOpException("attention", List.of(q.dtype()), s.device.info().id(),
                    "head size " + Math.max(sh[3], v.shape()[3]) + " exceeds the attention kernel's " + 4 * BLOCK);
        }
        if (b * hq * sq == 0) return "kx_attention";
        SplitKv plan = SplitKv.plan(b, hq, sq, sk, SplitKv.multiprocessors(s.device), BLOCK);
        if (plan.split()) {
            long dv = v.shape()[3];
            long[] ps = {b, hq, sq, plan.splits(), dv + 2};
            View part = new View(s.scratch(b * hq * sq * plan.splits() * (dv + 2) * 4), io.kuaxin.DType.F32, ps,
                    new long[]{hq * sq * plan.splits() * (dv + 2), sq * plan.splits() * (dv + 2),
                            plan.splits() * (dv + 2), dv + 2, 1});
            MemorySegment params = KernelAbi.attnSplitParams(a, at.scale(), at.causal(), plan.splits(), plan.chunk());
            m.launch(s, "kx_attn_split", sq * plan.splits(), hq, b, BLOCK, a, KernelAbi.tensor(a, q, "attention"),
                    KernelAbi.tensor(a, k, "attention"), KernelAbi.tensor(a, v, "attention"),
                    KernelAbi.tensor(a, mask, "attention"), KernelAbi.tensor(a, lens, "attention"),
                    KernelAbi.tensor(a, part, "attention"), params);
            m.launch(s, "kx_attn_combine", sq, hq, b, BLOCK, a, KernelAbi.tensor(a, part, "attention"),
                    KernelAbi.tensor(a, out, "attention"), params);
            return "kx_attn_split x" + plan.splits() + " + kx_attn_combine";
        }
        if (PrefillMma.eligible(s.rt, m, q, k, v, sq)) {
            m.launch(s, "kx_attn_prefill_mma", (sq + PrefillMma.ROWS_PER_BLOCK - 1) / PrefillMma.ROWS_PER_BLOCK, hq, b,
                    PrefillMma.THREADS, a, KernelAbi.tensor(a, q, "attention"), KernelAbi.tensor(a, k, "attention"),
                    KernelAbi.tensor(a, v, "attention"), KernelAbi.tensor(a, mask, "attention"),
                    KernelAbi.tensor(a, lens, "attention"), KernelAbi.tensor(a, out, "attention"),
                    KernelAbi.attnParams(a, at.scale(), at.causal()));
            return "kx_attn_prefill_mma";
        }
        m.launch(s, "kx_attention", sq, hq, b, BLOCK, a, KernelAbi.tensor(a, q, "attention"),
                KernelAbi.tensor(a, k, "attention"), KernelAbi.tensor(a, v, "attention"),
                KernelAbi.tensor(a, mask, "attention"), KernelAbi.tensor(a, lens, "attention"),
                KernelAbi.tensor(a, out, "attention"), KernelAbi.attnParams(a, at.scale(), at.causal()));
        return "kx_attention";
    }
}
