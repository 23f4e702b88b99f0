package io.kuaxin.backend.ascend;

import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stream's repeatable aclnn executors, keyed by op, dtypes, shapes, strides and attributes (never addresses):
 * the next call with the same key rebinds the tensor addresses ({@code aclSetInputTensorAddr} /
 * {@code aclSetOutputTensorAddr}) and skips phase one. Only matmul uses it: its phase one (tiling) is the costly
 * one, its shapes repeat in inference, and every one of its tensor arguments is non-null, so rebinding by index is
 * unambiguous. Least recently used entries beyond {@link #CAPACITY} are destroyed with their descriptors.
 *
 * <p>Per stream, because a workspace and a repeatable executor must not be shared by work running concurrently.
 * Owned by its stream; not thread-safe.
 */
final class ExecutorCache implements AutoCloseable {
    static final int CAPACITY = 64;
    private final AscendStream stream;
    private final LinkedHashMap<String, ExecutorCache.Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExecutorCache.Entry> eldest) {
            if (size() <= CAPACITY) return false;
            stream.synchronize(); // the evicted executor may still be queued
            eldest.getValue().destroy(stream.dev.s);
            return true;
        }
    };

    ExecutorCache(AscendStream stream) { this.stream = stream; }

    /**
     * One cached executor and the descriptors it was built from (inputs first, in parameter order).
     */
    record Entry(String op, MemorySegment executor, long workspaceSize, AclArgs args, int inputCount) {
        void rebind(AscendSymbols s, AscendErrors errors, long[] inputs, long[] outputs) {
            try {
                for (int i = 0; i < inputs.length; i++) {
                    int rc = (int) s.aclSetInputTensorAddr.invokeExact(executor, (long) i, args.tensors.get(i),
                            Native.ptr(inputs[i]));
                    errors.check(rc, "aclSetInputTensorAddr");
                }
                for (int i = 0; i < outputs.length; i++) {
                    int rc = (int) s.aclSetOutputTensorAddr.invokeExact(executor, (long) i,
                            args.tensors.get(inputCount + i), Native.ptr(outputs[i]));
                    errors.check(rc, "aclSetOutputTensorAddr");
                }
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        }

        void destroy(AscendSymbols s) {
            Aclnn.destroy(s, executor);
            args.close();
        }
    }

    Entry lookup(String key) { return entries.get(key); }

    Entry put(String key, Entry e) {
        entries.put(key, e);
        return e;
    }

    int size() { return entries.size(); }

    /** Destroys every executor; the stream has been synchronised. */
    @Override
    public void close() {
        for (Entry e : entries.values()) e.destroy(stream.dev.s);
        entries.clear();
    }
}
