package io.kuaxin.internal.memory;

/** Something a stream keeps alive while enqueued work uses it, released when that work completes. */
@FunctionalInterface
public interface Releasable {
    void release();
}
