package io.kuaxin.collectives.nccl;

import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.Communicator;
import io.kuaxin.collectives.Rendezvous;
import io.kuaxin.collectives.spi.JoinAll;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Communicators over an accelerator's NCCL-shaped collective library (NCCL, RCCL, Iluvatar's NCCL, MCCL, BCCL; see
 * {@link CclFamily}).
 *
 * <pre>{@code
 * // one rank per process, the id exchanged by MPI (mpirun -np 8 ...):
 * Communicator c = NcclCollectives.init(kx.device("cuda:" + localRank), MpiRendezvous.world(), Duration.ofMinutes(1));
 * // or several devices in one process, no MPI:
 * List<Communicator> cs = NcclCollectives.initAll(List.of(kx.device("cuda:0"), kx.device("cuda:1")), timeout);
 * }</pre>
 */
public final class NcclCollectives {
    private NcclCollectives() {}

    /**
     * This process's rank: rank 0 creates the unique id, {@code rendezvous} broadcasts it, every rank joins.
     *
     * @throws InvalidArgumentException              if the device has no NCCL-shaped library
     * @throws io.kuaxin.BackendUnavailableException if the library is not installed
     * @throws CollectiveException                   BOOTSTRAP, TIMEOUT or PEER_LOST if the group cannot form
     */
    public static Communicator init(Device device, Rendezvous rendezvous, Duration timeout) {
        NcclBinding nccl = binding(device, timeout);
        byte[] id = rendezvous.rank() == 0 ? uniqueId(nccl) : null;
        id = rendezvous.broadcast(id, 0);
        if (id.length != NcclBinding.UNIQUE_ID_BYTES) {
            throw new CollectiveException(Reason.BOOTSTRAP, nccl.family.name(), "broadcast", 0, "unique id of "
                    + id.length + " bytes, " + NcclBinding.UNIQUE_ID_BYTES + " expected");
        }
        return join(nccl, device, id, rendezvous.size(), rendezvous.rank(), timeout);
    }

    /**
     * One communicator per device in this process (as {@code ncclCommInitAll}), rank {@code i} on
     * {@code devices.get(i)}; the joins run on one thread each, since each blocks until all joined.
     */
    public static List<Communicator> initAll(List<Device> devices, Duration timeout) {
        if (devices.isEmpty()) throw new InvalidArgumentException("initAll needs at least one device");
        NcclBinding nccl = binding(devices.get(0), timeout);
        for (Device d : devices) {
            if (CclFamily.of(d) != nccl.family) {
                throw new InvalidArgumentException("devices use different collective libraries: " + devices);
            }
        }
        byte[] id = uniqueId(nccl);
        return JoinAll.concurrently(devices.size(),
                rank -> join(nccl, devices.get(rank), id, devices.size(), rank, timeout));
    }

    private static NcclBinding binding(Device device, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new InvalidArgumentException("timeout must be positive");
        NcclBinding nccl = NcclBinding.load(CclFamily.of(device), device.info().backend(), device.info().emulated());
        nccl.emuSetTimeout.ifPresent(h -> {
            try {
                h.invokeExact((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        return nccl;
    }

    private static byte[] uniqueId(NcclBinding nccl) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(NcclBinding.UNIQUE_ID);
            nccl.check((int) nccl.getUniqueId.invokeExact(id), "GetUniqueId", null);
            return id.toArray(ValueLayout.JAVA_BYTE);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Communicator join(NcclBinding nccl, Device device, byte[] id, int nranks, int rank,
                                     Duration timeout) {
        setDevice(device);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            MemorySegment idv = a.allocate(NcclBinding.UNIQUE_ID);
            MemorySegment.copy(id, 0, idv, ValueLayout.JAVA_BYTE, 0, id.length);
            int rc = (int) nccl.commInitRank.invokeExact(out, nranks, idv, rank);
            nccl.check(rc, "CommInitRank", MemorySegment.NULL);
            MemorySegment comm = out.get(ADDRESS, 0);
            return new Communicator(new NcclCommunicator(nccl, comm, timeout), device, rank, nranks, timeout);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The library joins on the calling thread's current device: {@code <runtime>SetDevice(ordinal)} from the
     * device's runtime library ({@code cudaSetDevice}, {@code hipSetDevice}, {@code musaSetDevice},
     * {@code supaSetDevice}; (I) from the variant id).
     */
    private static void setDevice(Device device) {
        String lib = device.info().properties().get("runtimeLibrary");
        String variant = device.info().properties().getOrDefault("variant", "");
        if (lib == null || variant.isBlank()) return;
        String prefix = variant.split(" ")[0];
        // The backend has the runtime loaded: this handle only finds the symbol and is closed after the call
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup l = SymbolLookup.libraryLookup(Path.of(lib), a);
            l.find(prefix + "SetDevice").ifPresent(s -> {
                MethodHandle h = Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                try {
                    int rc = (int) h.invokeExact(device.info().ordinal());
                    if (rc != 0) {
                        throw new CollectiveException(Reason.LIBRARY, prefix, prefix + "SetDevice", rc,
                                "cannot select " + device.id() + " before joining the communicator");
                    }
                } catch (RuntimeException e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            });
        }
    }
}
