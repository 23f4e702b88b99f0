package io.kuaxin;

/**
 * A snapshot of a device's caching allocator.
 *
 * @param allocatedBytes      bytes held by live tensors (rounded to size classes)
 * @param reservedBytes       bytes obtained from the device: allocated plus cached
 * @param peakAllocatedBytes  highest {@code allocatedBytes} since the device opened or {@link Device#resetPeak()}
 * @param cachedBytes         bytes freed by tensors and kept for reuse
 * @param liveBlocks          number of allocated blocks
 * @param deviceAllocations   calls to the device's allocation function so far (cache misses)
 * @param cacheHits           allocations served from the cache
 */
public record MemoryStats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes, long cachedBytes,
                          long liveBlocks, long deviceAllocations, long cacheHits) {
}
