/**
 * Device memory as the runtime manages it, not exported: {@link io.kuaxin.internal.memory.Storage} (a
 * reference-counted block that tensors and in-flight work share), the
 * {@link io.kuaxin.internal.memory.CachingAllocator} every backend shares, and the host staging
 * {@link io.kuaxin.internal.memory.HostPool}. Imports only the SPI and the public value types and exceptions.
 */
package io.kuaxin.internal.memory;
