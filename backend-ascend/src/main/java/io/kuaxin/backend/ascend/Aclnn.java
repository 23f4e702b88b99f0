package io.kuaxin.backend.ascend;

import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.StreamScratch;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The aclnn two-phase protocol: phase one ({@code aclnnXxxGetWorkspaceSize}) builds an executor from descriptors
 * and reports a workspace size; the workspace comes from the stream's scratch; phase two ({@code aclnnXxx}) enqueues
 * on the stream. Descriptors are destroyed after phase two is enqueued. A single-use executor is consumed by its
 * run; if the run never happens (workspace allocation or phase two failed) it is destroyed here.
 */
final class Aclnn {
    private Aclnn() {}

    /** Phase one of one op: creates its descriptors in {@code a}, returns the aclnn status. */
    @FunctionalInterface
    interface Phase1 {
        int call(AclArgs a, MemorySegment workspaceSize, MemorySegment executor) throws Throwable;
    }

    /**
     * Runs {@code op} once on {@code st}.
     *
     * @throws io.kuaxin.VendorException            naming the failing phase
     * @throws io.kuaxin.DeviceOutOfMemoryException if the workspace cannot be allocated
     */
    static void run(AscendStream st, String op, Phase1 phase1) {
        AscendSymbols s = st.dev.s;
        try (AclArgs a = new AclArgs(s)) {
            MemorySegment wsOut = a.arena.allocate(JAVA_LONG), exOut = a.arena.allocate(ADDRESS);
            int rc;
            try {
                rc = phase1.call(a, wsOut, exOut);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            st.errors().check(rc, op + "GetWorkspaceSize");
            long wsSize = wsOut.get(JAVA_LONG, 0);
            MemorySegment ex = exOut.get(ADDRESS, 0);
            boolean ran = false;
            try {
                long ws = st.scratch.get(StreamScratch.WORKSPACE, wsSize);
                rc = s.execute(op, Native.ptr(ws), wsSize, ex, st.handle);
                st.errors().check(rc, op);
                ran = true;
            } finally {
                if (!ran) destroy(s, ex);
            }
        }
    }

    /** Runs {@code op} through the stream's executor cache (see {@link ExecutorCache}). */
    static void runCached(AscendStream st, String op, String key, long[] inputs, long[] outputs, Phase1 phase1) {
        ExecutorCache.Entry e = st.executors.lookup(key);
        AscendSymbols s = st.dev.s;
        if (e == null) {
            AclArgs a = new AclArgs(s);
            MemorySegment ex = MemorySegment.NULL;
            try {
                MemorySegment wsOut = a.arena.allocate(JAVA_LONG), exOut = a.arena.allocate(ADDRESS);
                int rc = phase1.call(a, wsOut, exOut);
                st.errors().check(rc, op + "GetWorkspaceSize");
                ex = exOut.get(ADDRESS, 0);
                rc = (int) s.aclSetAclOpExecutorRepeatable.invokeExact(ex);
                st.errors().check(rc, "aclSetAclOpExecutorRepeatable");
                e = st.executors.put(key, new ExecutorCache.Entry(op, ex, wsOut.get(JAVA_LONG, 0), a, inputs.length));
            } catch (Throwable t) {
                destroy(s, ex);
                a.close();
                throw Native.rethrow(t);
            }
        } else {
            e.rebind(s, st.errors(), inputs, outputs);
        }
        long ws = st.scratch.get(StreamScratch.WORKSPACE, e.workspaceSize());
        int rc = s.execute(op, Native.ptr(ws), e.workspaceSize(), e.executor(), st.handle);
        st.errors().check(rc, op); // a failed run does not consume a repeatable executor: it stays cached
    }

    static void destroy(AscendSymbols s, MemorySegment executor) {
        if (executor == null || executor.address() == 0) return;
        try {
            int ignored = (int) s.aclDestroyAclOpExecutor.invokeExact(executor);
        } catch (Throwable ignored) {
            // only reached on a path that already reports an error
        }
    }
}
