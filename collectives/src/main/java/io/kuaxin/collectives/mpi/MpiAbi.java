package io.kuaxin.collectives.mpi;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/**
 * The two MPI ABIs: the standard fixes names, not values. Open MPI's handles are pointers to exported globals
 * ({@code MPI_COMM_WORLD} is {@code &ompi_mpi_comm_world}); MPICH's (and its derivatives': Intel MPI, MVAPICH, Cray
 * MPICH) are {@code int}s. A handle is therefore an {@code Object}: a {@link MemorySegment} or an {@link Integer},
 * passed with {@link #handle()}'s layout.
 */
abstract sealed class MpiAbi {
    /** The layout of a handle argument. */
    abstract ValueLayout handle();

    abstract String name();

    abstract Object commWorld();

    abstract Object errorsReturn();

    abstract Object op(String name);

    /** The MPI datatype for a Kuaxin dtype, or MPI_BYTE for dtypes MPI has no type for (f16, bf16). */
    abstract Object datatype(DType d);

    abstract Object byteType();

    /** {@code MPI_IN_PLACE}. */
    abstract MemorySegment inPlace();

    /** Bytes of an {@code MPI_Request} out-parameter. */
    long requestBytes() { return 8; }

    static MpiAbi detect(SymbolLookup lib) {
        return lib.find("ompi_mpi_comm_world").isPresent() ? new OpenMpi(lib) : new Mpich();
    }

    /**
     * Open MPI 4.x/5.x: handles are addresses of exported objects (Debian's openmpi 4.1.4 {@code mpi.h}:
     * {@code #define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(MPI_Comm, ompi_mpi_comm_world)}) (V), checked by the MPI
     * tests here. {@code MPI_IN_PLACE} is {@code (void *) 1} (V, same header).
     */
    static final class OpenMpi extends MpiAbi {
        private final SymbolLookup lib;

        OpenMpi(SymbolLookup lib) { this.lib = lib; }

        private MemorySegment sym(String name) {
            return lib.find(name).orElseThrow(() -> new IllegalStateException("Open MPI lacks " + name));
        }

        @Override ValueLayout handle() { return ValueLayout.ADDRESS; }
        @Override String name() { return "Open MPI"; }
        @Override Object commWorld() { return sym("ompi_mpi_comm_world"); }
        @Override Object errorsReturn() { return sym("ompi_mpi_errors_return"); }
        @Override Object op(String name) { return sym("ompi_mpi_op_" + name); }
        @Override Object byteType() { return sym("ompi_mpi_byte"); }
        @Override MemorySegment inPlace() { return MemorySegment.ofAddress(1); }

        @Override Object datatype(DType d) {
            return sym(switch (d) {
                case F32 -> "ompi_mpi_float";
                case F64 -> "ompi_mpi_double";
                case I8 -> "ompi_mpi_signed_char";
                case U8, BOOL -> "ompi_mpi_unsigned_char";
                case I32 -> "ompi_mpi_int";
                case I64 -> "ompi_mpi_long_long_int";
                case F16, BF16 -> "ompi_mpi_byte";
            });
        }
    }

    /**
     * MPICH ABI: {@code int} handles. Values (U) from an MPICH-derived {@code mpi.h} (MS-MPI's, which keeps MPICH's
     * encoding): {@code MPI_COMM_WORLD 0x44000000}, {@code MPI_FLOAT 0x4c00040a}, {@code MPI_DOUBLE 0x4c00080b},
     * {@code MPI_SIGNED_CHAR 0x4c000118}, {@code MPI_UNSIGNED_CHAR 0x4c000102}, {@code MPI_INT 0x4c000405},
     * {@code MPI_LONG_LONG_INT 0x4c000809}, {@code MPI_BYTE 0x4c00010d}, {@code MPI_MAX/MIN/SUM 0x58000001/2/3},
     * {@code MPI_ERRORS_RETURN 0x54000001}; {@code MPI_IN_PLACE} is {@code (void *) -1} in MPICH's {@code mpi.h.in}
     * (U). Not run here: only Open MPI is installed.
     */
    static final class Mpich extends MpiAbi {
        @Override ValueLayout handle() { return ValueLayout.JAVA_INT; }
        @Override String name() { return "MPICH ABI"; }
        @Override Object commWorld() { return 0x44000000; }
        @Override Object errorsReturn() { return 0x54000001; }
        @Override Object byteType() { return 0x4c00010d; }
        @Override MemorySegment inPlace() { return MemorySegment.ofAddress(-1L); }

        @Override Object op(String name) {
            return switch (name) {
                case "max" -> 0x58000001;
                case "min" -> 0x58000002;
                case "sum" -> 0x58000003;
                default -> throw new IllegalArgumentException(name);
            };
        }

        @Override Object datatype(DType d) {
            return switch (d) {
                case F32 -> 0x4c00040a;
                case F64 -> 0x4c00080b;
                case I8 -> 0x4c000118;
                case U8, BOOL -> 0x4c000102;
                case I32 -> 0x4c000405;
                case I64 -> 0x4c000809;
                case F16, BF16 -> 0x4c00010d;
            };
        }
    }
}
