package io.kuaxin.cuda;

import io.kuaxin.DType;
import io.kuaxin.op.Epilogue;
import io.kuaxin.op.MatmulAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.Arena;
import java.util.List;

import static io.kuaxin.cuda.KernelAbi.View;

/**
 * A matmul that GEMM-Ex cannot finish alone: an activation epilogue, an output dtype other than the input's (or f32
 * from f16/bf16), or {@code c} / a bias in a dtype GEMM-Ex does not read as C. The GEMM writes
 * {@code acc = alpha·A·B} into the stream's scratch in its accumulator type (f32; f64 for f64 inputs), then one
 * {@code kx_epilogue} launch computes {@code out = act(acc + beta·c + bias)} and rounds once to the output dtype.
 * {@code c} may be the output itself (in place). Needs the device kernels; one instance per call is not needed
 * (stateless).
 */
final class GemmEpilogue {
    private GemmEpilogue() {}

    /**
     * Whether {@code at} with the call's inputs needs the epilogue kernel (else GEMM-Ex alone computes it); reads
     * the inputs' dtypes in place, so nothing is allocated per call.
     */
    static boolean needed(CudaRuntime rt, MatmulAttrs at, KernelCall call) {
        return needed(rt, at, call.input(0).dtype(), at.hasC() ? call.input(at.cIndex()).dtype() : null,
                at.hasBias() ? call.input(at.biasIndex()).dtype() : null);
    }

    private static boolean needed(CudaRuntime rt, MatmulAttrs at, DType in, DType c, DType bias) {
        DType o = at.outDtype();
        return at.epilogue() != Epilogue.NONE || !CudaKernels.convertible(rt, in, o)
                || (c != null && !CudaKernels.convertible(rt, c, o))
                || (bias != null && !CudaKernels.convertible(rt, bias, o));
    }

    /** Whether the epilogue kernel reads and writes these dtypes: floats the BLAS knows, c and bias any float. */
    static boolean accepts(CudaRuntime rt, MatmulAttrs at, List<DType> d) {
        if (!CudaKernels.floatType(rt, at.outDtype())) return false;
        if (at.hasC() && !d.get(at.cIndex()).isFloatingPoint()) return false;
        return !at.hasBias() || d.get(at.biasIndex()).isFloatingPoint();
    }

    /** Runs the GEMM into scratch, then {@code kx_epilogue}; returns the provenance kernel name. */
    static String execute(CudaStream s, KernelCall call, MatmulAttrs at) {
        TensorRef out = call.output(0);
        DType in = call.input(0).dtype();
        DType accType = in == DType.F64 ? DType.F64 : DType.F32;
        long[] shape = out.shape(), strides = new long[shape.length];
        long st = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = st;
            st *= shape[i];
        }
        TensorRef acc = new TensorRef(s.scratch(Math.max(1, out.numel()) * accType.byteSize()), accType, shape, strides);
        MatmulAttrs plain = new MatmulAttrs(at.transA(), at.transB(), at.alpha(), 0f, false, false, Epilogue.NONE,
                accType, at.allowReducedPrecisionReduction());
        String gemm = new CudaGemm(s).matmul(call.input(0), call.input(1), null, null, acc, plain);
        long n = out.numel();
        if (n == 0) return gemm;
        View c = at.hasC() ? View.of(call.input(at.cIndex())).broadcastTo(shape) : View.absent();
        View bias = at.hasBias() ? View.of(call.input(at.biasIndex())).broadcastTo(shape) : View.absent();
        int act = switch (at.epilogue()) {
            case NONE -> KernelAbi.IDENTITY;
            case RELU -> KernelAbi.RELU;
            case SILU -> KernelAbi.SILU;
            case GELU_TANH -> KernelAbi.GELU_TANH;
            case GELU_ERF -> KernelAbi.GELU_ERF;
        };
        try (Arena a = Arena.ofConfined()) {
            long blocks = Math.min((n + DeviceKernels.BLOCK - 1) / DeviceKernels.BLOCK, 65535);
            s.device.module().launch(s, "kx_epilogue", blocks, 1, 1, DeviceKernels.BLOCK, a,
                    KernelAbi.tensor(a, View.of(acc), "matmul"), KernelAbi.tensor(a, c, "matmul"),
                    KernelAbi.tensor(a, bias, "matmul"), KernelAbi.tensor(a, View.of(out), "matmul"),
                    KernelAbi.epilogueParams(a, at.hasC() ? at.beta() : 0.0, act));
        }
        return gemm + " (" + accType.label() + ") + kx_epilogue";
    }
}
