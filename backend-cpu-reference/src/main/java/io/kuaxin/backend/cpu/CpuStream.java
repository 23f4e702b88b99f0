package io.kuaxin.backend.cpu;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.StreamBackend;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A CPU stream: one daemon thread running enqueued work in order (spinning briefly when idle, then parking), so the host thread returns at once as it would
 * with a device. A failure in enqueued work is kept and rethrown by the next {@link #synchronize()}; later work
 * still runs, as a device stream does after an asynchronous error is reported.
 *
 * <p>Small work runs on the caller's thread when the stream is idle (everything enqueued before it has completed, so
 * stream order holds; work from other streams is ordered by {@link #waitEvent}, which is enqueued work too): handing
 * an op of a few microseconds to the worker and back costs about as much as the op. A failure there is kept for
 * {@link #synchronize()} exactly as the worker keeps it. System property {@code kuaxin.cpu.inlineWork} (default
 * {@value #DEFAULT_INLINE_WORK}; 0 turns it off): the largest estimated work, in flops or bytes, run that way.
 */
final class CpuStream implements StreamBackend {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** How long an idle worker spins before parking: back-to-back ops then skip a park/unpark round trip. */
    private static final long SPIN_NANOS = Long.getLong("kuaxin.cpu.spinNanos", 20_000);

    static final long DEFAULT_INLINE_WORK = 1L << 22;
    private static final long INLINE_WORK = Long.getLong("kuaxin.cpu.inlineWork", DEFAULT_INLINE_WORK);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Slots for queued ops, recycled (see {@link #queuedOp}); a power of two. */
    private static final int RING = 256;
    private final QueuedOp[] ring = new QueuedOp[RING];
    /** Work items handed to the worker (written by the one calling thread) and finished by it. */
    private volatile long submitted;
    private final AtomicLong completed = new AtomicLong();
    private final Thread worker;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean parked;
    private volatile boolean closing;

    CpuStream(String kind) {
        worker = new Thread(this::work, "kuaxin-cpu-" + kind + "-" + IDS.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
    }

    void submit(Runnable work) {
        submitted++; // one caller at a time (StreamBackend's contract)
        queue.offer(work);
        if (parked) LockSupport.unpark(worker);
    }

    private void work() {
        while (true) {
            Runnable r = queue.poll();
            if (r != null) {
                run(r);
                completed.incrementAndGet();
                continue;
            }
            if (closing) return;
            long until = System.nanoTime() + SPIN_NANOS;
            while (queue.isEmpty() && System.nanoTime() < until) Thread.onSpinWait();
            if (!queue.isEmpty()) continue;
            parked = true;
            if (queue.isEmpty() && !closing) LockSupport.park(this); // re-check after publishing 'parked'
            parked = false;
        }
    }

    private void run(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            keep(e);
        }
    }

    private void keep(Throwable e) {
        failure.compareAndSet(null, e instanceof RuntimeException re ? re
                : new IllegalStateException("cpu kernel failed: " + e, e));
    }

    /** Runs small work now on the calling thread when nothing enqueued is pending, else hands it to the worker. */
    private void submitOrRun(long work, Runnable r) {
        if (work <= INLINE_WORK && completed.get() == submitted) run(r);
        else submit(r);
    }

    static MemorySegment at(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public void copyHostToDevice(MemorySegment src, long dst, long bytes) {
        submitOrRun(bytes, () -> at(dst, bytes).copyFrom(src.asSlice(0, bytes)));
    }

    @Override
    public void copyDeviceToHost(long src, MemorySegment dst, long bytes) {
        submitOrRun(bytes, () -> dst.asSlice(0, bytes).copyFrom(at(src, bytes)));
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        submitOrRun(bytes, () -> at(dst, bytes).copyFrom(at(src, bytes)));
    }

    @Override
    public void fill(long dst, long bytes, byte value) {
        submitOrRun(bytes, () -> at(dst, bytes).fill(value));
    }

    @Override
    public String execute(KernelCall call) {
        CpuOpTable.Kernel k = CpuOpTable.select(call);
        if (CpuOpTable.work(call) <= INLINE_WORK && completed.get() == submitted) {
            runInline(k, call); // as submitOrRun, without a lambda per op
        } else {
            submit(queuedOp().fill(k, call)); // the runtime reuses 'call' once this returns: the slot is a copy
        }
        return k.name();
    }

    /**
     * A free slot of {@link #ring} for the submission about to be made, else a new one. Submission {@code s} uses
     * slot {@code s mod RING}, last used by a submission at most {@code s - RING}; work completes in order, so that
     * one is finished (and the stream's thread no longer reads the slot) once {@code completed > s - RING}.
     */
    private QueuedOp queuedOp() {
        long s = submitted; // one caller at a time, as in submit
        int i = (int) (s & (RING - 1));
        QueuedOp slot = ring[i];
        if (slot == null) return ring[i] = new QueuedOp();
        return completed.get() > s - RING ? slot : new QueuedOp(); // still queued: a deep queue pays an object
    }

    /** A queued op: its kernel and a copy of its call, owned by this stream and recycled through {@link #ring}. */
    private static final class QueuedOp implements Runnable {
        private final KernelCall call = new KernelCall();
        private CpuOpTable.Kernel kernel;

        QueuedOp fill(CpuOpTable.Kernel k, KernelCall c) {
            kernel = k;
            call.copyFrom(c);
            return this;
        }

        @Override
        public void run() {
            try {
                kernel.run(call);
            } finally {
                call.clear(); // before 'completed' counts it: the slot is free from then on
                kernel = null;
            }
        }
    }

    /** {@link #run(Runnable)} for a kernel: a failure is kept for {@link #synchronize()} as the worker keeps it. */
    private void runInline(CpuOpTable.Kernel k, KernelCall call) {
        try {
            k.run(call);
        } catch (RuntimeException | Error e) {
            keep(e);
        }
    }

    @Override
    public void enqueueHost(Runnable action) {
        submit(action);
    }

    @Override
    public EventBackend recordEvent() {
        CpuEvent e = new CpuEvent();
        submitOrRun(0, e);
        return e;
    }

    @Override
    public void waitEvent(EventBackend event) {
        CpuEvent e = (CpuEvent) event;
        submit(e::synchronize);
    }

    @Override
    public void synchronize() {
        if (completed.get() != submitted) {
            CpuEvent e = new CpuEvent();
            submit(e);
            e.synchronize();
        }
        RuntimeException f = failure.getAndSet(null);
        if (f != null) throw f;
    }

    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
