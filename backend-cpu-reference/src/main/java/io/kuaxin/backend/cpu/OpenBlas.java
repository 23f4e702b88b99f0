package io.kuaxin.backend.cpu;

import io.kuaxin.kernels.cpu.CpuThreads;
import io.kuaxin.kernels.cpu.Sgemm;
import io.kuaxin.spi.ffm.SymbolBinder;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * OpenBLAS from JavaCPP's preset ({@code org.bytedeco:openblas} with its platform jar) as an fp32 GEMM for the CPU
 * backend, when the preset is on the class path. JavaCPP's {@code Loader} finds, unpacks (the first time, into
 * {@code ~/.javacpp/cache}) and loads the library; {@code cblas_sgemm} is then called through FFM like every other
 * native library in Kuaxin, straight on device memory: no {@code Pointer} objects, no JNI per call.
 * <p>Loaded at most once per JVM, on first use ({@link #load()}). OpenBLAS's own threads are switched off
 * ({@code openblas_set_num_threads(1)}): a large product is split into row (or column) blocks over Kuaxin's pool,
 * one single-threaded {@code cblas_sgemm} per block, so two thread pools never compete for the cores (OpenBLAS's
 * idle threads spin for a while after each call and slow down whatever runs next). Thread-safe:
 * OpenBLAS (0.3.7 and later) allows concurrent calls.
 */
final class OpenBlas implements Sgemm {
    /** The preset class whose libraries JavaCPP loads: BLAS without LAPACK's 24 MB JNI glue. */
    static final String PRESET = "org.bytedeco.openblas.global.openblas_nolapack";
    // cblas.h: CBLAS_ORDER and CBLAS_TRANSPOSE values
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    /** The outcome of the one load attempt: the library, or why there is none. */
    record Loaded(OpenBlas blas, String reason) {}

    private final MethodHandle sgemm;
    private final String description;

    private OpenBlas(MethodHandle sgemm, String description) {
        this.sgemm = sgemm;
        this.description = description;
    }

    /** The library, loading it on the first call; {@link Loaded#blas()} is null with the reason when absent. */
    static Loaded load() { return Holder.LOADED; }

    private static final class Holder {
        static final Loaded LOADED = loadOrExplain();
    }

    /** Never throws: a library that fails to load is a reason to use Kuaxin's GEMM, not a broken backend. */
    private static Loaded loadOrExplain() {
        try {
            return tryLoad();
        } catch (Throwable e) {
            return new Loaded(null, "OpenBLAS failed to load: " + e);
        }
    }

    /** Build configuration, the kernel family in use (and whether OPENBLAS_CORETYPE forced it), threading, path. */
    String description() { return description; }

    @Override
    public String name() { return "openblas"; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOffset, long lda, MemorySegment b, long bOffset, long ldb,
                      float beta, MemorySegment c, long cOffset, long ldc) {
        long flops = 2L * m * n * k;
        int threads = CpuThreads.threads();
        if (threads == 1 || flops < CpuThreads.MIN_PARALLEL_FLOPS) {
            call(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        // Blocks of rows when there are enough (each block packs B again: rows keep that share small), else columns.
        boolean byRows = m >= 64L * threads || m >= n;
        int extent = byRows ? m : n, blocks = Math.min(extent, 2 * threads);
        CpuThreads.run(blocks, flops, i -> {
            int from = (int) ((long) extent * i / blocks), to = (int) ((long) extent * (i + 1) / blocks);
            if (from == to) return;
            if (byRows) {
                call(transA, transB, to - from, n, k, alpha, a, aOffset + (transA ? from : from * lda), lda,
                        b, bOffset, ldb, beta, c, cOffset + from * ldc, ldc);
            } else {
                call(transA, transB, m, to - from, k, alpha, a, aOffset, lda,
                        b, bOffset + (transB ? from * ldb : from), ldb, beta, c, cOffset + from, ldc);
            }
        });
    }

    private void call(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOffset, long lda, MemorySegment b, long bOffset, long ldb,
                      float beta, MemorySegment c, long cOffset, long ldc) {
        long pa = at(a, aOffset), pb = at(b, bOffset), pc = at(c, cOffset);
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    pa, Math.toIntExact(lda), pb, Math.toIntExact(ldb), beta, pc, Math.toIntExact(ldc));
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }

    /**
     * The address of float {@code offset} of native segment {@code s}: pointers go to {@code cblas_sgemm} as
     * 64-bit integers, so a call builds no slice per operand (an {@code ADDRESS} argument would need one).
     */
    private static long at(MemorySegment s, long offset) {
        if (!s.isNative()) throw new IllegalArgumentException("cblas_sgemm reads native memory only, not " + s);
        return s.address() + Objects.checkIndex(offset * 4, s.byteSize() + 1);
    }

    private static Loaded tryLoad() throws Throwable {
        Class<?> preset;
        try {
            preset = Class.forName(PRESET, false, OpenBlas.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return new Loaded(null, "OpenBLAS not on the class path (add org.bytedeco:openblas:0.3.31-1.5.13 and its "
                    + "platform jar, e.g. classifier linux-x86_64; on the module path also --add-modules org.bytedeco.openblas)");
        }
        Map<String, String> libraries;
        try {
            libraries = JavaCpp.load(preset);
        } catch (LinkageError | RuntimeException e) {
            return new Loaded(null, "JavaCPP could not load OpenBLAS for " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + " (is the platform jar on the class path?): " + e);
        }
        for (String path : libraries.values()) {
            if (path == null || path.contains("jni") || !Files.exists(Path.of(path)) || !exports(path, "cblas_sgemm")) {
                continue;
            }
            if (ADDRESS.byteSize() != Long.BYTES) {
                return new Loaded(null, "OpenBLAS is called with 64-bit pointers; this platform's are "
                        + ADDRESS.byteSize() * 8 + "-bit");
            }
            // Bound for the life of the JVM, like the JavaCPP load underneath: the one library this class owns.
            // The three matrix pointers are bound as JAVA_LONG (see at()): on LP64 ABIs a pointer and a 64-bit
            // integer argument are passed alike.
            SymbolBinder bind = new SymbolBinder(SymbolLookup.libraryLookup(Path.of(path), Arena.global()), path);
            MethodHandle sgemm = bind.bind("cblas_sgemm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_FLOAT,
                    JAVA_LONG, JAVA_INT));
            MethodHandle setThreads = bind.optional("openblas_set_num_threads", FunctionDescriptor.ofVoid(JAVA_INT))
                    .orElse(null);
            if (setThreads != null) setThreads.invokeExact(1);
            String config = string(bind, "openblas_get_config"), core = string(bind, "openblas_get_corename");
            // OpenBLAS picks its kernels by CPU unless OPENBLAS_CORETYPE forces a family: say which it was
            String forced = System.getenv("OPENBLAS_CORETYPE");
            return new Loaded(new OpenBlas(sgemm, (config == null ? "OpenBLAS" : config) + (core == null ? ""
                    : " (core " + core + (forced == null ? "" : ", forced by OPENBLAS_CORETYPE=" + forced) + ")")
                    + ", called single-threaded from Kuaxin's " + CpuConfig.threads() + "-thread pool, from " + path), null);
        }
        return new Loaded(null, "no library loaded by JavaCPP for " + PRESET + " exports cblas_sgemm: " + libraries);
    }

    /** Looks without keeping the library handle: the arena closes it again. */
    private static boolean exports(String path, String symbol) {
        try (Arena probe = Arena.ofConfined()) {
            return SymbolLookup.libraryLookup(Path.of(path), probe).find(symbol).isPresent();
        } catch (IllegalArgumentException e) { // not loadable as a library
            return false;
        }
    }

    private static String string(SymbolBinder bind, String function) {
        return bind.optional(function, FunctionDescriptor.of(ADDRESS)).map(h -> {
            try {
                MemorySegment s = (MemorySegment) h.invokeExact();
                return s.address() == 0 ? null : s.reinterpret(4096).getString(0).trim();
            } catch (Throwable e) {
                return null;
            }
        }).orElse(null);
    }

    /** Touches JavaCPP only after the preset class was found, so its absence is a reason, not an error. */
    private static final class JavaCpp {
        static Map<String, String> load(Class<?> preset) {
            org.bytedeco.javacpp.Loader.load(preset);
            return org.bytedeco.javacpp.Loader.getLoadedLibraries();
        }
    }
}
