/**
 * Ordering and lifetime of enqueued work, not exported: {@link io.kuaxin.internal.stream.WorkQueue#enqueue} is the
 * one place a stream's work reaches its backend, and it takes every hazard step (bring data home, wait for writers
 * on other streams, keep buffers alive, record the last writer). {@code io.kuaxin.Stream} is its public face.
 */
package io.kuaxin.internal.stream;
