package io.kuaxin.spi;

/**
 * A strided view copied into a dense output by device-to-device copies of its contiguous innermost runs: exact for
 * every dtype (bytes are moved, never converted), for backends whose vendor library has no strided copy kernel.
 * One copy per run, so it suits views whose innermost dimension is contiguous and long; enqueued on the stream.
 */
public final class StridedCopy {
    private StridedCopy() {}

    /** Enqueues on {@code stream} the copies that make dense {@code out} equal to the view {@code x}. */
    public static void byRuns(StreamBackend stream, TensorRef x, TensorRef out) {
        int es = x.dtype().byteSize(), r = x.rank();
        long run = r > 0 && x.strides()[r - 1] == 1 ? x.shape()[r - 1] : 1;
        int outer = run == 1 ? r : r - 1;
        long[] idx = new long[outer];
        long count = run == 0 ? 0 : x.numel() / run;
        for (long i = 0; i < count; i++) {
            long off = 0;
            for (int k = 0; k < outer; k++) off += idx[k] * x.strides()[k];
            stream.copyDeviceToDevice(x.address() + off * es, out.address() + i * run * es, run * es);
            for (int k = outer - 1; k >= 0; k--) {
                if (++idx[k] < x.shape()[k]) break;
                idx[k] = 0;
            }
        }
    }
}
