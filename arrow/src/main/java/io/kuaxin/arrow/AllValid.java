package io.kuaxin.arrow;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * All-ones validity bitmaps without filling memory per vector. Arrow Java vectors always own a validity buffer, and
 * allocating and filling one (1 bit per value) cost more than the rest of a tensor-to-vector hand-off together. On
 * Linux, one process-wide memory file is filled with ones once (grown on demand, never shrunk: its size is the
 * largest bitmap asked for), and each bitmap is a private copy-on-write mapping of it: one {@code mmap} call, pages
 * read from the shared file, and a write (a {@code setNull} on one vector) copies only that page for that vector.
 * Elsewhere, or if a call fails, a bitmap is allocated from the Arrow allocator and filled.
 *
 * <p>Thread-safe: growth is serialised; mappings are independent.
 */
final class AllValid {
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MFD_CLOEXEC = 1;
    private static final Native NATIVE = Native.load();
    private static long fileBytes; // guarded by AllValid.class

    private AllValid() {}

    /** A buffer of at least {@code bytes} bytes, every bit 1, owned by the caller and counted by {@code allocator}. */
    static ArrowBuf buffer(long bytes, BufferAllocator allocator) {
        if (NATIVE != null) {
            long mapped = NATIVE.roundToPage(bytes);
            long address = ensure(mapped) ? NATIVE.mmap(mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE) : -1;
            if (address != -1) {
                Mapping m = new Mapping(bytes, address, mapped);
                try {
                    return allocator.wrapForeignAllocation(m);
                } catch (RuntimeException e) {
                    m.release0(); // a no-op if Arrow released it while failing
                    throw e;
                }
            }
        }
        ArrowBuf buf = allocator.buffer(bytes);
        MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(buf.capacity()).fill((byte) -1);
        return buf;
    }

    /** Grows the ones file to at least {@code bytes}; false if the system refused. */
    private static synchronized boolean ensure(long bytes) {
        if (bytes <= fileBytes) return true;
        long grown = Math.max(bytes, Math.max(1L << 20, 2 * fileBytes));
        if (!NATIVE.truncate(grown)) return false;
        long tail = grown - fileBytes;
        long address = NATIVE.mmapAt(tail, fileBytes);
        if (address == -1) return false;
        MemorySegment.ofAddress(address).reinterpret(tail).fill((byte) -1);
        NATIVE.munmap(address, tail);
        fileBytes = grown;
        return true;
    }

    /** One private mapping; Arrow calls {@link #release0} once, when the last buffer over it is closed. */
    private static final class Mapping extends ForeignAllocation {
        private final long mapped;
        private final AtomicBoolean released = new AtomicBoolean();

        Mapping(long bytes, long address, long mapped) {
            super(bytes, address);
            this.mapped = mapped;
        }

        @Override
        protected void release0() {
            if (released.compareAndSet(false, true)) NATIVE.munmap(memoryAddress(), mapped);
        }
    }

    /** The libc calls, bound once; {@code null} where {@code memfd_create} is missing or fails. */
    private record Native(MethodHandle mmap, MethodHandle munmap, MethodHandle ftruncate, int fd, long page) {
        static Native load() {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                Optional<MemorySegment> memfd = libc.find("memfd_create");
                if (memfd.isEmpty() || !System.getProperty("os.name", "").startsWith("Linux")) return null;
                MethodHandle create = linker.downcallHandle(memfd.get(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
                MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
                MethodHandle ftruncate = linker.downcallHandle(libc.find("ftruncate").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
                MethodHandle pageSize = linker.downcallHandle(libc.find("getpagesize").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT));
                int fd;
                try (var arena = java.lang.foreign.Arena.ofConfined()) {
                    fd = (int) create.invokeExact(arena.allocateFrom("kuaxin-arrow-validity"), MFD_CLOEXEC);
                }
                if (fd < 0) return null;
                return new Native(mmap, munmap, ftruncate, fd, (int) pageSize.invokeExact());
            } catch (Throwable e) {
                return null; // the allocate-and-fill path still works
            }
        }

        long roundToPage(long bytes) { return (bytes + page - 1) / page * page; }

        boolean truncate(long bytes) {
            try {
                return (int) ftruncate.invokeExact(fd, bytes) == 0;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** A private mapping of the file's first {@code bytes}, or -1. */
        long mmap(long bytes, int prot, int flags) {
            return call(bytes, prot, flags, 0);
        }

        /** A shared, writable mapping of {@code bytes} of the file from {@code offset} (page-aligned), or -1. */
        long mmapAt(long bytes, long offset) {
            return call(bytes, PROT_READ | PROT_WRITE, MAP_SHARED, offset);
        }

        private long call(long bytes, int prot, int flags, long offset) {
            try {
                return ((MemorySegment) mmap.invokeExact(MemorySegment.NULL, bytes, prot, flags, fd, offset)).address();
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        void munmap(long address, long bytes) {
            try {
                int rc = (int) munmap.invokeExact(MemorySegment.ofAddress(address), bytes);
                if (rc != 0) throw new IllegalStateException("munmap of an Arrow validity mapping failed");
            } catch (Throwable e) {
                if (e instanceof IllegalStateException ise) throw ise;
                throw new IllegalStateException(e);
            }
        }
    }
}
