package io.kuaxin.collectives.nccl;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.SymbolBinder;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One NCCL-shaped library bound through FFM (see {@link CclFamily}); vendor status codes are mapped here, in one
 * place. Loaded once per library path and kept for the process.
 *
 * <p>Values (V) NVIDIA/nccl {@code src/nccl.h.in}: {@code ncclResult_t} success 0, unhandled CUDA error 1, system
 * error 2, internal error 3, invalid argument 4, invalid usage 5, remote error 6, in progress 7;
 * {@code ncclDataType_t} int8 0, uint8 1, int32 2, uint32 3, int64 4, uint64 5, float16 6, float32 7, float64 8,
 * bfloat16 9; {@code ncclRedOp_t} sum 0, prod 1, max 2, min 3, avg 4 (NCCL 2.10+); {@code ncclUniqueId} is
 * {@code char[128]} passed by value. The same header subset is {@code native/include/nccl/nccl.h}.
 */
final class NcclBinding {
    static final int UNIQUE_ID_BYTES = 128;
    static final StructLayout UNIQUE_ID = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES,
            JAVA_BYTE).withName("internal"));
    private static final Map<Path, NcclBinding> LOADED = new ConcurrentHashMap<>();

    final CclFamily family;
    final Path library;
    final boolean emulated;
    final MethodHandle getUniqueId, commInitRank, commDestroy, commAbort, commGetAsyncError, getErrorString,
            allReduce, allGather, reduceScatter, broadcast, send, recv, groupStart, groupEnd;
    final Optional<MethodHandle> getLastError, emuSetTimeout;

    private NcclBinding(CclFamily family, Path library, boolean emulated) {
        this.family = family;
        this.library = library;
        this.emulated = emulated;
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        SymbolBinder b = new SymbolBinder(lib, library.toString());
        String p = family.prefix();
        getUniqueId = b.bind(p + "GetUniqueId", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commInitRank = b.bind(p + "CommInitRank", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID,
                JAVA_INT));
        commDestroy = b.bind(p + "CommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commAbort = b.bind(p + "CommAbort", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commGetAsyncError = b.bind(p + "CommGetAsyncError", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getErrorString = b.bind(p + "GetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        FunctionDescriptor reduce = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS);
        allReduce = b.bind(p + "AllReduce", reduce);
        reduceScatter = b.bind(p + "ReduceScatter", reduce);
        allGather = b.bind(p + "AllGather", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS));
        broadcast = b.bind(p + "Broadcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS));
        FunctionDescriptor p2p = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS);
        send = b.bind(p + "Send", p2p);
        recv = b.bind(p + "Recv", p2p);
        groupStart = b.bind(p + "GroupStart", FunctionDescriptor.of(JAVA_INT));
        groupEnd = b.bind(p + "GroupEnd", FunctionDescriptor.of(JAVA_INT));
        getLastError = b.optional(p + "GetLastError", FunctionDescriptor.of(ADDRESS, ADDRESS)); // NCCL 2.13+
        emuSetTimeout = b.optional("kuaxin_ccl_emu_set_timeout_ms", FunctionDescriptor.ofVoid(JAVA_INT));
        b.requireAll();
    }

    /**
     * The library for {@code family}: its emulator when the device is emulated, else the vendor's.
     *
     * @throws BackendUnavailableException naming every place looked in, or the missing symbols
     */
    static NcclBinding load(CclFamily family, String backend, boolean emulatedDevice) {
        NativeLibraryLocator.Request req = family.request(emulatedDevice ? backend : family.name());
        NativeLibraryLocator.Result r = NativeLibraryLocator.locate(req);
        Path path = r.path().orElseThrow(() -> new BackendUnavailableException(family.name(), family.name()
                + ": " + (emulatedDevice ? "emulator libkuaxin-emu-" + family.emulator() + ".so" : "library "
                + family.fileNames()) + " not found; looked in " + r.searched()));
        try {
            return LOADED.computeIfAbsent(path, x -> new NcclBinding(family, x, r.emulated()));
        } catch (SymbolBinder.MissingSymbolsException e) {
            throw new BackendUnavailableException(family.name(), e.getMessage());
        }
    }

    static int dtype(DType d) {
        return switch (d) {
            case I8 -> 0;
            case U8, BOOL -> 1;
            case I32 -> 2;
            case I64 -> 4;
            case F16 -> 6;
            case F32 -> 7;
            case F64 -> 8;
            case BF16 -> 9;
        };
    }

    static int op(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 2;
            case MIN -> 3;
            case AVG -> 4;
        };
    }

    String errorString(int rc) {
        try {
            MemorySegment s = (MemorySegment) getErrorString.invokeExact(rc);
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "";
        }
    }

    String lastError(MemorySegment comm) {
        if (getLastError.isEmpty()) return "";
        try {
            MemorySegment s = (MemorySegment) getLastError.get().invokeExact(comm);
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "";
        }
    }

    /** Maps a returned status: argument errors to {@link InvalidArgumentException}, the rest by meaning. */
    void check(int rc, String call, MemorySegment comm) {
        if (rc == 0) return;
        String msg = errorString(rc);
        String last = comm == null ? "" : lastError(comm);
        String text = msg + (last.isEmpty() ? "" : ": " + last);
        String fn = family.prefix() + call;
        switch (rc) {
            case 4 -> throw new InvalidArgumentException(fn + " rejected an argument (" + text + ")");
            case 5 -> throw new CollectiveException(Reason.MISMATCH, family.name(), fn, rc, text);
            case 6 -> throw new CollectiveException(last.contains("joined") || last.contains("no answer")
                    ? Reason.TIMEOUT : Reason.PEER_LOST, family.name(), fn, rc, text);
            default -> throw new CollectiveException(Reason.LIBRARY, family.name(), fn, rc, text);
        }
    }

    /** An asynchronous error (from {@code CommGetAsyncError}) as the exception to throw. */
    CollectiveException asyncError(int rc, MemorySegment comm) {
        String text = errorString(rc) + ": " + lastError(comm);
        Reason reason = switch (rc) {
            case 5 -> Reason.MISMATCH;
            case 6 -> text.contains("no answer") ? Reason.TIMEOUT : Reason.PEER_LOST;
            default -> Reason.LIBRARY;
        };
        return new CollectiveException(reason, family.name(), family.prefix() + "CommGetAsyncError", rc, text);
    }
}
