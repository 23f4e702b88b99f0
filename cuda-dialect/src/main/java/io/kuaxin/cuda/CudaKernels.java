package io.kuaxin.cuda;

import io.kuaxin.DType;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.KernelCall;

import java.util.List;

/**
 * What a CUDA-dialect device runs, and the reasons for what it does not. {@link #unsupportedReason} and
 * {@link #execute} share the same rules (the front door asks the first before calling the second):
 *
 * <ul>
 *   <li>{@code MATMUL} with f32, f16, bf16 or f64 inputs through the vendor BLAS GEMM-Ex calls: transposes, any
 *       strides, broadcast batches, alpha/beta with {@code c}, and a {@code [N]} bias (extra GEMM calls) when the
 *       output, {@code c} and the bias are in the input dtype or f32 (what GEMM-Ex accepts as C type with fp32
 *       accumulation); any other float mix, and every activation epilogue, is the GEMM into scratch followed by
 *       {@code kx_epilogue} ({@link GemmEpilogue}), which needs the device kernels. No i8. Every reduction stays in the accumulator unless the call
 *       allows reduced-precision reduction (where the BLAS has the switch); the provenance says which.</li>
 *   <li>{@code COPY} of every dtype: a memcpy when contiguous; a strided copy is one {@code kx_unary} launch when the
 *       kernels load, else a gather through GEMM-Ex for f32, f16, bf16, f64 and one memcpy per contiguous run for the
 *       others.</li>
 *   <li>every other op on Kuaxin's device kernels ({@link DeviceKernels}) when the module API is bound and a
 *       kernel image exists; otherwise the reason says which is missing.</li>
 * </ul>
 */
final class CudaKernels {
    private CudaKernels() {}

    /** {@code null} if supported, else why not. {@code attrs} may be null (only dtypes known). */
    static String unsupportedReason(CudaRuntime rt, Op op, OpAttributes attrs, List<DType> dtypes) {
        return switch (op) {
            case MATMUL -> matmulReason(rt, attrs instanceof MatmulAttrs m ? m : null, dtypes);
            case COPY -> null; // memcpy, GEMM-Ex gathers (floats) or memcpy runs (other dtypes)
            default -> DeviceKernels.unsupportedReason(rt, op, attrs, dtypes);
        };
    }

    private static String matmulReason(CudaRuntime rt, MatmulAttrs at, List<DType> d) {
        if (d.size() < 2) return "matmul needs a and b";
        DType t = d.getFirst();
        if (t == DType.I8) {
            return "i8 x i8 -> i32 GEMM is not bound: the int8 " + gemmName(rt)
                    + " alignment rules of these BLAS libraries are unverified";
        }
        String refused = rt.enums.unsupportedGemmType(t);
        if (refused != null) return t.label() + " matmul: " + refused;
        if (!floatType(rt, t)) return t.label() + " is not a " + gemmName(rt) + " input type";
        boolean kernels = rt.kernelsUnavailable() == null;
        if (at == null) {
            for (DType x : d.subList(2, d.size())) {
                if (!convertible(rt, x, t) && !(kernels && x.isFloatingPoint())) {
                    return x.label() + " c/bias with " + t.label() + " output: " + gemmName(rt)
                            + " writes C in the input dtype or f32, and Kuaxin's epilogue kernel cannot be loaded";
                }
            }
            return null;
        }
        if (kernels && GemmEpilogue.accepts(rt, at, d)) return null; // GEMM-Ex, then kx_epilogue if needed
        if (at.epilogue() != Epilogue.NONE) {
            return "the " + at.epilogue().name().toLowerCase(java.util.Locale.ROOT) + " epilogue: no "
                    + rt.dialect.vendor() + " BLAS call applies an activation (cuBLASLt-style epilogues are not bound)"
                    + " and Kuaxin's epilogue kernel cannot be loaded: " + rt.kernelsUnavailable();
        }
        DType o = at.outDtype();
        if (!convertible(rt, t, o)) {
            return t.label() + " inputs with " + o.label() + " output: " + gemmName(rt)
                    + " writes C in the input dtype or, for f16/bf16 inputs, f32";
        }
        if (at.hasC() && !convertible(rt, d.get(at.cIndex()), o)) {
            return "c in " + d.get(at.cIndex()).label() + " with " + o.label() + " output: it is accumulated through "
                    + gemmName(rt) + ", which writes C in its input dtype or f32";
        }
        if (at.hasBias() && !convertible(rt, d.get(at.biasIndex()), o)) {
            return "bias in " + d.get(at.biasIndex()).label() + " with " + o.label() + " output: it is added through "
                    + gemmName(rt) + ", which writes C in its input dtype or f32";
        }
        return null;
    }

    /** A float dtype the dialect has a BLAS element type for. */
    static boolean floatType(CudaRuntime rt, DType t) {
        return t.isFloatingPoint() && rt.enums.dataType(t) != null;
    }

    /** Whether GEMM-Ex with fp32 (fp64) accumulation reads {@code in} and writes {@code out}. */
    static boolean convertible(CudaRuntime rt, DType in, DType out) {
        if (!floatType(rt, in) || !floatType(rt, out)) return false;
        return in == out || (out == DType.F32 && (in == DType.F16 || in == DType.BF16));
    }

    static String gemmName(CudaRuntime rt) {
        String s = rt.sym.name("cublasGemmEx");
        return s.startsWith("_Z") ? rt.variant().names().blasPrefix() + "GemmEx" : s;
    }

    /** Runs a call {@link #unsupportedReason} accepted; returns the provenance kernel name. */
    static String execute(CudaStream s, KernelCall call) {
        return switch (call.op()) {
            case MATMUL -> matmul(s, call, (MatmulAttrs) call.attributes());
            case COPY -> (call.input(0).isContiguous() && call.output(0).isContiguous()) || s.rt.kernelsUnavailable() != null
                    ? new CudaGemm(s).copy(call)
                    : DeviceKernels.copy(s, call);
            default -> DeviceKernels.execute(s, call);
        };
    }

    /** GEMM-Ex alone, or GEMM-Ex into scratch then {@code kx_epilogue} ({@link GemmEpilogue}). */
    private static String matmul(CudaStream s, KernelCall call, MatmulAttrs at) {
        if (GemmEpilogue.needed(s.rt, at, call)) return GemmEpilogue.execute(s, call, at);
        return new CudaGemm(s).matmul(call, at);
    }
}
