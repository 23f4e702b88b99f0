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
 * A CPU stream: work runs in order, on the caller's thread when the stream is idle, else on the stream's own daemon
 * thread (spinning briefly when idle, then parking). A failure in a kernel is kept and rethrown by the next
 * {@link #synchronize()}, wherever it ran; later work still runs, as a device stream does after an asynchronous
 * error is reported.
 *
 * <p>Why the caller's thread: on a CPU the "device" is the cores the caller would otherwise wait on. Handing an op
 * to a second thread gains nothing while the kernels' pool already uses every core, and the two threads then compete
 * for a core: on a 2-vCPU host, MiniLM's forward at one 16-token sentence on one kernel thread ran 0.81-1.19x ONNX
 * Runtime from one JVM to the next with hand-offs, 1.05-1.12x on the caller's thread. Work runs there only when
 * everything enqueued before it has completed, so stream order holds; work from other streams is ordered by
 * {@link #waitEvent}, which is enqueued work too, so ops behind it queue. System property
 * {@code kuaxin.cpu.inlineWork} (default: no limit; 0 sends everything to the
 * stream's thread): the largest estimated work, in flops or bytes, run on the caller's thread. A caller that wants
 * the host thread back at once for large ops (to overlap its own work with kernels on spare cores) sets it, for
 * example to {@code 4194304}.
 */
final class CpuStream implements StreamBackend {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** How long an idle worker spins before parking: back-to-back ops then skip a park/unpark round trip. */
    private static final long SPIN_NANOS = Long.getLong("kuaxin.cpu.spinNanos", 20_000);

    static final long DEFAULT_INLINE_WORK = Long.MAX_VALUE;
    /** Read per stream, when it is created, so a caller (or a test) can choose it for the streams it opens. */
    private final long inlineWork = Long.getLong("kuaxin.cpu.inlineWork", DEFAULT_INLINE_WORK);

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

    /** Runs work now on the calling thread when nothing enqueued is pending and it is within the limit, else queues. */
    private void submitOrRun(long work, Runnable r) {
        if (work <= inlineWork && completed.get() == submitted) run(r);
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
        if (CpuOpTable.work(call) <= inlineWork && completed.get() == submitted) {
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
