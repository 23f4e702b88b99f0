package io.kuaxin.collectives.cncl;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.Communicator;
import io.kuaxin.collectives.Rendezvous;
import io.kuaxin.collectives.spi.ErrorText;
import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.SymbolBinder;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Communicators over Cambricon's CNCL ({@code libcncl.so}) through FFM. CNCL's shape differs from NCCL's: the clique
 * id is 136 bytes ({@code char data[128]} and a {@code uint64_t} hash) passed by pointer; one {@code cnclInitComms}
 * call creates every communicator of the clique this process holds, from arrays of device ordinals and ranks; a
 * clique id initialises once per process; dtypes, reductions and results have their own codes (mapped here, in one
 * place; values in {@code native/include/cambricon/cncl.h}); there is no AVG and no 64-bit float reduction; the queue
 * is the Cambricon backend's {@code cnrtQueue_t}; and {@code cnclGetCommAsyncError} returns the error.
 *
 * <p>The binding sits in this module next to the NCCL family's and HCCL's, so the Cambricon backend does not depend on
 * the collectives API; the backend only exposes its queue through {@code StreamBackend.nativeHandle()}. Checked on
 * Kuaxin's CNCL emulator only.
 *
 * <p>Thread-safety: {@link #init} and {@link #initAll} may be called from any thread; the communicators they return
 * are used by one thread at a time.
 */
public final class CnclCollectives {
    /** {@code sizeof(struct cnclCliqueId)}: {@code CNCL_CLIQUE_ID_BYTES_SIZE} (128, V) plus the 8-byte hash (V). */
    static final int CLIQUE_ID_BYTES = 128 + 8;
    /** cnclResult_t (V, cncl.h 1.25): the values this binding tells apart. */
    static final int RET_SUCCESS = 0x0, ERR_UNSUPPORTED = 0x11, ERR_NULL_POINTER = 0x21, ERR_INIT = 0x51,
            ERR_NOT_INIT = 0x61, ERR_REINIT = 0x71, ERR_SYS_SOCKET = 0x22, ERR_MLU_RUNTIME = 0x03,
            ASYNC_IN_PROGRESS = 0x06, ASYNC_ERROR = 0x16, ERR_ARGUMENTS = 0x07;
    /** cnclReduceOp_t (V): Sum 0, Max 2, Min 3 (Prod 1 is not offered by Kuaxin's ReduceOp). */
    static final int OP_SUM = 0, OP_MAX = 2, OP_MIN = 3;

    final Path library;
    final MethodHandle getCliqueId, initComms, freeComm, abortComm, asyncError, errorStr, allReduce, reduceScatter,
            allGather, broadcast, send, recv;
    final Optional<MethodHandle> lastError, emuSetTimeout;
    private static volatile CnclCollectives loaded;

    private CnclCollectives(Path library) {
        this.library = library;
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        SymbolBinder b = new SymbolBinder(lib, library.toString());
        getCliqueId = b.bind("cnclGetCliqueId", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        initComms = b.bind("cnclInitComms", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS));
        freeComm = b.bind("cnclFreeComm", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        abortComm = b.bind("cnclAbortComm", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        asyncError = b.bind("cnclGetCommAsyncError", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorStr = b.bind("cnclGetErrorStr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        FunctionDescriptor reduce = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS);
        allReduce = b.bind("cnclAllReduce", reduce);
        reduceScatter = b.bind("cnclReduceScatter", reduce);
        allGather = b.bind("cnclAllGather", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS));
        broadcast = b.bind("cnclBroadcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS));
        FunctionDescriptor p2p = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS);
        send = b.bind("cnclSend", p2p);
        recv = b.bind("cnclRecv", p2p);
        lastError = b.optional("kuaxin_cncl_emu_last_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        emuSetTimeout = b.optional("kuaxin_ccl_emu_set_timeout_ms", FunctionDescriptor.ofVoid(JAVA_INT));
        b.requireAll();
    }

    static CnclCollectives load(Device device) {
        if (!device.info().backend().equals("mlu")) {
            throw new InvalidArgumentException(device.id() + " is not a Cambricon device; CNCL serves mlu:N");
        }
        CnclCollectives c = loaded;
        if (c != null) return c;
        synchronized (CnclCollectives.class) {
            if (loaded == null) {
                var req = new NativeLibraryLocator.Request(device.info().emulated() ? "mlu" : "cncl", "cncl",
                        List.of("libcncl.so"), List.of("NEUWARE_HOME"), List.of("/usr/local/neuware"), "cncl");
                var r = NativeLibraryLocator.locate(req);
                Path p = r.path().orElseThrow(() -> new BackendUnavailableException("cncl", "cncl: libcncl.so not "
                        + "found; looked in " + r.searched()));
                try {
                    loaded = new CnclCollectives(p);
                } catch (SymbolBinder.MissingSymbolsException e) {
                    throw new BackendUnavailableException("cncl", e.getMessage());
                }
            }
            return loaded;
        }
    }

    /**
     * cnclDataType_t (V, cncl.h): Float16 0x10, Bfloat16 0x11, Float32 0x12, Int8 0x20, Int32 0x22, Int64 0x23,
     * Uint8 0x30. CNCL has no 64-bit float: f64 travels as Int64 (the same 8 bytes) where nothing is reduced, and
     * {@link CnclCommunicator#supportsReduction} refuses reducing it.
     */
    static int dtype(DType d) {
        return switch (d) {
            case F16 -> 0x10;
            case BF16 -> 0x11;
            case F32 -> 0x12;
            case I8 -> 0x20;
            case I32 -> 0x22;
            case I64, F64 -> 0x23;
            case U8, BOOL -> 0x30;
        };
    }

    /**
     * This process's rank: rank 0 makes the clique id, {@code rendezvous} broadcasts it, every rank creates its one
     * communicator with {@code cnclInitComms(…, 1, {ordinal}, {rank}, size, id)}. Every process must create its
     * CNCL cliques in the same order (cncl.h), or the joins wait for each other until the timeout.
     *
     * @throws InvalidArgumentException if the device is not a Cambricon device, or the timeout is not positive
     * @throws CollectiveException      BOOTSTRAP, TIMEOUT or PEER_LOST if the clique cannot form
     */
    public static Communicator init(Device device, Rendezvous rendezvous, Duration timeout) {
        CnclCollectives c = prepare(device, timeout);
        byte[] id = rendezvous.broadcast(rendezvous.rank() == 0 ? c.cliqueId() : null, 0);
        if (id.length != CLIQUE_ID_BYTES) {
            throw new CollectiveException(Reason.BOOTSTRAP, "cncl", "broadcast", 0, "clique id of " + id.length
                    + " bytes, " + CLIQUE_ID_BYTES + " expected");
        }
        return c.initComms(List.of(device), List.of(rendezvous.rank()), rendezvous.size(), id, timeout).getFirst();
    }

    /**
     * One communicator per Cambricon device in this process, rank {@code i} on {@code devices.get(i)}: one
     * {@code cnclInitComms} call with every device and rank (CNCL joins them itself).
     *
     * @throws InvalidArgumentException if the list is empty, or a device is not a Cambricon device
     * @throws CollectiveException      BOOTSTRAP or TIMEOUT if the clique cannot form
     */
    public static List<Communicator> initAll(List<Device> devices, Duration timeout) {
        if (devices.isEmpty()) throw new InvalidArgumentException("initAll needs at least one device");
        CnclCollectives c = prepare(devices.getFirst(), timeout);
        for (Device d : devices) load(d);
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) ranks.add(i);
        return c.initComms(devices, ranks, devices.size(), c.cliqueId(), timeout);
    }

    private static CnclCollectives prepare(Device device, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new InvalidArgumentException("timeout must be positive");
        CnclCollectives c = load(device);
        c.emuSetTimeout.ifPresent(m -> {
            try {
                m.invokeExact((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        return c;
    }

    byte[] cliqueId() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(CLIQUE_ID_BYTES, 8);
            check((int) getCliqueId.invokeExact(id), "cnclGetCliqueId", MemorySegment.NULL);
            return id.toArray(ValueLayout.JAVA_BYTE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    List<Communicator> initComms(List<Device> devices, List<Integer> ranks, int nrank, byte[] id, Duration timeout) {
        int n = devices.size();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment clique = a.allocate(CLIQUE_ID_BYTES, 8);
            MemorySegment.copy(id, 0, clique, ValueLayout.JAVA_BYTE, 0, id.length);
            MemorySegment comms = a.allocate(ADDRESS, n), devs = a.allocate(JAVA_INT, n), rs = a.allocate(JAVA_INT, n);
            for (int i = 0; i < n; i++) {
                devs.setAtIndex(JAVA_INT, i, devices.get(i).info().ordinal());
                rs.setAtIndex(JAVA_INT, i, ranks.get(i));
            }
            check((int) initComms.invokeExact(comms, n, devs, rs, nrank, clique), "cnclInitComms", MemorySegment.NULL);
            List<Communicator> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new Communicator(new CnclCommunicator(this, comms.getAtIndex(ADDRESS, i), timeout),
                        devices.get(i), ranks.get(i), nrank, timeout));
            }
            return out;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    String message(int rc, MemorySegment comm) { return ErrorText.of(errorStr, lastError, rc, comm); }

    /**
     * The one place CNCL results become reasons. CNCL reports any failure of a running collective as ASYNC_ERROR
     * (V); which one it was (ranks disagreeing, a peer that never came, a peer lost) is read from the message where
     * the library gives one (Kuaxin's emulator does), else it counts as a lost peer (I).
     */
    CollectiveException error(int rc, String call, MemorySegment comm) {
        String text = message(rc, comm);
        Reason reason = switch (rc) {
            case ASYNC_ERROR, ERR_INIT -> text.contains("disagree") ? Reason.MISMATCH
                    : text.contains("within") ? Reason.TIMEOUT
                    : rc == ERR_INIT ? Reason.BOOTSTRAP : Reason.PEER_LOST;
            case ERR_SYS_SOCKET -> call.equals("cnclInitComms") ? Reason.BOOTSTRAP : Reason.PEER_LOST;
            case ERR_NOT_INIT -> Reason.ABORTED;
            default -> Reason.LIBRARY;
        };
        return new CollectiveException(reason, "cncl", call, rc, text);
    }

    void check(int rc, String call, MemorySegment comm) {
        if (rc == RET_SUCCESS) return;
        if (rc == ERR_ARGUMENTS || rc == ERR_NULL_POINTER || rc == ERR_UNSUPPORTED) {
            throw new InvalidArgumentException(call + " rejected an argument (cnclResult_t 0x"
                    + Integer.toHexString(rc) + ": " + message(rc, comm) + ")");
        }
        if (rc == ERR_REINIT) {
            throw new InvalidArgumentException(call + ": a CNCL clique id initialises once per process; make a new "
                    + "one with another init (cnclResult_t 0x71: " + message(rc, comm) + ")");
        }
        throw error(rc, call, comm);
    }
}
