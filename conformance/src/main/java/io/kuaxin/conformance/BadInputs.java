package io.kuaxin.conformance;

import io.kuaxin.Attention;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.KuaxinException;
import io.kuaxin.Matmul;
import io.kuaxin.OpContext;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.op.Op;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generated bad input, from a seed: calls the front door must refuse (wrong shapes, dtypes, strides, devices,
 * closed tensors, aliasing outputs, sizes beyond memory), and input it lets through that must still come out
 * right (NaN/Inf payloads, aliased and strided inputs, out-of-range embedding ids). Every refusal must be a
 * {@link KuaxinException}; anything else, a refusal that did not happen, or a wrong result is a failure.
 * Every {@value #CHECK_EVERY} cases the device is synchronised and the allocator must be back at its baseline.
 *
 * <p>Not thread-safe: one run at a time per device.
 */
final class BadInputs {
    static final int CHECK_EVERY = 500;

    /** What a run found. */
    static final class Tally {
        final Map<String, Integer> refusedBy = new TreeMap<>(); // exception class -> count
        final Map<String, Integer> kinds = new TreeMap<>();      // case kind -> count
        final List<String> failures = new ArrayList<>();
        int refused, computed, checks;

        int total() { return refused + computed; }

        void kind(String k) { kinds.merge(k, 1, Integer::sum); }

        void fail(String what) { if (failures.size() < 50) failures.add(what); }
    }

    private enum Kind {
        MATMUL_INNER, MATMUL_DTYPE, MATMUL_RANK1, MATMUL_OUT_ALIAS, ADD_NO_BROADCAST, ADD_OUT_SHAPE, ADD_OUT_DTYPE,
        ADD_OUT_STRIDED, ADD_OUT_OVERLAP, SOFTMAX_AXIS, SOFTMAX_INT, LAYER_NORM_GAMMA, RESHAPE_NUMEL, SLICE_RANGE,
        PERMUTE_BAD, CLOSED_INPUT, CLOSED_OUT, OTHER_DEVICE, BEYOND_MEMORY, NUMEL_OVERFLOW, NEGATIVE_DIM,
        ATTENTION_RANK, ATTENTION_HEADS, EMBEDDING_FLOAT_IDS,
        // let through by the front door: must compute correctly
        NAN_PAYLOAD, INF_PAYLOAD, ALIASED_INPUTS, STRIDED_INPUT, EMBEDDING_ID_OUT_OF_RANGE
    }

    private static final Kind[] REFUSED = java.util.Arrays.stream(Kind.values())
            .filter(k -> k.ordinal() < Kind.NAN_PAYLOAD.ordinal()).toArray(Kind[]::new);
    private static final Kind[] THROUGH = {Kind.NAN_PAYLOAD, Kind.INF_PAYLOAD, Kind.ALIASED_INPUTS,
            Kind.STRIDED_INPUT, Kind.EMBEDDING_ID_OUT_OF_RANGE};

    private final Device dev;
    private final Device other;
    private final OpContext ops;
    private final SplittableRandom rnd;
    private Scope pool;
    private Scope otherPool;
    private final Map<String, Tensor> tensors = new HashMap<>();
    private final Tensor closed;

    /**
     * @param other a device of another runtime (same backend is fine): its tensors must be refused on {@code dev}
     */
    BadInputs(Device dev, Device other, OpContext ops, long seed) {
        this.dev = dev;
        this.other = other;
        this.ops = ops;
        this.rnd = new SplittableRandom(seed);
        this.pool = dev.scope();
        this.otherPool = other.scope();
        Tensor c = dev.copyOf(new float[] {1, 2, 3, 4}, Shape.of(2, 2));
        c.close();
        this.closed = c;
    }

    /** Runs {@code n} cases; about one in ten is input the front door lets through. */
    Tally run(int n) {
        Tally t = new Tally();
        dev.synchronize(); // in-flight copies keep their buffers until they complete
        long baseline = dev.memoryStats().allocatedBytes();
        try {
            for (int i = 0; i < n; i++) {
                Kind k = i % 10 == 9 ? THROUGH[rnd.nextInt(THROUGH.length)] : REFUSED[rnd.nextInt(REFUSED.length)];
                t.kind(k.name().toLowerCase(java.util.Locale.ROOT));
                one(k, i, t);
                if ((i + 1) % CHECK_EVERY == 0) checkpoint(t, baseline, i);
            }
            checkpoint(t, baseline, n);
        } finally {
            pool.close();
            otherPool.close();
        }
        return t;
    }

    /**
     * Closes the pooled tensors, waits for the device, and checks the allocator is back at {@code baseline} and
     * the device still computes; then starts a new pool.
     */
    private void checkpoint(Tally t, long baseline, int i) {
        t.checks++;
        pool.close();
        otherPool.close();
        tensors.clear();
        dev.synchronize();
        long now = dev.memoryStats().allocatedBytes();
        if (now != baseline) t.fail("after case " + i + ": allocator holds " + now + " bytes, baseline " + baseline);
        pool = dev.scope();
        otherPool = other.scope();
        if (dev.supportsOp(Op.MATMUL, DType.F32, DType.F32)) {
            float[] r = ops.matmul(get(DType.F32, 2, 2), get(DType.F32, 2, 2)).toFloatArray();
            if (!java.util.Arrays.equals(r, new float[] {4, 1, 0, 1})) {
                t.fail("after case " + i + ": device gives " + java.util.Arrays.toString(r));
            }
        }
    }

    private void one(Kind k, int i, Tally t) {
        try {
            switch (k) {
                case NAN_PAYLOAD, INF_PAYLOAD -> { payload(k == Kind.NAN_PAYLOAD, t, i); return; }
                case ALIASED_INPUTS -> { aliased(t, i); return; }
                case STRIDED_INPUT -> { strided(t, i); return; }
                case EMBEDDING_ID_OUT_OF_RANGE -> { embeddingOutOfRange(t, i); return; }
                default -> refuse(k);
            }
            t.fail("case " + i + " " + k + ": not refused");
        } catch (KuaxinException e) {
            if (k.ordinal() >= Kind.NAN_PAYLOAD.ordinal()) {
                t.fail("case " + i + " " + k + ": valid input refused: " + e);
                return;
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) t.fail("case " + i + " " + k + ": empty message");
            t.refused++;
            t.refusedBy.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        } catch (RuntimeException | Error e) {
            t.fail("case " + i + " " + k + ": " + e);
        }
    }

    private int dim() { return 1 + rnd.nextInt(5); }

    /** A pooled tensor of that dtype and shape, created once (values: small integers, exact in every dtype). */
    private Tensor get(DType dt, long... dims) {
        return tensor(dev, pool, dt, dims);
    }

    private Tensor tensor(Device d, Scope s, DType dt, long... dims) {
        String key = System.identityHashCode(d) + dt.label() + java.util.Arrays.toString(dims);
        return tensors.computeIfAbsent(key, x -> {
            Shape shape = Shape.of(dims);
            float[] v = new float[Math.toIntExact(shape.numel())];
            for (int j = 0; j < v.length; j++) v[j] = (j % 5) - 2;
            if (dt == DType.BOOL) for (int j = 0; j < v.length; j++) v[j] = j % 2;
            if (dt == DType.U8) for (int j = 0; j < v.length; j++) v[j] = j % 5;
            return s.copyOf(v, dt, shape);
        });
    }

    /** Calls that must be refused; returns normally only if the call went through. */
    private void refuse(Kind k) {
        int m = dim(), kk = dim(), n = dim();
        switch (k) {
            case MATMUL_INNER -> ops.matmul(get(DType.F32, m, kk), get(DType.F32, kk + 1 + rnd.nextInt(3), n));
            case MATMUL_DTYPE -> ops.matmul(get(DType.F32, m, kk),
                    get(pick(DType.F16, DType.BF16, DType.I32, DType.F64), kk, n));
            case MATMUL_RANK1 -> ops.matmul(get(DType.F32, kk), get(DType.F32, kk, n));
            case MATMUL_OUT_ALIAS -> {
                Tensor a = get(DType.F32, m, m);
                try (Tensor bv = get(DType.F32, m, m, 1).reshape(m, m)) { // a view of another tensor's memory
                    ops.matmul(a, bv, Matmul.options(), rnd.nextBoolean() ? a : bv);
                }
            }
            case ADD_NO_BROADCAST -> {
                int n2 = n + 1 + rnd.nextInt(3);
                ops.add(get(DType.F32, m, n + 1), get(DType.F32, m, n2 + 1));
            }
            case ADD_OUT_SHAPE -> ops.add(get(DType.F32, m, n), get(DType.F32, m, n), get(DType.F32, m, n + 1));
            case ADD_OUT_DTYPE -> ops.add(get(DType.F32, m, n), get(DType.F32, m, n),
                    get(pick(DType.F16, DType.BF16, DType.I32, DType.F64), m, n));
            case ADD_OUT_STRIDED -> {
                int s = 2 + rnd.nextInt(4);
                try (Tensor view = get(DType.F32, s, s).transpose(0, 1)) {
                    ops.add(get(DType.F32, s, s), get(DType.F32, s, s), view);
                }
            }
            case ADD_OUT_OVERLAP -> {
                m++; // rows [0, m) and [1, m + 1) overlap when m >= 2
                Tensor big = get(DType.F32, m + 1, n);
                try (Tensor in = big.slice(0, 0, m); Tensor out = big.slice(0, 1, m + 1)) {
                    ops.add(in, get(DType.F32, m, n), out);
                }
            }
            case SOFTMAX_AXIS -> {
                int axis = rnd.nextBoolean() ? 2 + rnd.nextInt(3) : -3 - rnd.nextInt(3);
                ops.softmax(get(DType.F32, m, n), axis);
            }
            case SOFTMAX_INT -> ops.softmax(get(pick(DType.I32, DType.I64, DType.I8, DType.BOOL), m, n));
            case LAYER_NORM_GAMMA -> ops.layerNorm(get(DType.F32, m, n), get(DType.F32, n + 1 + rnd.nextInt(3)),
                    null, 1e-5);
            case RESHAPE_NUMEL -> get(DType.F32, m, n).reshape((long) m * n + 1 + rnd.nextInt(4));
            case SLICE_RANGE -> get(DType.F32, m, n).slice(rnd.nextInt(2), 1 + rnd.nextInt(3), 0);
            case PERMUTE_BAD -> get(DType.F32, m, n, kk).permute(rnd.nextBoolean() ? new int[] {0, 0, 1}
                    : new int[] {0, 1, 3});
            case CLOSED_INPUT -> ops.add(closed, get(DType.F32, 2, 2));
            case CLOSED_OUT -> ops.add(get(DType.F32, 2, 2), get(DType.F32, 2, 2), closed);
            case OTHER_DEVICE -> ops.add(get(DType.F32, m, n), tensor(other, otherPool, DType.F32, m, n));
            case BEYOND_MEMORY -> {
                // far beyond any device (2^(43..46) bytes): refused without touching memory that does not exist
                long elems = 1L << (41 + rnd.nextInt(4));
                pool.empty(DType.F32, Shape.of(elems)).close();
            }
            case NUMEL_OVERFLOW -> pool.empty(DType.F32, Shape.of(1L << 32, 1L << 32));
            case NEGATIVE_DIM -> pool.empty(DType.F32, Shape.of(m, -1 - rnd.nextInt(4)));
            case ATTENTION_RANK -> {
                Tensor q = get(DType.F32, 2, m, 8);
                ops.attention(q, q, q);
            }
            case ATTENTION_HEADS -> ops.attention(get(DType.F32, 1, 6, m, 8), get(DType.F32, 1, 4, n, 8),
                    get(DType.F32, 1, 4, n, 8), Attention.defaults());
            case EMBEDDING_FLOAT_IDS -> ops.embedding(get(DType.F32, 8, n), get(pick(DType.F32, DType.F16), m));
            default -> throw new IllegalStateException(k.name());
        }
    }

    @SafeVarargs
    private <T> T pick(T... options) { return options[rnd.nextInt(options.length)]; }

    // ------------------------------------------------------------------ let through: must compute correctly

    /** A NaN or +Inf in row r of A makes row r of A·B NaN or +Inf (B positive), and leaves the other rows finite. */
    private void payload(boolean nan, Tally t, int i) {
        int m = 2 + rnd.nextInt(4), k = dim(), n = dim(), r = rnd.nextInt(m), c = rnd.nextInt(k);
        float[] a = new float[m * k], b = new float[k * n];
        for (int j = 0; j < a.length; j++) a[j] = (j % 3) + 1;
        for (int j = 0; j < b.length; j++) b[j] = (j % 4) + 1;
        a[r * k + c] = nan ? Float.NaN : Float.POSITIVE_INFINITY;
        if (!dev.supportsOp(Op.MATMUL, DType.F32, DType.F32)) {
            t.computed++;
            return;
        }
        try (Scope s = dev.scope()) {
            float[] out = ops.matmul(s.copyOf(a, Shape.of(m, k)), s.copyOf(b, Shape.of(k, n))).toFloatArray();
            for (int row = 0; row < m; row++) {
                for (int col = 0; col < n; col++) {
                    float v = out[row * n + col];
                    boolean ok = row != r ? Float.isFinite(v) : nan ? Float.isNaN(v) : v == Float.POSITIVE_INFINITY;
                    if (!ok) {
                        t.fail("case " + i + (nan ? " NaN" : " Inf") + " payload: out[" + row + "," + col + "] = " + v);
                        return;
                    }
                }
            }
        }
        t.computed++;
    }

    /** matmul(a, a) and add(a, a, a): one tensor in several roles, compared with a host computation. */
    private void aliased(Tally t, int i) {
        int n = 1 + rnd.nextInt(5);
        float[] a = new float[n * n];
        for (int j = 0; j < a.length; j++) a[j] = (j % 7) - 3;
        try (Scope s = dev.scope()) {
            Tensor x = s.copyOf(a, Shape.of(n, n));
            if (dev.supportsOp(Op.MATMUL, DType.F32, DType.F32)) {
                expect(t, i, "matmul(a, a)", ops.matmul(x, x).toFloatArray(), hostMatmul(a, a, n, n, n, false));
            }
            if (dev.supportsOp(Op.ADD, DType.F32, DType.F32)) {
                ops.add(x, x, x); // element-for-element in place: allowed
                float[] twice = a.clone();
                for (int j = 0; j < twice.length; j++) twice[j] *= 2;
                expect(t, i, "add(a, a, out=a)", x.toFloatArray(), twice);
            }
        }
        t.computed++;
    }

    /** A transposed (non-contiguous) view as a matmul input. */
    private void strided(Tally t, int i) {
        int m = dim(), k = dim(), n = dim();
        float[] at = new float[k * m], b = new float[k * n];
        for (int j = 0; j < at.length; j++) at[j] = (j % 5) - 2;
        for (int j = 0; j < b.length; j++) b[j] = (j % 3) - 1;
        if (dev.supportsOp(Op.MATMUL, DType.F32, DType.F32)) {
            try (Scope s = dev.scope()) {
                Tensor aT = s.copyOf(at, Shape.of(k, m));
                try (Tensor view = aT.transpose(0, 1)) {
                    expect(t, i, "matmul(aT.transpose, b)", ops.matmul(view, s.copyOf(b, Shape.of(k, n))).toFloatArray(),
                            hostMatmul(at, b, m, k, n, true));
                }
            }
        }
        t.computed++;
    }

    /** Ids are device data: an id outside [0, V) gives a row of zeros (documented), never a fault. */
    private void embeddingOutOfRange(Tally t, int i) {
        int v = 2 + rnd.nextInt(6), d = dim();
        long bad = rnd.nextBoolean() ? v + rnd.nextInt(1000) : -1 - rnd.nextInt(1000);
        if (dev.supportsOp(Op.EMBEDDING, DType.F32, DType.I64)) {
            float[] table = new float[v * d];
            for (int j = 0; j < table.length; j++) table[j] = j + 1;
            try (Scope s = dev.scope()) {
                float[] out = ops.embedding(s.copyOf(table, Shape.of(v, d)), s.copyOf(new long[] {0, bad},
                        Shape.of(2))).toFloatArray();
                float[] want = new float[2 * d];
                System.arraycopy(table, 0, want, 0, d);
                expect(t, i, "embedding id " + bad, out, want);
            }
        }
        t.computed++;
    }

    private static float[] hostMatmul(float[] a, float[] b, int m, int k, int n, boolean aTransposed) {
        float[] c = new float[m * n];
        for (int r = 0; r < m; r++) {
            for (int col = 0; col < n; col++) {
                double acc = 0;
                for (int j = 0; j < k; j++) acc += (double) (aTransposed ? a[j * m + r] : a[r * k + j]) * b[j * n + col];
                c[r * n + col] = (float) acc;
            }
        }
        return c;
    }

    /** Small integers: every backend's fp32 path is exact here. */
    private static void expect(Tally t, int i, String what, float[] got, float[] want) {
        if (!java.util.Arrays.equals(got, want)) {
            t.fail("case " + i + " " + what + ": got " + java.util.Arrays.toString(got) + ", want "
                    + java.util.Arrays.toString(want));
        }
    }
}
