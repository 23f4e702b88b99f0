package io.kuaxin.conformance;

import io.kuaxin.Device;
import io.kuaxin.Event;
import io.kuaxin.KuaxinException;
import io.kuaxin.Matmul;
import io.kuaxin.OpContext;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.emulators.EmulatorControl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Injected vendor faults, synchronous and asynchronous, into every entry point a small workload calls: allocation,
 * copies in both directions, a matmul on its own stream, an event, stream and event teardown, synchronisation and
 * freeing the cache. The entry points are recorded from the emulator while the workload runs once, so every
 * vendor's own names are covered without a list. Each fault must end in a {@link KuaxinException} (from the call,
 * or from a later synchronisation for an asynchronous one) or be absorbed by a teardown path; afterwards the
 * device must compute correctly, the allocator must be back at its baseline and the emulator must hold no more
 * allocations and handles than before (except what a faulted free or destroy itself could not release).
 *
 * <p>Not thread-safe: one campaign at a time per emulator.
 */
final class FaultCampaign {
    /** Codes to inject, cycled: "unknown", "invalid value", "out of memory", "illegal address" in CUDA's numbering. */
    private static final int[] CODES = {999, 1, 2, 700};
    private static final float[] A = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final float[] B = {1, 0, 2, -1, 0, 1, 1, 2, -1, 1, 0, 1, 2, 0, 1, 0};

    /** What a campaign found. */
    static final class Tally {
        final List<String> entryPoints = new ArrayList<>();
        final Map<String, Integer> endedBy = new TreeMap<>();
        final Map<String, Integer> absorbedAt = new TreeMap<>(); // "[async ]function" -> count
        final List<String> failures = new ArrayList<>();
        int attempts, fired, sync, async, typed, surfacedAtSync, absorbed, releaseFaults;

        void fail(String what) { if (failures.size() < 50) failures.add(what); }
    }

    private final Device dev;
    private final EmulatorControl emu;
    private final float[] expected;

    FaultCampaign(Device dev, EmulatorControl emu) {
        this.dev = dev;
        this.emu = emu;
        this.expected = new float[16];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                float acc = 0;
                for (int k = 0; k < 4; k++) acc += A[r * 4 + k] * B[k * 4 + c];
                expected[r * 4 + c] = acc;
            }
        }
    }

    /** Injects until {@code target} faults have fired (or 6 × target attempts). */
    Tally run(int target) {
        Tally t = new Tally();
        emu.clearFaults();
        workload(); // warm: lazily created vendor state (handles, default streams) is not counted as a leak
        settle();
        emu.recordCalls(true);
        try {
            workload();
            settle();
        } finally {
            emu.recordCalls(false);
        }
        t.entryPoints.addAll(emu.recordedCalls());
        if (t.entryPoints.isEmpty()) {
            t.fail("the workload reached no entry point of " + emu.library().getFileName());
            return t;
        }
        long allocs = emu.liveAllocations(), handles = emu.liveHandles();
        long bytes = dev.memoryStats().allocatedBytes();
        int n = t.entryPoints.size();
        for (int i = 0; t.fired < target && i < 6 * target; i++) {
            String fn = t.entryPoints.get(i % n);
            int nth = 1 + (i / n) % 3;
            boolean async = (i / (3 * n)) % 2 == 1;
            int code = CODES[i % CODES.length];
            t.attempts++;
            long firedBefore = emu.faultsFired();
            if (async) emu.injectAsyncFault(fn, nth, code);
            else emu.injectFault(fn, nth, code);
            String what = (async ? "async " : "") + fn + " call " + nth + " code " + code;
            RuntimeException ended = null;
            try {
                workload();
            } catch (KuaxinException e) {
                ended = e;
            } catch (RuntimeException | Error e) {
                t.fail(what + ": untyped " + e);
            }
            emu.clearFaults();
            boolean fired = emu.faultsFired() > firedBefore;
            boolean surfaced = false;
            try {
                dev.synchronize(); // an asynchronous error not yet reported comes out here, once
            } catch (KuaxinException e) {
                surfaced = true;
                if (ended == null) ended = e;
            } catch (RuntimeException | Error e) {
                t.fail(what + ": untyped at synchronize " + e);
            }
            if (fired) {
                t.fired++;
                if (async) t.async++;
                else t.sync++;
                if (ended != null) {
                    t.typed++;
                    if (surfaced) t.surfacedAtSync++;
                    t.endedBy.merge(ended.getClass().getSimpleName(), 1, Integer::sum);
                } else {
                    t.absorbed++;
                    t.absorbedAt.merge((async ? "async " : "") + fn, 1, Integer::sum);
                }
            }
            // afterwards: usable, nothing held, nothing leaked
            try {
                settle();
                workload();
                settle();
            } catch (RuntimeException | Error e) {
                t.fail(what + ": device unusable afterwards: " + e);
                continue;
            }
            long nowBytes = dev.memoryStats().allocatedBytes();
            if (nowBytes != bytes) t.fail(what + ": allocator holds " + nowBytes + " bytes, baseline " + bytes);
            long a = emu.liveAllocations(), h = emu.liveHandles();
            if (a != allocs || h != handles) {
                if (fired && !async && releases(fn)) {
                    t.releaseFaults++; // the faulted free/destroy did nothing, as the emulator models it
                    allocs = a;
                    handles = h;
                } else {
                    t.fail(what + ": emulator holds " + a + " allocations and " + h + " handles, baseline " + allocs
                            + " and " + handles);
                    allocs = a;
                    handles = h;
                }
            }
        }
        return t;
    }

    /** A vendor call that releases something: a fault there leaves that object behind by definition. */
    static boolean releases(String fn) {
        String f = fn.toLowerCase(Locale.ROOT);
        return f.contains("free") || f.contains("destroy") || f.contains("release") || f.contains("reset");
    }

    private void settle() {
        dev.synchronize();
        dev.emptyCache();
    }

    /**
     * Upload, a matmul on a new stream, an event, download, teardown. Throws whatever Kuaxin throws; a result that
     * comes back must be right (a fault may fail a call, never corrupt an answer silently).
     */
    private void workload() {
        try (Scope s = dev.scope()) {
            Stream st = dev.newStream();
            try {
                Tensor a = s.copyOf(A, Shape.of(4, 4)), b = s.copyOf(B, Shape.of(4, 4));
                OpContext on = Ops.on(st);
                Tensor c = on.matmul(a, b, Matmul.options());
                try (Event e = st.record()) {
                    e.synchronize();
                }
                float[] got = c.toFloatArray();
                if (!java.util.Arrays.equals(got, expected)) {
                    throw new AssertionError("wrong result without an error: " + java.util.Arrays.toString(got));
                }
            } finally {
                st.close();
            }
        }
    }
}
