package io.kuaxin.collectives;

import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.mpi.Mpi;
import io.kuaxin.collectives.mpi.MpiCollectives;
import io.kuaxin.collectives.mpi.MpiRendezvous;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;

/**
 * One rank of the MPI tests, started by {@code mpirun} from {@link MpiRanksTest}. Prints {@code PASS <what>} lines
 * and exits 0, or prints {@code FAIL ...} and exits 1. Expected values are computed here from the ranks' formulas,
 * independently of any collective.
 *
 * <p>Scenarios (comma-separated to run several): {@code collectives}, {@code tp}, {@code timeout},
 * {@code bandwidth <MiB> <iterations>}.
 */
public final class MpiRankMain {
    private static int rank, size;

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "collectives";
        // one kernel thread per rank: the ranks share the cores (set here: mpirun rewrites -D options given to java)
        if (System.getProperty("kuaxin.cpu.threads") == null) System.setProperty("kuaxin.cpu.threads", "1");
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            Duration timeout = Duration.ofSeconds(scenario.equals("timeout") ? 2 : 60);
            try (Communicator c = MpiCollectives.world(cpu, timeout)) {
                rank = c.rank();
                size = c.size();
                for (String sc : scenario.split(",")) { // several in one launch: each JVM start costs seconds
                    switch (sc) {
                        case "collectives" -> collectives(c, cpu);
                        case "timeout" -> timeout(c, cpu, timeout);
                        case "bandwidth" -> bandwidth(c, cpu, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                        case "tp" -> tensorParallel(c, cpu);
                        default -> throw new IllegalArgumentException(sc);
                    }
                }
            }
        } catch (Throwable t) {
            System.out.println("FAIL rank " + rank + ": " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.flush();
    }

    private static float value(int r, int i) { return (r + 1) * 0.5f + (i % 7) - 3f; }

    private static void check(String what, boolean ok, String detail) {
        if (!ok) throw new AssertionError(what + ": " + detail);
        System.out.println("PASS rank " + rank + " " + what);
    }

    private static void collectives(Communicator c, Device cpu) {
        Stream s = cpu.defaultStream();
        int n = 1000;
        try (Scope sc = cpu.scope()) {
            // rendezvous: the root's bytes on every rank
            byte[] id = new MpiRendezvous(Mpi.get()).broadcast(rank == 0 ? new byte[] {1, 2, 3, 4, 5} : null, 0);
            check("rendezvous.broadcast", Arrays.equals(id, new byte[] {1, 2, 3, 4, 5}), Arrays.toString(id));

            float[] mine = new float[n];
            for (int i = 0; i < n; i++) mine[i] = value(rank, i);
            for (ReduceOp op : ReduceOp.values()) {
                Tensor send = sc.copyOf(mine, Shape.of(n));
                Tensor recv = sc.zeros(DType.F32, Shape.of(n));
                c.allReduce(send, recv, op, s);
                c.synchronize(s);
                float[] got = recv.toFloatArray();
                double maxErr = 0;
                for (int i = 0; i < n; i++) {
                    double sum = 0, max = -1e30, min = 1e30;
                    for (int r = 0; r < size; r++) {
                        double v = value(r, i);
                        sum += v;
                        max = Math.max(max, v);
                        min = Math.min(min, v);
                    }
                    double want = switch (op) { case SUM -> sum; case MAX -> max; case MIN -> min; case AVG -> sum / size; };
                    maxErr = Math.max(maxErr, Math.abs(got[i] - want));
                }
                check("allReduce f32 " + op, maxErr < 1e-4, "max error " + maxErr);
            }
            // in place, integers
            long[] ints = new long[n];
            for (int i = 0; i < n; i++) ints[i] = (long) rank * 1_000_000_007L + i;
            Tensor li = sc.copyOf(MemorySegment.ofArray(ints), DType.I64, Shape.of(n));
            c.allReduce(li, li, ReduceOp.SUM, s);
            c.synchronize(s);
            long[] gotL = li.toLongArray();
            boolean ok = true;
            for (int i = 0; i < n; i++) {
                long want = 0;
                for (int r = 0; r < size; r++) want += (long) r * 1_000_000_007L + i;
                ok &= gotL[i] == want;
            }
            check("allReduce i64 SUM in place", ok, Arrays.toString(Arrays.copyOf(gotL, 4)));

            // all-gather
            Tensor ag = sc.zeros(DType.F32, Shape.of(size, n));
            c.allGather(sc.copyOf(mine, Shape.of(n)), ag, s);
            c.synchronize(s);
            float[] g = ag.toFloatArray();
            ok = true;
            for (int r = 0; r < size; r++) for (int i = 0; i < n; i++) ok &= g[r * n + i] == value(r, i);
            check("allGather", ok, "mismatch");

            // reduce-scatter: rank r gets the sum of block r
            float[] big = new float[size * n];
            for (int i = 0; i < big.length; i++) big[i] = value(rank, i);
            Tensor rs = sc.zeros(DType.F32, Shape.of(n));
            c.reduceScatter(sc.copyOf(big, Shape.of(size * n)), rs, ReduceOp.SUM, s);
            c.synchronize(s);
            float[] gr = rs.toFloatArray();
            double err = 0;
            for (int i = 0; i < n; i++) {
                double want = 0;
                for (int r = 0; r < size; r++) want += value(r, rank * n + i);
                err = Math.max(err, Math.abs(gr[i] - want));
            }
            check("reduceScatter SUM", err < 1e-4, "max error " + err);

            // broadcast from the last rank, bf16 moves as bytes
            int root = size - 1;
            Tensor b = sc.copyOf(mine, DType.BF16, Shape.of(n));
            c.broadcast(b, root, s);
            c.synchronize(s);
            float[] gb = b.toFloatArray();
            ok = true;
            for (int i = 0; i < n; i++) ok &= gb[i] == DType.bf16ToFloat(DType.floatToBf16(value(root, i)));
            check("broadcast bf16 from " + root, ok, "mismatch");

            // send/recv around a ring
            int next = (rank + 1) % size, prev = (rank + size - 1) % size;
            Tensor out = sc.copyOf(mine, Shape.of(n));
            Tensor in = sc.zeros(DType.F32, Shape.of(n));
            if (rank % 2 == 0) {
                c.send(out, next, s);
                c.recv(in, prev, s);
            } else {
                c.recv(in, prev, s);
                c.send(out, next, s);
            }
            c.synchronize(s);
            float[] gi = in.toFloatArray();
            ok = true;
            for (int i = 0; i < n; i++) ok &= gi[i] == value(prev, i);
            check("send/recv ring", ok, "mismatch");

            // front-door validation: nothing enqueued, the communicator still works
            try {
                c.allGather(sc.zeros(DType.F32, Shape.of(n)), sc.zeros(DType.F32, Shape.of(n)), s);
                check("allGather wrong size refused", false, "no exception");
            } catch (InvalidArgumentException e) {
                check("allGather wrong size refused", true, "");
            }
            try {
                c.allReduce(sc.zeros(DType.F16, Shape.of(4)), sc.zeros(DType.F16, Shape.of(4)), ReduceOp.SUM, s);
                check("f16 reduction refused", false, "no exception");
            } catch (InvalidArgumentException e) {
                check("f16 reduction refused", e.getMessage().contains("f16"), e.getMessage());
            }
            c.barrier();
            check("barrier", true, "");
        }
    }

    private static void timeout(Communicator c, Device cpu, Duration timeout) throws Exception {
        Stream s = cpu.defaultStream();
        try (Scope sc = cpu.scope()) {
            Tensor t = sc.copyOf(new float[] {1, 2, 3}, Shape.of(3));
            if (rank == 0) {
                long t0 = System.nanoTime();
                c.allReduce(t, t, ReduceOp.SUM, s);
                try {
                    c.synchronize(s);
                    check("timeout", false, "no exception");
                } catch (CollectiveException e) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    check("timeout reason " + e.reason(), e.reason() == CollectiveException.Reason.TIMEOUT
                            && ms < timeout.toMillis() + 3000, e.getMessage() + " after " + ms + " ms");
                    System.out.println("TIMEOUT after " + ms + " ms (limit " + timeout.toMillis() + " ms)");
                }
                try {
                    c.allReduce(t, t, ReduceOp.SUM, s);
                    check("aborted communicator refuses", false, "no exception");
                } catch (CollectiveException e) {
                    check("aborted communicator refuses", e.reason() == CollectiveException.Reason.ABORTED,
                            e.getMessage());
                }
                // the device stays usable
                check("device usable", sc.copyOf(new float[] {7}, Shape.of(1)).toFloatArray()[0] == 7f, "");
                System.out.println("ABORTING JOB");
                System.out.flush();
                // MPI cannot drop one abandoned collective: the pending request would keep MPI_Finalize waiting
                // for the peer. Ending the job is MPI's abort (the other rank is killed by mpirun).
                Mpi.get().abortJob(3);
            } else {
                Thread.sleep(60_000); // never joins; killed by rank 0's MPI_Abort
            }
        }
    }

