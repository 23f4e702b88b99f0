package io.kuaxin.kernels.oracle;

import io.kuaxin.op.NormAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.RopeAttrs;
import io.kuaxin.op.RopeMode;

import java.util.List;

/** fp64 softmax, layer/RMS norm and RoPE. */
final class OracleNn {
    private OracleNn() {}

    static double[] softmax(HostTensor x, int axis) {
        long[] sh = x.shape();
        int n = (int) sh[axis];
        int inner = 1;
        for (int i = axis + 1; i < sh.length; i++) inner *= (int) sh[i];
        double[] out = new double[x.data().length];
        if (out.length == 0) return out;            // a zero-length axis or any other zero extent: nothing to do
        int outer = out.length / (n * inner);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) max = Math.max(max, x.data()[base + j * inner]);
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.exp(x.data()[base + j * inner] - max);
                for (int j = 0; j < n; j++) out[base + j * inner] = Math.exp(x.data()[base + j * inner] - max) / sum;
            }
        }
        return out;
    }

    static double[] norm(Op op, List<HostTensor> in, NormAttrs at) {
        HostTensor x = in.getFirst();
        HostTensor g = at.hasGamma() ? in.get(at.gammaIndex()) : null;
        HostTensor be = at.hasBeta() ? in.get(at.betaIndex()) : null;
        int d = (int) x.shape()[x.rank() - 1];
        int rows = d == 0 ? 0 : x.data().length / d;
        double[] out = new double[x.data().length];
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mean = 0, sq = 0;
            if (op == Op.LAYER_NORM) {
                for (int j = 0; j < d; j++) mean += x.data()[o + j];
                mean /= d;
            }
            for (int j = 0; j < d; j++) sq += (x.data()[o + j] - mean) * (x.data()[o + j] - mean);
            double inv = 1 / Math.sqrt(sq / d + at.eps());
            for (int j = 0; j < d; j++) {
                double y = (x.data()[o + j] - mean) * inv;
                if (g != null) y *= g.data()[j];
                if (be != null) y += be.data()[j];
                out[o + j] = y;
            }
        }
        return out;
    }

    static double[] rope(List<HostTensor> in, RopeAttrs at) {
        HostTensor x = in.getFirst();
        long[] sh = x.shape();
        int d = (int) sh[sh.length - 1], rot = at.rotaryDims(), half = rot / 2;
        long[] rowShape = java.util.Arrays.copyOf(sh, sh.length - 1);
        HostTensor pos = at.hasPositions() ? in.get(1).expand(rowShape) : null;
        int rows = d == 0 ? 0 : x.data().length / d;
        double[] out = x.data().clone();
        long[] idx = new long[rowShape.length];
        for (int r = 0; r < rows; r++) {
            double p = pos != null ? pos.data()[r] : at.start() + idx[at.seqAxis()];
            int o = r * d;
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(at.base(), -2.0 * i / rot);
                double c = Math.cos(angle), s = Math.sin(angle);
                int i0 = at.mode() == RopeMode.INTERLEAVED ? o + 2 * i : o + i;
                int i1 = at.mode() == RopeMode.INTERLEAVED ? o + 2 * i + 1 : o + i + half;
                double x0 = x.data()[i0], x1 = x.data()[i1];
                out[i0] = x0 * c - x1 * s;
                out[i1] = x0 * s + x1 * c;
            }
            Index.next(idx, rowShape);
        }
        return out;
    }
}
