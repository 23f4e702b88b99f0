package io.kuaxin;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Owns tensors: everything created through it, every view of those and every op output whose first input it owns
 * is closed when the scope closes (in reverse order of creation), unless closed earlier or {@link #detach detached}.
 *
 * {@snippet :
 * try (Scope s = device.scope()) {
 *     Tensor x = s.copyOf(hostFloats, Shape.of(4, 512));
 *     Tensor y = Ops.matmul(x, w);           // y belongs to s too
 *     float[] out = y.toFloatArray();
 * }                                          // x and y are freed here
 * }
 *
 * <p>Thread-safe. Closing twice throws {@link ClosedResourceException}.
 */
public final class Scope implements AutoCloseable {
    private final Device device;
    private final Set<Tensor> owned = new LinkedHashSet<>();
    private boolean closed;

    Scope(Device device) {
        this.device = device;
    }

    public Device device() { return device; }

    /** An uninitialised tensor owned by this scope. */
    public Tensor empty(DType dtype, Shape shape) { return device.allocate(dtype, shape, this, null); }

    /** A zero-filled tensor owned by this scope. */
    public Tensor zeros(DType dtype, Shape shape) { return device.zeros(dtype, shape, this); }

    /** An f32 tensor with a copy of {@code data}. */
    public Tensor copyOf(float[] data, Shape shape) { return device.copyOf(data, DType.F32, shape, this); }

    /** A tensor of {@code dtype} with {@code data} converted (rounded to nearest even for f16/bf16). */
    public Tensor copyOf(float[] data, DType dtype, Shape shape) { return device.copyOf(data, dtype, shape, this); }

    /** An i32 tensor with a copy of {@code data}. */
    public Tensor copyOf(int[] data, Shape shape) { return device.copyOf(data, shape, this); }

    /** An i64 tensor with a copy of {@code data}. */
    public Tensor copyOf(long[] data, Shape shape) { return device.copyOf(data, shape, this); }

    /** A tensor with a copy of {@code data}, which holds the elements of {@code dtype} in row-major order. */
    public Tensor copyOf(MemorySegment data, DType dtype, Shape shape) {
        return device.copyOf(data, dtype, shape, this);
    }

    /** Hands {@code t} over to the caller, who must close it. */
    public Tensor detach(Tensor t) {
        synchronized (this) {
            if (!owned.remove(t)) throw new InvalidArgumentException(t + " is not owned by this scope");
        }
        t.disown();
        return t;
    }

    synchronized void adopt(Tensor t) {
        if (closed) throw new ClosedResourceException("scope on " + device.id() + " is closed");
        owned.add(t);
    }

    synchronized void forget(Tensor t) { owned.remove(t); }

    /** Number of open tensors the scope owns. */
    public synchronized int size() { return owned.size(); }

    @Override
    public void close() {
        List<Tensor> toClose;
        synchronized (this) {
            if (closed) throw new ClosedResourceException("scope on " + device.id() + " was already closed");
            closed = true;
            toClose = new ArrayList<>(owned);
            owned.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).closeQuietly();
    }
}
