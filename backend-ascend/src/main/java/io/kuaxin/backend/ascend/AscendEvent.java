package io.kuaxin.backend.ascend;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.ffm.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An {@code aclrtEvent} recorded on a stream when created. Owns the handle until {@link #close()}. Thread-safe;
 * each call binds the device to the calling thread.
 */
final class AscendEvent implements EventBackend {
    static final int ACL_EVENT_RECORDED_STATUS_COMPLETE = 1;
    private final AscendDevice dev;
    final MemorySegment handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Creates an event and records it on {@code stream}. @throws io.kuaxin.VendorException on failure */
    AscendEvent(AscendStream stream) {
        this.dev = stream.dev;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int rc = (int) dev.s.aclrtCreateEvent.invokeExact(p);
            dev.errors().check(rc, "aclrtCreateEvent");
            this.handle = p.get(ADDRESS, 0);
            rc = (int) dev.s.aclrtRecordEvent.invokeExact(handle, stream.handle);
            if (rc != 0) {
                RuntimeException e = dev.errors().error(rc, "aclrtRecordEvent");
                int ignored = (int) dev.s.aclrtDestroyEvent.invokeExact(handle);
                throw e;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public boolean isComplete() {
        dev.bind();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(JAVA_INT);
            int rc = (int) dev.s.aclrtQueryEventStatus.invokeExact(handle, status);
            dev.errors().check(rc, "aclrtQueryEventStatus");
            return status.get(JAVA_INT, 0) == ACL_EVENT_RECORDED_STATUS_COMPLETE;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void synchronize() {
        dev.bind();
        int rc = Native.status(() -> (int) dev.s.aclrtSynchronizeEvent.invokeExact(handle));
        dev.errors().check(rc, "aclrtSynchronizeEvent");
    }

    /** aclrtEventElapsedTime reports milliseconds. */
    @Override
    public float elapsedMillis(EventBackend start) {
        dev.bind();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            int rc = (int) dev.s.aclrtEventElapsedTime.invokeExact(ms, ((AscendEvent) start).handle, handle);
            dev.errors().check(rc, "aclrtEventElapsedTime");
            return ms.get(JAVA_FLOAT, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        dev.bind();
        int rc = Native.status(() -> (int) dev.s.aclrtDestroyEvent.invokeExact(handle));
        dev.errors().check(rc, "aclrtDestroyEvent");
    }
}
