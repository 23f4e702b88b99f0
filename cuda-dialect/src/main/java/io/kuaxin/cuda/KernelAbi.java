package io.kuaxin.cuda;

import io.kuaxin.DType;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.spi.TensorRef;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernels' parameter layout, as {@code kx_kernel_abi.h} of the kernel sources defines it: a {@code KxTensor}
 * is {@code {u64 ptr; i32 dtype; i32 rank; i64 shape[8]; i64 stride[8]}} (144 bytes), dtype codes are
 * {@link DType}'s ordinals, and op codes and parameter structs are listed here with their C names. Stateless.
 */
final class KernelAbi {
    private KernelAbi() {}

    static final int VERSION = 2;
    /**
     * SHA-256 of the {@code kx_kernel_abi.h} this class writes the layout of. A test compares it with the shipped
     * header, so the header cannot change without this class being revisited.
     */
    static final String HEADER_SHA256 = "7e1a966c96cd05e4b10c614d8b3bb9447a8e31ed5af502d5364584a194300ce5";
    /** The ABI stamp a kernel binary for this layout carries next to it ({@code KernelBinaries.abiStamp()}). */
    static final String STAMP = "kxk-abi " + VERSION + " " + HEADER_SHA256;
    static final int MAX_DIMS = 8;
    static final long TENSOR_BYTES = 144;

    /** Every kernel of the image, in the order a host image lists them. */
    static final List<String> KERNELS = List.of("kx_unary", "kx_binary", "kx_softmax", "kx_norm", "kx_rope",
            "kx_reduce", "kx_embedding", "kx_attention", "kx_attn_prefill_mma", "kx_attn_split", "kx_attn_combine", "kx_epilogue",
            "kxk_abi_version");

    // kx_unary
    static final int IDENTITY = 0, RELU = 1, SILU = 2, GELU_TANH = 3, GELU_ERF = 4, EXP = 5;
    // kx_binary
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3;
    // kx_reduce
    static final int SUM = 0, MAX = 1, MEAN = 2, ARGMAX = 3;

    /** A view: address, dtype, extents and element strides (rank at most {@link #MAX_DIMS}). */
    record View(long address, DType dtype, long[] shape, long[] strides) {
        static View of(TensorRef t) { return new View(t.address(), t.dtype(), t.shape(), t.strides()); }

        /** The absent optional input. */
        static View absent() { return new View(0, DType.F32, new long[0], new long[0]); }

        int rank() { return shape.length; }

        long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        /** This view with dimension {@code axis} moved last (a reduction axis becomes the row). */
        View axisLast(int axis) {
            int r = rank();
            long[] s = new long[r], st = new long[r];
            for (int i = 0, j = 0; i < r; i++) {
                if (i == axis) continue;
                s[j] = shape[i];
                st[j++] = strides[i];
            }
            s[r - 1] = shape[axis];
            st[r - 1] = strides[axis];
            return new View(address, dtype, s, st);
        }

        /** This view without dimension {@code axis} (which must have extent 1 or be the one reduced away). */
        View drop(int axis) {
            int r = rank();
            long[] s = new long[r - 1], st = new long[r - 1];
            for (int i = 0, j = 0; i < r; i++) {
                if (i == axis) continue;
                s[j] = shape[i];
                st[j++] = strides[i];
            }
            return new View(address, dtype, s, st);
        }

        /** Numpy right-aligned broadcast to {@code to}: stride 0 where this view has extent 1 (or no dimension). */
        View broadcastTo(long[] to) {
            long[] st = new long[to.length];
            int off = to.length - rank();
            for (int i = 0; i < to.length; i++) {
                int k = i - off;
                st[i] = k < 0 || shape[k] == 1 && to[i] != 1 ? 0 : strides[k];
            }
            return new View(address, dtype, to.clone(), st);
        }
    }

