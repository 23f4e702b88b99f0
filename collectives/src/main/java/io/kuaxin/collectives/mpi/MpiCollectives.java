package io.kuaxin.collectives.mpi;

import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.collectives.Communicator;

import java.time.Duration;

/**
 * Communicators whose data moves through MPI itself: the CPU backend's collectives, one rank per process.
 *
 * <pre>{@code
 * // mpirun -np 4 java ... MyMain
 * try (Kuaxin kx = Kuaxin.open(); Communicator c = MpiCollectives.world(kx.device("cpu"), Duration.ofSeconds(30))) {
 *     c.allReduce(grad, grad, ReduceOp.AVG);
 *     c.synchronize(kx.device("cpu").defaultStream());
 * }
 * }</pre>
 */
public final class MpiCollectives {
    private MpiCollectives() {}

    /**
     * This process's rank of {@code MPI_COMM_WORLD} on {@code device}, which must be host-accessible (the CPU).
     *
     * @throws io.kuaxin.BackendUnavailableException if MPI is not installed
     * @throws InvalidArgumentException              if the device's memory is not host memory
     */
    public static Communicator world(Device device, Duration timeout) {
        if (!device.info().hostAccessible()) {
            throw new InvalidArgumentException(device.id() + " is not host memory; MPI collectives run on the CPU. "
                    + "Use the vendor's collective library for accelerators");
        }
        if (timeout.isNegative() || timeout.isZero()) throw new InvalidArgumentException("timeout must be positive");
        Mpi mpi = Mpi.get();
        return new Communicator(new MpiCommunicator(mpi, timeout), device, mpi.rank(), mpi.size(), timeout);
    }
}