    /** The decoder split over the ranks' CPUs, against the whole decoder on this rank's CPU. */
    private static void tensorParallel(Communicator c, Device cpu) {
        var w = io.kuaxin.models.decoder.DecoderWeights.generate(TensorParallelTest.TINY);
        float[][] want = TensorParallelTest.single(cpu, w);
        try (var dec = new io.kuaxin.models.decoder.TensorParallelDecoder(cpu, w, io.kuaxin.Ops.withFallback(
                io.kuaxin.FallbackPolicy.FAIL), rank, size, t -> c.allReduce(t, t, ReduceOp.SUM, cpu.defaultStream()))) {
            for (int i = 0; i <= TensorParallelTest.DECODE; i++) {
                float[] got = i == 0 ? dec.step(TensorParallelTest.PROMPT)
                        : dec.step(new long[] {TensorParallelTest.argmax(want[i - 1])});
                double worst = 0;
                for (int j = 0; j < got.length; j++) {
                    worst = Math.max(worst, Math.abs(got[j] - want[i][j]) / Math.max(1, Math.abs(want[i][j])));
                }
                check("tensor-parallel logits step " + i + " (worst " + String.format("%.1e", worst) + ")",
                        worst <= 1e-4, "worst relative error " + worst);
            }
        }
    }

