package io.kuaxin;

import io.kuaxin.internal.memory.HostPool;
import io.kuaxin.internal.memory.Storage;
import io.kuaxin.internal.stream.WorkQueue;
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
    /** Every hazard step (await writers, hold, last writer) goes through its one {@code enqueue}. */
    private final WorkQueue queue;
    private final boolean isDefault;

    Stream(Device device, StreamBackend spi, boolean isDefault) {
        this.device = device;
        this.queue = new WorkQueue(device, device.id(), spi, device::checkOpen, this::copyBack);
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
            queue.enqueue(List.of(src.storage), List.of(dst.storage), null, s -> {
                s.copyDeviceToDevice(src.address(), dst.address(), bytes);
                return null;
            });
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
        queue.enqueue(List.of(), List.of(dst.storage), staging, s -> {
            s.copyHostToDevice(staging.segment, dst.address(), staging.segment.byteSize());
            return null;
        });
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
            synchronized (queue) { // enqueue and wait as one step
                queue.enqueue(List.of(src.storage), List.of(), null, s -> {
                    s.copyDeviceToHost(src.address(), staging.segment, dst.byteSize());
                    return null;
                });
                queue.synchronize();
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
        queue.checkOpen();
        dst.retain();
        queue.enqueue(List.of(src.storage), List.of(), dst::release, s -> {
            s.copyDeviceToHost(src.address(), dst.segment(), src.byteSize());
            return null;
        });
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
        queue.checkOpen();
        src.retain();
        queue.enqueue(List.of(), List.of(dst.storage), src::release, s -> {
            s.copyHostToDevice(src.segment(), dst.address(), dst.byteSize());
            return null;
        });
    }

    /**
     * Records an event after all work enqueued so far. The caller owns it and closes it; one left open is released
     * when the runtime closes.
     */
    public Event record() {
        return device.track(new Event(device, queue.record()));
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
        queue.waitEvent(event.spi);
    }

    /** Blocks until all work enqueued on this stream has completed, then releases what it held. */
    public void synchronize() { queue.synchronize(); }

    /**
     * Enqueues a validated kernel call. Front doors only. {@code call} is the calling thread's reusable slot: the
     * backend reads it only until {@code execute} returns (see {@link KernelCall}).
     *
     * @return the kernel name for provenance
     */
    String launch(KernelCall call, List<Tensor> reads, List<Tensor> writes) {
        return queue.enqueue(reads, writes, STORAGE, null, EXECUTE, call); // constants: nothing allocated per op
    }

    private static final java.util.function.Function<Tensor, Storage> STORAGE = t -> t.storage;
    private static final WorkQueue.Step<KernelCall, String> EXECUTE = StreamBackend::execute;

    private static List<Storage> storages(List<Tensor> ts) {
        Storage[] s = new Storage[ts.size()]; // a loop, not a stream: this runs for every op
        for (int i = 0; i < s.length; i++) s[i] = ts.get(i).storage;
        return java.util.Arrays.asList(s);
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
        queue.enqueue(storages(reads), storages(writes), null, spi -> {
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
            return null;
        });
    }

    private void checkTensor(Tensor t) {
        t.checkOpen();
        if (t.device() != device) {
            throw new InvalidArgumentException("tensor is on " + t.device().id() + ", stream on " + device.id());
        }
    }

    void fill(Tensor dst, byte value) {
        queue.enqueue(List.of(), List.of(dst.storage), null, s -> {
            s.fill(dst.address(), dst.byteSize(), value);
            return null;
        });
    }

    void checkOpen() { queue.checkOpen(); }

    /** Brings {@code s}'s contents here if a fallback run left them on another device; for direct memory access. */
    void bringHome(Storage s) { queue.bringHomeNow(s); }

    /** The queue's copy back: from the fallback device, through host staging, enqueued on this stream. */
    private void copyBack(Storage.Mirror from, Storage into) {
        Tensor remote = ((FallbackOutput) from).tensor();
        Tensor here = Tensor.over(device, into, remote.dtype(), remote.shape());
        try {
            copy(remote, here);
        } finally {
            here.closeQuietly();
        }
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

    void closeInternal() { queue.close(); }
}
