package io.kuaxin.backend.ascend;

import io.kuaxin.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small immutable device tensors ops need as operands: a scalar to scale by, a vector of ones standing in for an
 * absent RMS-norm gamma. Each is written once with a synchronous {@code aclrtMemcpy} into its own allocation and
 * never changes, so any stream may read it at any time. Freed when the device closes. Thread-safe.
 */
final class DeviceConstants implements AutoCloseable {
    private final AscendDevice dev;
    private final Map<String, Long> pool = new LinkedHashMap<>();

    DeviceConstants(AscendDevice dev) { this.dev = dev; }

    /** The address of {@code n} elements of {@code dtype}, each {@code value}. */
    synchronized long filled(DType dtype, long n, double value) {
        String key = dtype + ":" + n + ":" + Double.doubleToLongBits(value);
        Long a = pool.get(key);
        if (a != null) return a;
        long bytes = Math.max(1, n) * dtype.byteSize();
        long address = dev.allocate(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 8);
            for (long i = 0; i < n; i++) dtype.setFromDouble(host, i, value);
            dev.bind();
            int rc = (int) dev.s.aclrtMemcpy.invokeExact(Native.ptr(address), bytes, host, bytes,
                    AscendStream.ACL_MEMCPY_HOST_TO_DEVICE);
            dev.errors().check(rc, "aclrtMemcpy");
        } catch (Throwable t) {
            dev.free(address);
            throw Native.rethrow(t);
        }
        pool.put(key, address);
        return address;
    }

    /** Side of the compressed causal mask sparse modes 2-4 of aclnnPromptFlashAttentionV3 take. */
    static final int CAUSAL_MASK_SIDE = 2048;

    /**
     * The compressed causal mask: {@code bool [2048, 2048]}, 1 (masked) strictly above the diagonal, which
     * {@code aclnnPromptFlashAttentionV3} requires for sparseMode 2, 3 and 4 whatever the sequence lengths (V:
     * ops-transformer aclnnPromptFlashAttentionV3.md; torch_npu builds it as {@code triu(ones(2048, 2048), 1)}).
     */
    synchronized long compressedCausalMask() {
        String key = "causal-mask-" + CAUSAL_MASK_SIDE;
        Long a = pool.get(key);
        if (a != null) return a;
        long n = CAUSAL_MASK_SIDE, bytes = n * n;
        long address = dev.allocate(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 8);
            for (long i = 0; i < n; i++) host.asSlice(i * n + i + 1, n - i - 1).fill((byte) 1);
            dev.bind();
            int rc = (int) dev.s.aclrtMemcpy.invokeExact(Native.ptr(address), bytes, host, bytes,
                    AscendStream.ACL_MEMCPY_HOST_TO_DEVICE);
            dev.errors().check(rc, "aclrtMemcpy");
        } catch (Throwable t) {
            dev.free(address);
            throw Native.rethrow(t);
        }
        pool.put(key, address);
        return address;
    }

    @Override
    public synchronized void close() {
        List<Long> all = new ArrayList<>(pool.values());
        pool.clear();
        for (long a : all) {
            try {
                dev.free(a);
            } catch (RuntimeException ignored) {
                // closing the device
            }
        }
    }
}