    /** Writes a {@code KxTensor}. */
    static MemorySegment tensor(Arena a, View v, String op) {
        if (v.rank() > MAX_DIMS) {
            throw new UnsupportedOpException(op, List.of(v.dtype()), "a CUDA-family device",
                    "rank " + v.rank() + " exceeds the kernels' " + MAX_DIMS + " dimensions");
        }
        MemorySegment s = a.allocate(TENSOR_BYTES, 8);
        s.set(JAVA_LONG, 0, v.address());
        s.set(JAVA_INT, 8, v.dtype().ordinal());
        s.set(JAVA_INT, 12, v.rank());
        for (int i = 0; i < v.rank(); i++) {
            s.set(JAVA_LONG, 16 + 8L * i, v.shape()[i]);
            s.set(JAVA_LONG, 80 + 8L * i, v.strides()[i]);
        }
        return s;
    }

    static MemorySegment int32(Arena a, int v) {
        MemorySegment s = a.allocate(JAVA_INT);
        s.set(JAVA_INT, 0, v);
        return s;
    }

    /** {@code KxNormParams {double eps; i32 rms; i32 pad}}. */
    static MemorySegment normParams(Arena a, double eps, boolean rms) {
        MemorySegment s = a.allocate(16, 8);
        s.set(JAVA_DOUBLE, 0, eps);
        s.set(JAVA_INT, 8, rms ? 1 : 0);
        return s;
    }

    /** {@code KxRopeParams {double base; i64 start; i32 rotary_dims; i32 half_split; i32 seq_axis; i32 pad}}. */
    static MemorySegment ropeParams(Arena a, double base, long start, int rotaryDims, boolean halfSplit, int seqAxis) {
        MemorySegment s = a.allocate(32, 8);
        s.set(JAVA_DOUBLE, 0, base);
        s.set(JAVA_LONG, 8, start);
        s.set(JAVA_INT, 16, rotaryDims);
        s.set(JAVA_INT, 20, halfSplit ? 1 : 0);
        s.set(JAVA_INT, 24, seqAxis);
        return s;
    }

    /** {@code KxAttnParams {float scale; i32 causal}}. */
    static MemorySegment attnParams(Arena a, float scale, boolean causal) {
        MemorySegment s = a.allocate(8, 8);
        s.set(JAVA_FLOAT, 0, scale);
        s.set(JAVA_INT, 4, causal ? 1 : 0);
        return s;
    }

    /** {@code KxAttnSplitParams {float scale; i32 causal; i32 splits; i32 chunk}}. */
    static MemorySegment attnSplitParams(Arena a, float scale, boolean causal, int splits, int chunk) {
        MemorySegment s = a.allocate(16, 8);
        s.set(JAVA_FLOAT, 0, scale);
        s.set(JAVA_INT, 4, causal ? 1 : 0);
        s.set(JAVA_INT, 8, splits);
        s.set(JAVA_INT, 12, chunk);
        return s;
    }

    /** {@code KxEpilogueParams {double beta; i32 act; i32 pad}}; {@code act} is a {@code kx_unary} op code. */
    static MemorySegment epilogueParams(Arena a, double beta, int act) {
        MemorySegment s = a.allocate(16, 8);
        s.set(JAVA_DOUBLE, 0, beta);
        s.set(JAVA_INT, 8, act);
        return s;
    }

    /**
     * {@code null} if {@code stamp} (the line next to a kernel binary, or {@code null} if there is none) is this
     * layout's, else why the binary at {@code source} is stale and how to rebuild it.
     */
    static String stampMismatch(String stamp, String source, String rebuild) {
        if (stamp == null) {
            return "stale kernel binary " + source + ": it has no ABI stamp (" + source
                    + io.kuaxin.cuda.kernels.KernelBinaries.ABI_STAMP_SUFFIX + "), so its parameter layout is unknown;"
                    + " rebuild it: " + rebuild;
        }
        if (stamp.strip().equals(STAMP)) return null;
        return "stale kernel binary " + source + ": built for '" + stamp.strip() + "', this Kuaxin writes '" + STAMP
                + "'; rebuild it: " + rebuild;
    }

    /** The emulators' image: {@code "KXHOSTK1"}, NUL-terminated kernel names, an empty name. */
    static byte[] hostImage() {
        StringBuilder sb = new StringBuilder("KXHOSTK1");
        for (String k : KERNELS) sb.append(k).append('\0');
        sb.append('\0');
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
