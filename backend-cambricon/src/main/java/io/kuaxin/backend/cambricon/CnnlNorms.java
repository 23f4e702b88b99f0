package io.kuaxin.backend.cambricon;

import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.NormAttrs;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Row-wise ops on CNNL. Softmax runs on a 3-D {@code [outer, n, inner]} view with MEDIUM_DIMENSION (the mode the
 * documentation defines for 3-D inputs), ACCURATE algorithm; a strided input is first made dense with a multiply by
 * a device 1. Layer norm ({@code cnnlLayerNormForward}) and RMS norm ({@code cnnlRmsNormForward}) normalise from
 * axis {@code rank-1}; absent weights are NULL, statistics are not requested.
 */
final class CnnlNorms {
    private CnnlNorms() {}

    static final int SOFTMAX_ACCURATE = 1, MODE_MEDIUM_DIMENSION = 1, HIGH_PRECISION = 1;

    static String execute(CambriconStream q, KernelCall c) {
        TensorRef x = c.input(0), out = c.output(0);
        if (out.numel() == 0) return "none (empty)";
        CambriconSymbols s = q.dev.s;
        switch (c.op()) {
            case SOFTMAX -> {
                int axis = ((AxisAttrs) c.attributes()).axis();
                if (!x.isContiguous()) {
                    TensorRef dense = CnnlMatmul.dense(q.scratch.get(StreamScratch.TEMP0,
                            x.numel() * x.dtype().byteSize()), x.dtype(), x.shape());
                    CnnlElementwise.copy(q, x, dense);
                    x = dense;
                }
                long outer = 1, inner = 1, n = x.shape()[axis];
                for (int i = 0; i < axis; i++) outer *= x.shape()[i];
                for (int i = axis + 1; i < x.rank(); i++) inner *= x.shape()[i];
                long[] shape = {outer, n, inner};
                TensorRef x3 = CnnlMatmul.dense(x.address(), x.dtype(), shape);
                TensorRef y3 = CnnlMatmul.dense(out.address(), out.dtype(), shape);
                try (CnnlDescs d = new CnnlDescs(s)) {
                    s.errors.checkCnnl((int) s.cnnlSoftmaxForward_v2.invokeExact(q.cnnl, SOFTMAX_ACCURATE,
                            MODE_MEDIUM_DIMENSION, HIGH_PRECISION, MemorySegment.NULL, d.tensor(x3),
                            Native.ptr(x3.address()), MemorySegment.NULL, d.tensor(y3), Native.ptr(y3.address())),
                            "cnnlSoftmaxForward_v2");
                } catch (Throwable t) {
                    throw Native.rethrow(t);
                }
                return "cnnlSoftmaxForward_v2";
            }
            case LAYER_NORM, RMS_NORM -> {
                NormAttrs at = (NormAttrs) c.attributes();
                boolean rms = c.op() == io.kuaxin.op.Op.RMS_NORM;
                int axis = x.rank() - 1;
                TensorRef g = at.hasGamma() ? c.input(at.gammaIndex()) : null;
                TensorRef be = at.hasBeta() ? c.input(at.betaIndex()) : null;
                if (g != null && be != null && !Arrays.equals(g.strides(), be.strides())) {
                    // one descriptor describes both: give them one (dense) layout
                    g = denseCopy(q, g, StreamScratch.TEMP0);
                    be = denseCopy(q, be, StreamScratch.TEMP1);
                }
                TensorRef wb = g != null ? g : be;
                try (CnnlDescs d = new CnnlDescs(s)) {
                    MemorySegment xd = d.tensor(x), wbd = wb == null ? MemorySegment.NULL : d.tensor(wb);
                    MemorySegment wsSize = d.longs(0);
                    s.errors.checkCnnl((int) (rms ? s.cnnlGetRmsNormOpWorkspaceSize
                            : s.cnnlGetLayerNormOpWorkspaceSize).invokeExact(q.cnnl, axis, xd, wsSize), rms
                            ? "cnnlGetRmsNormOpWorkspaceSize" : "cnnlGetLayerNormOpWorkspaceSize");
                    long n = wsSize.get(JAVA_LONG, 0);
                    MemorySegment ws = Native.ptr(q.scratch.get(StreamScratch.WORKSPACE, n));
                    MemorySegment w = g == null ? MemorySegment.NULL : Native.ptr(g.address());
                    MemorySegment b = be == null ? MemorySegment.NULL : Native.ptr(be.address());
                    MemorySegment n0 = MemorySegment.NULL;
                    int st = rms
                            ? (int) s.cnnlRmsNormForward.invokeExact(q.cnnl, axis, xd, Native.ptr(x.address()),
                            wbd, w, b, (float) at.eps(), ws, n, d.tensor(out), Native.ptr(out.address()), n0, n0)
                            : (int) s.cnnlLayerNormForward.invokeExact(q.cnnl, xd, Native.ptr(x.address()), axis,
                            wbd, w, b, (float) at.eps(), ws, n, d.tensor(out), Native.ptr(out.address()), n0, n0, n0);
                    s.errors.checkCnnl(st, rms ? "cnnlRmsNormForward" : "cnnlLayerNormForward");
                } catch (Throwable t) {
                    throw Native.rethrow(t);
                }
                return rms ? "cnnlRmsNormForward" : "cnnlLayerNormForward";
            }
            default -> throw new IllegalStateException(c.op().toString());
        }
    }

    private static TensorRef denseCopy(CambriconStream q, TensorRef t, int slot) {
        TensorRef d = CnnlMatmul.dense(q.scratch.get(slot, t.numel() * t.dtype().byteSize()), t.dtype(), t.shape());
        CnnlElementwise.copy(q, t, d);
        return d;
    }
}