    /** Algorithm bandwidth of Kuaxin's all-reduce and of a direct MPI_Allreduce on the same bytes, alternated. */
    private static void bandwidth(Communicator c, Device cpu, int mib, int iterations) {
        Stream s = cpu.defaultStream();
        long bytes = (long) mib << 20;
        int n = (int) (bytes / 4);
        try (Scope sc = cpu.scope(); Arena a = Arena.ofConfined()) {
            Tensor t = sc.zeros(DType.F32, Shape.of(n));
            Tensor r = sc.zeros(DType.F32, Shape.of(n));
            MemorySegment ms = a.allocate(bytes, 64), mr = a.allocate(bytes, 64);
            double[] kx = new double[iterations], raw = new double[iterations];
            for (int w = 0; w < 2; w++) { // warm-up: page faults, JIT
                c.allReduce(t, r, ReduceOp.SUM, s);
                c.synchronize(s);
                Mpi.get().allreduceBlocking(ms, mr, n, DType.F32, ReduceOp.SUM);
            }
            for (int i = 0; i < iterations; i++) {
                c.barrier();
                long t0 = System.nanoTime();
                c.allReduce(t, r, ReduceOp.SUM, s);
                c.synchronize(s);
                kx[i] = (System.nanoTime() - t0) / 1e9;
                c.barrier();
                t0 = System.nanoTime();
                Mpi.get().allreduceBlocking(ms, mr, n, DType.F32, ReduceOp.SUM);
                raw[i] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(kx);
            Arrays.sort(raw);
            double k = bytes / kx[iterations / 2] / 1e9, m = bytes / raw[iterations / 2] / 1e9;
            if (rank == 0) {
                System.out.println(String.format("BANDWIDTH ranks=%d MiB=%d iterations=%d kuaxin=%.3f GB/s mpi=%.3f GB/s "
                        + "ratio=%.3f", size, mib, iterations, k, m, k / m));
            }
            check("bandwidth measured", true, "");
        }
    }
}
