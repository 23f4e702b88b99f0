package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;

/**
 * Row-wise ops on aclnn: {@code aclnnSoftmax(x, dim)}, {@code aclnnLayerNorm} over the last dimension (absent
 * gamma/beta passed as NULL; mean/rstd not requested), {@code aclnnRmsNorm} (7 arguments: its {@code rstdOut} goes
 * to a stream temporary; an absent gamma becomes a device vector of ones, since aclnnRmsNorm requires one).
 */
final class AscendNorms {
    private AscendNorms() {}

    static String execute(AscendStream st, KernelCall c) {
        TensorRef x = c.input(0), out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        AscendSymbols s = st.dev.s;
        switch (c.op()) {
            case SOFTMAX -> {
                long axis = ((AxisAttrs) c.attributes()).axis();
                Aclnn.run(st, "aclnnSoftmax", (a, ws, ex) ->
                        (int) s.softmaxWs.invokeExact(a.tensor(x), axis, a.tensor(out), ws, ex));
                return "aclnnSoftmax";
            }
            case LAYER_NORM -> {
                NormAttrs at = (NormAttrs) c.attributes();
                long d = x.shape()[x.rank() - 1];
                Aclnn.run(st, "aclnnLayerNorm", (a, ws, ex) -> {
                    MemorySegment gamma = at.hasGamma() ? a.tensor(c.input(at.gammaIndex())) : MemorySegment.NULL;
                    MemorySegment beta = at.hasBeta() ? a.tensor(c.input(at.betaIndex())) : MemorySegment.NULL;
                    return (int) s.layerNormWs.invokeExact(a.tensor(x), a.intArray(d), gamma, beta, at.eps(),
                            a.tensor(out), MemorySegment.NULL, MemorySegment.NULL, ws, ex);
                });
                return "aclnnLayerNorm";
            }
            case RMS_NORM -> {
                NormAttrs at = (NormAttrs) c.attributes();
                long d = x.shape()[x.rank() - 1];
                TensorRef gamma = at.hasGamma() ? c.input(at.gammaIndex())
                        : new TensorRef(st.dev.constants.filled(x.dtype(), d, 1.0), x.dtype(), new long[] {d},
                        new long[] {1});
                long[] rstdShape = x.shape().clone();
                rstdShape[rstdShape.length - 1] = 1;
                long rows = x.numel() / Math.max(1, d);
                long rstd = st.scratch.get(StreamScratch.TEMP0, Math.max(1, rows) * 4);
                Aclnn.run(st, "aclnnRmsNorm", (a, ws, ex) ->
                        (int) s.rmsNormWs.invokeExact(a.tensor(x), a.tensor(gamma), at.eps(), a.tensor(out),
                                a.dense(rstd, DType.F32, rstdShape), ws, ex));
                return "aclnnRmsNorm";
            }
            default -> throw new IllegalStateException(c.op().toString());
        }
    }
}
