package io.kuaxin.collectives.mpi;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.CollectiveException;
import io.kuaxin.CollectiveException.Reason;
import io.kuaxin.spi.ffm.NativeLibraryLocator;
import io.kuaxin.spi.ffm.SymbolBinder;

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
 * The MPI C library ({@code libmpi.so}: Open MPI's, or one with MPICH's ABI) through FFM, initialised once per
 * process with {@code MPI_THREAD_MULTIPLE} requested ({@code MPI_THREAD_SERIALIZED} required: collectives run on stream
 * threads, one at a time). {@code MPI_ERRORS_RETURN} is set on {@code MPI_COMM_WORLD}, so a failed call returns a code
 * Kuaxin maps to {@link CollectiveException} instead of ending the process.
 *
 * <p>Not Open MPI's Java bindings: those need a jar Debian does not ship and were removed upstream.
 *
 * <p>Thread-safety: calls are serialised on this object. The process finalises MPI at exit (a shutdown hook), not at
 * communicator close, since MPI cannot be initialised twice.
 */
public final class Mpi {
    private static final int MPI_THREAD_SERIALIZED = 2; // enum order SINGLE, FUNNELED, SERIALIZED, MULTIPLE (V, mpi.h)
    private static final int MPI_THREAD_MULTIPLE = 3;
    private static volatile Mpi instance;

    final MpiAbi abi;
    final Path library;
    private final MethodHandle initialized, initThread, finalized, finalize, commRank, commSize, setErrhandler,
            bcast, allreduce, iallreduce, iallgather, ireduceScatterBlock, ibcast, isend, irecv, test, abort,
            errorString;
    private final int rank;
    private final int size;
    private final int threadLevel;

