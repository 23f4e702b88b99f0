package io.kuaxin.collectives.mpi;

import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.Rendezvous;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The default rendezvous across processes: rank and size of {@code MPI_COMM_WORLD}, and {@code MPI_Bcast} of the id
 * (as the vendors' own multi-node samples do). Start the processes with {@code mpirun} (or {@code srun}).
 */
public final class MpiRendezvous implements Rendezvous {
    private final Mpi mpi;

    public MpiRendezvous(Mpi mpi) { this.mpi = mpi; }

    /** Over the process's MPI. @throws io.kuaxin.BackendUnavailableException if there is none */
    public static MpiRendezvous world() { return new MpiRendezvous(Mpi.get()); }

    @Override public int rank() { return mpi.rank(); }

    @Override public int size() { return mpi.size(); }

    /** Broadcasts the length, then the bytes. */
    @Override
    public byte[] broadcast(byte[] data, int root) {
        if (root < 0 || root >= size()) throw new InvalidArgumentException("root " + root + " of " + size() + " ranks");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            if (rank() == root) len.set(ValueLayout.JAVA_INT, 0, data.length);
            mpi.bcastBytes(len, root);
            int n = len.get(ValueLayout.JAVA_INT, 0);
            MemorySegment buf = a.allocate(Math.max(1, n));
            if (rank() == root) MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, n);
            if (n > 0) mpi.bcastBytes(buf.asSlice(0, n), root);
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
