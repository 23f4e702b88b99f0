package io.kuaxin.internal.memory;

import io.kuaxin.spi.EventBackend;
import io.kuaxin.spi.PackedWeight;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A block of device memory shared by a tensor and its views, reference-counted: each open tensor holds one
 * reference and each stream holds one per in-flight use. The last release returns the block to the caching
 * allocator, so memory is never reused while work that touches it may still run. A foreign block (wrapped by
 * {@code Device.wrap}) is not the allocator's: its last release runs the owner's release action instead.
 *
 * <p>Internal: the public {@code Tensor} holds one; nothing outside the runtime sees it.
 */
public final class Storage implements Releasable {
    /**
     * The queue of the stream that last enqueued a write to a storage: readers on other streams of the same device
     * wait for it.
     */
    public interface Writer {
        /** Identifies the device: only streams of one device order their work through events. */
        Object device();

        /** An event after the work enqueued so far, or {@code null} once the stream closed (it waited first). */
        EventBackend eventAfterWork();

        /** Blocks until the work enqueued so far completed (nothing to do once closed). */
        void awaitWork();
    }

    /**
     * The contents of a storage while they live on another device: an op that ran on the fallback device left its
     * output there. Releasing it drops that copy.
     */
    public interface Mirror extends Releasable {}

    private final CachingAllocator allocator;
    /** Start of the block. */
    public final long address;
    /** Bytes asked for. */
    public final long bytes;
    /** Size class actually reserved (0 for empty tensors); streams hold only storages with a block. */
    public final long blockSize;
    /** References; updated through {@link #REFS} (a field, not an AtomicInteger: one object less per storage). */
    @SuppressWarnings("unused")
    private volatile int refs = 1;
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Storage.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** The stream that last enqueued a write; readers on other streams wait for it. */
    public volatile Writer lastWriter;
    /** For foreign memory: what the last release runs, once; null for the allocator's blocks. */
    private final Runnable foreignRelease;
    /** Set by {@code prepack}: the memory is a weight that must not be written any more. */
    public volatile boolean readOnly;
    /** The backend's packed form of the weight stored here, or null; closed before the memory is freed. */
    public volatile PackedWeight packed;
    /** Where the contents are while not here yet; null when they are here. Guarded by mirrorLock. */
    private volatile Mirror mirror;
    /** Its own lock, not this storage's: prepack holds the storage's lock while it waits for streams. */
    private final Object mirrorLock = new Object();

    Storage(CachingAllocator allocator, long address, long bytes, long blockSize) {
        this.allocator = allocator;
        this.address = address;
        this.bytes = bytes;
        this.blockSize = blockSize;
        this.foreignRelease = null;
    }

    /** Foreign memory: never the allocator's; {@code release} runs once, at the last release. */
    public Storage(long address, long bytes, Runnable release) {
        this.allocator = null;
        this.address = address;
        this.bytes = bytes;
        this.blockSize = bytes; // non-zero so streams hold it while work uses it
        this.foreignRelease = release;
    }

    public void retain() {
        int r;
        do {
            r = refs;
            if (r <= 0) throw new IllegalStateException("storage already released"); // internal bug, not user error
        } while (!REFS.compareAndSet(this, r, r + 1));
    }

    /**
     * Leaves this storage's contents on another device until work here first needs them; for a new storage that
     * nothing has written or read yet. The storage owns {@code m} from now on.
     */
    public void mirror(Mirror m) {
        synchronized (mirrorLock) {
            this.mirror = m;
        }
    }

    /** Whether the contents are elsewhere (a hint: {@link #bringHome} decides under the lock). */
    public boolean hasMirror() { return mirror != null; }

    /** {@code f} applied to the mirror (null when the contents are here), which stays while {@code f} runs. */
    public <T> T withMirror(java.util.function.Function<Mirror, T> f) {
        synchronized (mirrorLock) {
            return f.apply(mirror);
        }
    }

    /**
     * Brings the contents here if they are elsewhere: runs {@code copyBack} once (the first caller wins; others
     * wait for it), then drops the mirror. On failure the mirror stays.
     */
    public void bringHome(java.util.function.Consumer<Mirror> copyBack) {
        if (mirror == null) return;
        synchronized (mirrorLock) {
            Mirror m = mirror;
            if (m == null) return;
            mirror = null; // first: the copy's own enqueue must not come here again
            try {
                copyBack.accept(m);
            } catch (RuntimeException e) {
                mirror = m;
                throw e;
            }
            m.release();
        }
    }

    @Override
    public void release() {
        int r = (int) REFS.getAndAdd(this, -1) - 1;
        if (r == 0) {
            Mirror m;
            synchronized (mirrorLock) {
                m = mirror;
                mirror = null;
            }
            if (m != null) m.release(); // never needed here
            PackedWeight p = packed;
            packed = null;
            if (p != null) p.close(); // before the address can be handed out again
            if (foreignRelease == null) {
                allocator.release(this);
            } else {
                runForeignRelease();
            }
        } else if (r < 0) {
            throw new IllegalStateException("storage released twice"); // internal bug
        }
    }

    /** May run on a stream's completion path: an owner's failure is logged, never thrown into unrelated work. */
    private void runForeignRelease() {
        try {
            foreignRelease.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Storage.class).error("release of foreign memory at 0x{} failed",
                    Long.toHexString(address), e);
        }
    }
}