    private Mpi(Path library) {
        this.library = library;
        // Open MPI's components are plugins that expect libmpi's symbols to be global (mpi4py does the same).
        dlopenGlobal(library);
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        abi = MpiAbi.detect(lib);
        ValueLayout h = abi.handle();
        SymbolBinder b = new SymbolBinder(lib, library.toString());
        initialized = b.bind("MPI_Initialized", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        initThread = b.bind("MPI_Init_thread", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        finalized = b.bind("MPI_Finalized", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        finalize = b.bind("MPI_Finalize", FunctionDescriptor.of(JAVA_INT));
        commRank = b.bind("MPI_Comm_rank", FunctionDescriptor.of(JAVA_INT, h, ADDRESS));
        commSize = b.bind("MPI_Comm_size", FunctionDescriptor.of(JAVA_INT, h, ADDRESS));
        setErrhandler = b.bind("MPI_Comm_set_errhandler", FunctionDescriptor.of(JAVA_INT, h, h));
        bcast = b.bind("MPI_Bcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, JAVA_INT, h));
        allreduce = b.bind("MPI_Allreduce", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, h, h, h));
        iallreduce = b.bind("MPI_Iallreduce",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, h, h, h, ADDRESS));
        iallgather = b.bind("MPI_Iallgather",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, ADDRESS, JAVA_INT, h, h, ADDRESS));
        ireduceScatterBlock = b.bind("MPI_Ireduce_scatter_block",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, h, h, h, ADDRESS));
        ibcast = b.bind("MPI_Ibcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, JAVA_INT, h, ADDRESS));
        isend = b.bind("MPI_Isend",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, JAVA_INT, JAVA_INT, h, ADDRESS));
        irecv = b.bind("MPI_Irecv",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, JAVA_INT, JAVA_INT, h, ADDRESS));
        test = b.bind("MPI_Test", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        abort = b.bind("MPI_Abort", FunctionDescriptor.of(JAVA_INT, h, JAVA_INT));
        errorString = b.bind("MPI_Error_string", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        b.requireAll();

        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(JAVA_INT);
            int provided;
            call("MPI_Initialized", (int) initialized.invokeExact(flag));
            if (flag.get(JAVA_INT, 0) == 0) {
                MemorySegment p = a.allocate(JAVA_INT);
                call("MPI_Init_thread", (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL,
                        MPI_THREAD_MULTIPLE, p));
                provided = p.get(JAVA_INT, 0);
                Runtime.getRuntime().addShutdownHook(new Thread(this::finalizeQuietly, "kuaxin-mpi-finalize"));
            } else {
                provided = MPI_THREAD_SERIALIZED; // initialised by the application: it vouches for its level
            }
            threadLevel = provided;
            if (provided < MPI_THREAD_SERIALIZED) {
                throw new BackendUnavailableException("mpi", "mpi: " + library + " provides thread level " + provided
                        + "; Kuaxin needs MPI_THREAD_SERIALIZED (2) or more, since collectives run on stream threads");
            }
            call("MPI_Comm_set_errhandler", (int) setErrhandler.invoke(abi.commWorld(), abi.errorsReturn()));
            MemorySegment out = a.allocate(JAVA_INT);
            call("MPI_Comm_rank", (int) commRank.invoke(abi.commWorld(), out));
            rank = out.get(JAVA_INT, 0);
            call("MPI_Comm_size", (int) commSize.invoke(abi.commWorld(), out));
            size = out.get(JAVA_INT, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI initialisation failed: " + t, t);
        }
    }

    /**
     * The process's MPI, initialised on first use.
     *
     * @throws BackendUnavailableException if no MPI library is found or it cannot be initialised
     */
    public static Mpi get() {
        Mpi m = instance;
        if (m != null) return m;
        synchronized (Mpi.class) {
            if (instance == null) {
                NativeLibraryLocator.Result r = NativeLibraryLocator.locate(request());
                Path p = r.path().orElseThrow(() -> new BackendUnavailableException("mpi",
                        "mpi: no MPI library found (install Open MPI, e.g. apt-get install openmpi-bin "
                                + "libopenmpi-dev, or set KUAXIN_MPI_LIBRARY); looked in " + r.searched()));
                try {
                    instance = new Mpi(p);
                } catch (SymbolBinder.MissingSymbolsException e) {
                    throw new BackendUnavailableException("mpi", "mpi: " + e.getMessage());
                }
            }
            return instance;
        }
    }

    /** Where MPI is looked for: {@code KUAXIN_MPI_LIBRARY}, {@code MPI_HOME}, distribution paths. */
    static NativeLibraryLocator.Request request() {
        return new NativeLibraryLocator.Request("mpi", "mpi", List.of("libmpi.so.40", "libmpi.so.12", "libmpi.so"),
                List.of("MPI_HOME", "OPAL_PREFIX", "I_MPI_ROOT"),
                List.of("/usr/lib/x86_64-linux-gnu/openmpi", "/usr/lib64/openmpi", "/usr/lib64/mpich", "/opt/openmpi"),
                "mpi");
    }

    /** Whether this process was started by an MPI launcher ({@code mpirun}, {@code srun} with PMI). */
    public static boolean launched() {
        var env = System.getenv();
        return env.containsKey("OMPI_COMM_WORLD_RANK") || env.containsKey("PMI_RANK") || env.containsKey("PMIX_RANK");
    }

    public int rank() { return rank; }

    public int size() { return size; }

    /** The thread level MPI provides. */
    public int threadLevel() { return threadLevel; }

    /** The ABI and library, for reports, e.g. {@code Open MPI /usr/lib/x86_64-linux-gnu/libmpi.so.40}. */
    public String describe() { return abi.name() + " " + library; }

    /** Broadcasts {@code bytes} of {@code buf} from {@code root} over MPI_COMM_WORLD (blocking; bootstrap only). */
    synchronized void bcastBytes(MemorySegment buf, int root) {
        try {
            check("MPI_Bcast", (int) bcast.invoke(buf, Math.toIntExact(buf.byteSize()), abi.byteType(), root,
                    abi.commWorld()));
        } catch (CollectiveException e) {
            throw new CollectiveException(Reason.BOOTSTRAP, "mpi", "MPI_Bcast", e.code(), e.getMessage());
        } catch (Throwable t) {
            throw wrap("MPI_Bcast", t);
        }
    }

    /** Blocking {@code MPI_Allreduce} over MPI_COMM_WORLD: the baseline the bandwidth measurement compares with. */
    public synchronized void allreduceBlocking(MemorySegment send, MemorySegment recv, int count, io.kuaxin.DType dt,
                                               io.kuaxin.collectives.ReduceOp op) {
        try {
            check("MPI_Allreduce", (int) allreduce.invoke(send, recv, count, abi.datatype(dt), op(op),
                    abi.commWorld()));
        } catch (Throwable t) {
            throw wrap("MPI_Allreduce", t);
        }
    }

    Object op(io.kuaxin.collectives.ReduceOp op) {
        return abi.op(switch (op) {
            case SUM, AVG -> "sum";
            case MAX -> "max";
            case MIN -> "min";
        });
    }

    /** Starts a non-blocking collective; {@code start} fills {@code request}. */
    interface Start { int call(MemorySegment request) throws Throwable; }

    /**
     * Starts a non-blocking call and polls {@code MPI_Test} until it completes or {@code timeout} passes. Serialised:
     * one collective is in flight at a time, so every rank issues them in one order.
     *
     * @throws CollectiveException TIMEOUT (the request stays pending: abort the communicator), or LIBRARY
     */
    synchronized void run(String name, Duration timeout, Start start) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(abi.requestBytes(), 8);
            MemorySegment flag = a.allocate(JAVA_INT);
            MemorySegment status = a.allocate(64, 8); // larger than either ABI's MPI_Status
            check(name, start.call(req));
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int polls = 0; ; polls++) {
                check("MPI_Test", (int) test.invokeExact(req, flag, status));
                if (flag.get(JAVA_INT, 0) != 0) return;
                if (System.nanoTime() - deadline > 0) {
                    throw new CollectiveException(Reason.TIMEOUT, "mpi", name, 0, "not every rank took part within "
                            + timeout + "; a peer is stuck, dead or issued another collective");
                }
                if (polls > 1000) Thread.yield(); // oversubscribed ranks must let their peers run
            }
        } catch (CollectiveException e) {
            throw e;
        } catch (Throwable t) {
            throw wrap(name, t);
        }
    }

    MethodHandle iallreduce() { return iallreduce; }
    MethodHandle iallgather() { return iallgather; }
    MethodHandle ireduceScatterBlock() { return ireduceScatterBlock; }
    MethodHandle ibcast() { return ibcast; }
    MethodHandle isend() { return isend; }
    MethodHandle irecv() { return irecv; }

    /** {@code MPI_Abort} on MPI_COMM_WORLD: ends every rank of the job (MPI has no narrower abort). */
    public void abortJob(int code) {
        try {
            int ignored = (int) abort.invoke(abi.commWorld(), code);
        } catch (Throwable t) {
            throw wrap("MPI_Abort", t);
        }
    }

    private void finalizeQuietly() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(JAVA_INT);
            int rc = (int) finalized.invokeExact(flag);
            if (rc == 0 && flag.get(JAVA_INT, 0) == 0) rc = (int) finalize.invokeExact();
        } catch (Throwable ignored) {
            // the process is exiting
        }
    }

    void check(String call, int rc) {
        if (rc != 0) {
            throw new CollectiveException(Reason.LIBRARY, "mpi", call, rc, message(rc));
        }
    }

    private static void call(String name, int rc) {
        if (rc != 0) throw new BackendUnavailableException("mpi", "mpi: " + name + " returned " + rc);
    }

    private String message(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512);
            MemorySegment len = a.allocate(JAVA_INT);
            int ignored = (int) errorString.invokeExact(rc, buf, len);
            return buf.getString(0);
        } catch (Throwable t) {
            return "MPI error " + rc;
        }
    }

    private static RuntimeException wrap(String call, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(call + ": " + t, t);
    }

    private static void dlopenGlobal(Path library) {
        Linker linker = Linker.nativeLinker();
        var dlopen = linker.defaultLookup().find("dlopen");
        if (dlopen.isEmpty()) return;
        MethodHandle h = linker.downcallHandle(dlopen.get(), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ignored = (MemorySegment) h.invokeExact(a.allocateFrom(library.toString()),
                    0x2 | 0x100); // RTLD_NOW | RTLD_GLOBAL (glibc <dlfcn.h>) (V)
        } catch (Throwable t) {
            // fall back to the private lookup: works where the plugins link libmpi themselves
        }
    }
}
