package io.kuaxin.collectives.hccl;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.Communicator;
import io.kuaxin.collectives.Rendezvous;
import io.kuaxin.collectives.spi.ErrorText;
import io.kuaxin.collectives.spi.JoinAll;
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
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Communicators over Huawei Ascend's HCCL ({@code libhccl.so}) through FFM: the root info is {@code char[4108]}
 * passed by pointer, counts are {@code uint64_t}, ranks {@code uint32_t}, dtypes and errors have their own codes
 * (mapped here, in one place; values in {@code native/include/hccl/hccl.h}), there is no AVG, and broadcast is in
 * place. The binding sits in this module next to the NCCL family's, not in the Ascend backend, so the backend does not
 * depend on the collectives API.
 *
 * <p>On real hardware HCCL joins on the thread's current device ({@code aclrtSetDevice}); Kuaxin's Ascend backend
 * binds its device per call, so call from a thread that used the device. (Checked on the emulator only.)
 */
public final class HcclCollectives {
    static final int ROOT_INFO_BYTES = 4108;

    final Path library;
    final MethodHandle getRootInfo, initRootInfo, destroy, asyncError, errorString, allReduce, broadcast,
            reduceScatter, allGather, send, recv;
    final Optional<MethodHandle> lastError, emuSetTimeout;
    private static volatile HcclCollectives loaded;

    private HcclCollectives(Path library) {
        this.library = library;
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        SymbolBinder b = new SymbolBinder(lib, library.toString());
        getRootInfo = b.bind("HcclGetRootInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        initRootInfo = b.bind("HcclCommInitRootInfo", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS));
        destroy = b.bind("HcclCommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        asyncError = b.bind("HcclGetCommAsyncError", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        errorString = b.bind("HcclGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        FunctionDescriptor reduce = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS);
        allReduce = b.bind("HcclAllReduce", reduce);
        reduceScatter = b.bind("HcclReduceScatter", reduce);
        broadcast = b.bind("HcclBroadcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS));
        allGather = b.bind("HcclAllGather", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS));
        FunctionDescriptor p2p = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS);
        send = b.bind("HcclSend", p2p);
        recv = b.bind("HcclRecv", p2p);
        lastError = b.optional("kuaxin_hccl_emu_last_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        emuSetTimeout = b.optional("kuaxin_ccl_emu_set_timeout_ms", FunctionDescriptor.ofVoid(JAVA_INT));
        b.requireAll();
    }

    static HcclCollectives load(Device device) {
        if (!device.info().backend().equals("ascend")) {
            throw new InvalidArgumentException(device.id() + " is not an Ascend device; HCCL serves ascend:N");
        }
        HcclCollectives h = loaded;
        if (h != null) return h;
        synchronized (HcclCollectives.class) {
            if (loaded == null) {
                var req = new NativeLibraryLocator.Request(device.info().emulated() ? "ascend" : "hccl", "hccl",
                        List.of("libhccl.so"), List.of("ASCEND_HOME_PATH", "ASCEND_TOOLKIT_HOME"),
                        List.of("/usr/local/Ascend/ascend-toolkit/latest"), "hccl");
                var r = NativeLibraryLocator.locate(req);
                Path p = r.path().orElseThrow(() -> new BackendUnavailableException("hccl", "hccl: libhccl.so not "
                        + "found; looked in " + r.searched()));
                try {
                    loaded = new HcclCollectives(p);
                } catch (SymbolBinder.MissingSymbolsException e) {
                    throw new BackendUnavailableException("hccl", e.getMessage());
                }
            }
            return loaded;
        }
    }

    /** HcclDataType (V, hccl_types.h). */
    static int dtype(DType d) {
        return switch (d) {
            case I8 -> 0;
            case I32 -> 2;
            case F16 -> 3;
            case F32 -> 4;
            case I64 -> 5;
            case U8, BOOL -> 7;
            case F64 -> 10;
            case BF16 -> 11;
        };
    }

    /**
     * This process's rank: rank 0 makes the root info, {@code rendezvous} broadcasts it, every rank joins.
     *
     * @throws CollectiveException BOOTSTRAP, TIMEOUT or PEER_LOST if the group cannot form
     */
    public static Communicator init(Device device, Rendezvous rendezvous, Duration timeout) {
        HcclCollectives h = prepare(device, timeout);
        byte[] root = rendezvous.broadcast(rendezvous.rank() == 0 ? h.rootInfo() : null, 0);
        if (root.length != ROOT_INFO_BYTES) {
            throw new CollectiveException(Reason.BOOTSTRAP, "hccl", "broadcast", 0, "root info of " + root.length
                    + " bytes, " + ROOT_INFO_BYTES + " expected");
        }
        return h.join(device, root, rendezvous.size(), rendezvous.rank(), timeout);
    }

    /** One communicator per Ascend device in this process, rank {@code i} on {@code devices.get(i)}. */
    public static List<Communicator> initAll(List<Device> devices, Duration timeout) {
        if (devices.isEmpty()) throw new InvalidArgumentException("initAll needs at least one device");
        HcclCollectives h = prepare(devices.getFirst(), timeout);
        byte[] root = h.rootInfo();
        return JoinAll.concurrently(devices.size(),
                rank -> h.join(devices.get(rank), root, devices.size(), rank, timeout));
    }

    private static HcclCollectives prepare(Device device, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new InvalidArgumentException("timeout must be positive");
        HcclCollectives h = load(device);
        h.emuSetTimeout.ifPresent(m -> {
            try {
                m.invokeExact((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        return h;
    }

    private byte[] rootInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(ROOT_INFO_BYTES, 8);
            check((int) getRootInfo.invokeExact(info), "HcclGetRootInfo", MemorySegment.NULL);
            return info.toArray(ValueLayout.JAVA_BYTE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private Communicator join(Device device, byte[] root, int nranks, int rank, Duration timeout) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(ROOT_INFO_BYTES, 8);
            MemorySegment.copy(root, 0, info, ValueLayout.JAVA_BYTE, 0, root.length);
            MemorySegment out = a.allocate(ADDRESS);
            check((int) initRootInfo.invokeExact(nranks, info, rank, out), "HcclCommInitRootInfo",
                    MemorySegment.NULL);
            return new Communicator(new HcclCommunicator(this, out.get(ADDRESS, 0), timeout), device, rank, nranks,
                    timeout);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    String message(int rc, MemorySegment comm) { return ErrorText.of(errorString, lastError, rc, comm); }

    /** HcclResult (V): PARA 1, PTR 2, NOT_SUPPORT 5, TIMEOUT 9, TCP/ROCE 11-14, REMOTE 21. */
    CollectiveException error(int rc, String call, MemorySegment comm) {
        String text = message(rc, comm);
        Reason reason = switch (rc) {
            case 9 -> Reason.TIMEOUT;
            case 11, 12, 13, 14, 19, 21 -> Reason.PEER_LOST;
            case 1 -> text.contains("disagree") ? Reason.MISMATCH : Reason.LIBRARY;
            default -> Reason.LIBRARY;
        };
        return new CollectiveException(reason, "hccl", call, rc, text);
    }

    void check(int rc, String call, MemorySegment comm) {
        if (rc == 0) return;
        if (rc == 1 || rc == 2 || rc == 5) {
            throw new InvalidArgumentException(call + " rejected an argument (HcclResult " + rc + ": "
                    + message(rc, comm) + ")");
        }
        throw error(rc, call, comm);
    }
}
