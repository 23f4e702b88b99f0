package io.kuaxin;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An in-order queue of work on one device: copies and ops enqueued here run asynchronously, in order, and other
 * streams can wait for them through {@link Event}s. A stream keeps every tensor buffer and host staging buffer
 * its in-flight work uses alive until that work completes, so closing a tensor early is always safe.
 *
 * <p>Reads wait for writes automatically: work that reads a tensor last written on another stream of the same
 * device first waits for that stream's work.
 *
 * <p>Thread-safe (calls are serialised). The device's default stream is owned by the device; streams from
 * {@link Device#newStream()} are owned by the caller and closed with {@link #close()} (which waits for their work).
 */
public final class Stream implements AutoCloseable {
    private final Device device;
    final StreamBackend spi;
    private final InFlight inFlight;
    private final boolean isDefault;
    private boolean closed;

    Stream(Device device, StreamBackend spi, boolean isDefault) {
        this.device = device;
        this.spi = spi;
        this.inFlight = new InFlight(spi);
        this.isDefault = isDefault;
    }

    public Device device() { return device; }

    /**
     * Enqueues a copy of {@code src} into {@code dst}. Both must have the same dtype and shape and be contiguous;
     * they may live on any devices, including devices of different backends (then the copy is staged through host
     * memory: it waits for {@code src}'s data, and is asynchronous with respect to {@code dst}'s device).
     *
     * @throws InvalidArgumentException if dtypes or shapes differ or a tensor is not contiguous
     * @throws ClosedResourceException  if a tensor or this stream is closed
     */
    public void copy(Tensor src, Tensor dst) {
        src.checkOpen();
        dst.checkOpen();
        if (src.dtype() != dst.dtype() || !src.shape().equals(dst.shape())) {
            throw new InvalidArgumentException("copy needs equal dtype and shape: source is " + src.dtype().label()
                    + src.shape() + ", destination " + dst.dtype().label() + dst.shape());
        }
        if (!src.isContiguous() || !dst.isContiguous()) {
            throw new InvalidArgumentException("copy needs contiguous tensors; call contiguous() first");
        }
        if (dst.device() != device) {
            throw new InvalidArgumentException("copy is enqueued on the destination's stream: " + dst.device().id()
                    + ", not " + device.id());
        }
        long bytes = src.byteSize();
        if (bytes == 0) return;
        if (src.device() == device) {
            synchronized (this) {
                checkOpen();
                awaitWriter(src.storage);
                awaitWriter(dst.storage);
                spi.copyDeviceToDevice(src.address(), dst.address(), bytes);
                hold(src.storage);
                hold(dst.storage);
                dst.storage.lastWriter = this;
                inFlight.opEnqueued();
            }
            return;
        }
        // Different device: stage through host. The source side completes before we return.
        HostPool.Lease staging = src.device().hostPool.take(bytes);
        try {
            src.device().defaultStream().copyToHost(src, staging.segment);
        } catch (RuntimeException e) {
            staging.release();
            throw e;
        }
        upload(staging, dst); // releases the staging buffer itself on failure
    }

    /**
     * Copies {@code src} (host memory, exactly {@code dst.byteSize()} bytes, in {@code dst}'s dtype and row-major
     * order) into {@code dst}. The bytes are first copied into a staging buffer, so {@code src} may be freed as soon
     * as this returns; the device copy is asynchronous.
     */
    public void copyFromHost(MemorySegment src, Tensor dst) {
        dst.checkOpen();
        if (!dst.isContiguous()) throw new InvalidArgumentException("copyFromHost needs a contiguous destination");
        if (dst.isReadOnly()) throw new InvalidArgumentException("copyFromHost: " + dst + " is a prepacked weight (read-only)");
        if (src.byteSize() != dst.byteSize()) {
            throw new InvalidArgumentException("host segment has " + src.byteSize() + " bytes but " + dst
                    + " needs " + dst.byteSize());
        }
        if (dst.device() != device) {
            throw new InvalidArgumentException("destination is on " + dst.device().id() + ", stream on " + device.id());
        }
        if (src.byteSize() == 0) return;
        HostPool.Lease staging = device.hostPool.take(src.byteSize());
        staging.segment.copyFrom(src);
        upload(staging, dst);
    }

    /** Enqueues staging -> dst and hands the staging buffer to the in-flight set (released on failure too). */
    void upload(HostPool.Lease staging, Tensor dst) {
        synchronized (this) {
            try {
                checkOpen();
                awaitWriter(dst.storage);
                spi.copyHostToDevice(staging.segment, dst.address(), staging.segment.byteSize());
            } catch (RuntimeException e) {
                staging.release();
                throw e;
            }
            inFlight.hold(staging);
            hold(dst.storage);
            dst.storage.lastWriter = this;
            inFlight.opEnqueued();
        }
    }

    /**
     * Copies contiguous {@code src} into host memory {@code dst} (exactly {@code src.byteSize()} bytes) and waits
     * for it, together with everything enqueued on this stream before.
     */
    public void copyToHost(Tensor src, MemorySegment dst) {
        src.checkOpen();
        if (!src.isContiguous()) throw new InvalidArgumentException("copyToHost needs a contiguous source");
        if (dst.byteSize() != src.byteSize()) {
            throw new InvalidArgumentException("host segment has " + dst.byteSize() + " bytes but " + src
                    + " has " + src.byteSize());
        }
        if (src.device() != device) {
            throw new InvalidArgumentException("source is on " + src.device().id() + ", stream on " + device.id());
        }
        if (dst.byteSize() == 0) return;
        HostPool.Lease staging = device.hostPool.take(dst.byteSize()); // written by the device's copy engine
        try {
            synchronized (this) {
                checkOpen();
                awaitWriter(src.storage);
                spi.copyDeviceToHost(src.address(), staging.segment, dst.byteSize());
                syncLocked();
            }
            dst.copyFrom(staging.segment);
        } finally {
            staging.release();
        }
    }

    /**
     * Enqueues a copy of contiguous {@code src} into {@code dst} (at least {@code src.byteSize()} bytes, written from
     * offset 0) and returns at once; the data is there once this stream's work up to here completed (see
     * {@link #record()}). The stream keeps {@code dst} alive until then.
     */
    public void copyToHost(Tensor src, HostBuffer dst) {
        src.checkOpen();
        if (!src.isContiguous()) throw new InvalidArgumentException("copyToHost needs a contiguous source");
        if (dst.byteSize() < src.byteSize()) {
            throw new InvalidArgumentException("host buffer has " + dst.byteSize() + " bytes but " + src + " has "
                    + src.byteSize());
        }
        if (src.device() != device || dst.device() != device) {
            throw new InvalidArgumentException("source " + src.device().id() + " and host buffer "
                    + dst.device().id() + " must belong to this stream's device " + device.id());
        }
        if (src.byteSize() == 0) return;
        synchronized (this) {
            checkOpen();
            dst.retain();
            try {
                awaitWriter(src.storage);
                spi.copyDeviceToHost(src.address(), dst.segment(), src.byteSize());
            } catch (RuntimeException e) {
                dst.release();
                throw e;
            }
            inFlight.hold(dst);
            hold(src.storage);
            inFlight.opEnqueued();
        }
    }

    /**
     * Enqueues a copy of the first {@code dst.byteSize()} bytes of {@code src} into contiguous {@code dst} without
     * an extra staging copy, and returns at once. Don't write {@code src} until the copy completed.
     */
    public void copyFromHost(HostBuffer src, Tensor dst) {
        dst.checkOpen();
        if (!dst.isContiguous()) throw new InvalidArgumentException("copyFromHost needs a contiguous destination");
        if (dst.isReadOnly()) throw new InvalidArgumentException("copyFromHost: " + dst + " is a prepacked weight (read-only)");
        if (src.byteSize() < dst.byteSize()) {
            throw new InvalidArgumentException("host buffer has " + src.byteSize() + " bytes but " + dst
                    + " needs " + dst.byteSize());
        }
        if (dst.device() != device || src.device() != device) {
            throw new InvalidArgumentException("destination " + dst.device().id() + " and host buffer "
                    + src.device().id() + " must belong to this stream's device " + device.id());
        }
        if (dst.byteSize() == 0) return;
        synchronized (this) {
            checkOpen();
            src.retain();
            try {
                awaitWriter(dst.storage);
                spi.copyHostToDevice(src.segment(), dst.address(), dst.byteSize());
            } catch (RuntimeException e) {
                src.release();
                throw e;
            }
            inFlight.hold(src);
            hold(dst.storage);
            dst.storage.lastWriter = this;
            inFlight.opEnqueued();
        }
    }

    /** Records an event after all work enqueued so far; the caller closes it. */
    public Event record() {
        synchronized (this) {
            checkOpen();
            return new Event(device, spi.recordEvent());
        }
    }

    /**
     * Makes work enqueued later on this stream wait until {@code event} completes.
     *
     * @throws InvalidArgumentException if the event belongs to another device
     */
    public void waitFor(Event event) {
        event.check();
        if (event.device() != device) {
            throw new InvalidArgumentException("event is on " + event.device().id() + ", stream on " + device.id()
                    + "; to order work across devices, synchronize the event on the host");
        }
        synchronized (this) {
            checkOpen();
            spi.waitEvent(event.spi);
        }
    }

    /** Blocks until all work enqueued on this stream has completed, then releases what it held. */
    public void synchronize() {
        synchronized (this) {
            checkOpen();
            syncLocked();
        }
    }

    private void syncLocked() {
        try {
            spi.synchronize();
        } finally {
            inFlight.releaseAll();
        }
    }

    /**
     * Enqueues a validated kernel call. Front doors only.
     *
     * @return the kernel name for provenance
     */
    String launch(KernelCall call, List<Tensor> reads, List<Tensor> writes) {
        synchronized (this) {
            checkOpen();
            for (Tensor t : reads) awaitWriter(t.storage);
            for (Tensor t : writes) awaitWriter(t.storage);
            String kernel = spi.execute(call);
            for (Tensor t : reads) hold(t.storage);
            for (Tensor t : writes) {
                hold(t.storage);
                t.storage.lastWriter = this;
            }
            inFlight.opEnqueued();
            return kernel;
        }
    }

    /**
     * Enqueues work that a library outside Kuaxin's op set performs on this stream (a collective library call),
     * ordered with the stream's other work: it first waits for the writers of {@code reads} and {@code writes} on
     * other streams, and the stream keeps every one of them alive until the work completes. {@code work} runs on the
     * calling thread, under this stream's lock, and must only enqueue (through its {@link ExternalWork.Target}).
     *
     * @throws ClosedResourceException if this stream or a tensor is closed
     * @throws InvalidArgumentException if a tensor belongs to another device
     */
    public void enqueueExternal(List<Tensor> reads, List<Tensor> writes, ExternalWork work) {
        for (Tensor t : reads) checkTensor(t);
        for (Tensor t : writes) checkTensor(t);
        synchronized (this) {
            checkOpen();
            for (Tensor t : reads) awaitWriter(t.storage);
            for (Tensor t : writes) awaitWriter(t.storage);
            work.enqueue(new ExternalWork.Target() {
                @Override public long nativeStream() { return spi.nativeHandle(); }
                @Override public long address(Tensor t) {
                    if (!reads.contains(t) && !writes.contains(t)) {
                        throw new InvalidArgumentException("address of a tensor not declared as read or written");
                    }
                    return t.address();
                }
                @Override public void enqueueHost(Runnable action) { spi.enqueueHost(action); }
            });
            for (Tensor t : reads) hold(t.storage);
            for (Tensor t : writes) {
                hold(t.storage);
                t.storage.lastWriter = this;
            }
            inFlight.opEnqueued();
        }
    }

    private void checkTensor(Tensor t) {
        t.checkOpen();
        if (t.device() != device) {
            throw new InvalidArgumentException("tensor is on " + t.device().id() + ", stream on " + device.id());
        }
    }

    void fill(Tensor dst, byte value) {
        synchronized (this) {
            checkOpen();
            awaitWriter(dst.storage);
            spi.fill(dst.address(), dst.byteSize(), value);
            hold(dst.storage);
            dst.storage.lastWriter = this;
            inFlight.opEnqueued();
        }
    }

    private void hold(Storage s) {
        if (s.blockSize == 0) return;
        s.retain();
        inFlight.hold(s);
    }

    /** If another stream of this device last wrote {@code s}, make this stream wait for it. */
    private void awaitWriter(Storage s) {
        Stream w = s.lastWriter;
        if (w == null || w == this || w.device != device) return;
        EventBackend e;
        synchronized (w) {
            if (w.closed) return; // closing waited for its work
            e = w.spi.recordEvent();
        }
        try {
            spi.waitEvent(e);
        } catch (RuntimeException x) {
            e.close(); // a failed wait must not leak the event it was given
            throw x;
        }
        inFlight.hold(e::close);
    }

    void checkOpen() {
        if (closed) throw new ClosedResourceException("stream on " + device.id() + " is closed");
        device.checkOpen();
    }

    boolean isDefault() { return isDefault; }

    /**
     * Waits for the stream's work and destroys it.
     *
     * @throws InvalidArgumentException if this is the device's default stream (the device owns it)
     * @throws ClosedResourceException  if already closed
     */
    @Override
    public void close() {
        if (isDefault) {
            throw new InvalidArgumentException("the default stream of " + device.id() + " is owned by the device");
        }
        try {
            closeInternal();
        } finally {
            device.forget(this); // closed even if its last synchronisation failed: the device must not keep it
        }
    }

    synchronized void closeInternal() {
        if (closed) throw new ClosedResourceException("stream on " + device.id() + " was already closed");
        try {
            syncLocked();
        } finally {
            closed = true;
            spi.close();
        }
    }
}
