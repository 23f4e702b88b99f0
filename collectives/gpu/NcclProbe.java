import io.kuaxin.CollectiveException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.collectives.Communicator;
import io.kuaxin.collectives.ReduceOp;
import io.kuaxin.collectives.Rendezvous;
import io.kuaxin.collectives.nccl.NcclCollectives;

import java.time.Duration;

/**
 * The NCCL binding against the real libnccl.so.2 on one GPU: a single-rank communicator (NCCL refuses two ranks on
 * one GPU), every collective on real device buffers and a real stream, results checked against the input (with one
 * rank every reduction is the identity, AVG included), then a timing of a 256 MiB in-place all-reduce (16 MiB on
 * the emulator).
 * Usage: java ... NcclProbe [cuda:0]   (KUAXIN_NCCL_LIBRARY=/path/libnccl.so.2 where it is not on the default paths)
 */
public final class NcclProbe {
    public static void main(String[] args) {
        String spec = args.length > 0 ? args[0] : "cuda:0";
        int fails = 0;
        try (Kuaxin kx = Kuaxin.open()) {
            Device d = kx.device(spec);
            System.out.println("device " + d + " emulated=" + d.info().emulated());
            Rendezvous one = Rendezvous.fromAllGather(0, 1, s -> new String[] {s});
            try (Communicator c = NcclCollectives.init(d, one, Duration.ofSeconds(60)); Scope s = d.scope()) {
                System.out.println("communicator rank " + c.rank() + " of " + c.size() + " over " + c.library());
                int n = 1 << 20;
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (i % 97) * 0.5f - 20f;
                for (DType dt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                    for (ReduceOp op : ReduceOp.values()) {
                        Tensor a = s.copyOf(x, dt, Shape.of(n));
                        Tensor b = s.zeros(dt, Shape.of(n));
                        c.allReduce(a, b, op, d.defaultStream());
                        c.synchronize(d.defaultStream());
                        fails += check("allReduce " + dt.label() + " " + op, a.toFloatArray(), b.toFloatArray());
                    }
                }
                Tensor a = s.copyOf(x, Shape.of(n)), g = s.zeros(DType.F32, Shape.of(n)), r = s.zeros(DType.F32, Shape.of(n));
                c.allGather(a, g, d.defaultStream());
                c.reduceScatter(a, r, ReduceOp.SUM, d.defaultStream());
                c.broadcast(a, 0, d.defaultStream());
                c.synchronize(d.defaultStream());
                fails += check("allGather", x, g.toFloatArray());
                fails += check("reduceScatter", x, r.toFloatArray());
                fails += check("broadcast", x, a.toFloatArray());
                c.barrier();
                System.out.println("PASS barrier");
                try {
                    c.send(a, 1, d.defaultStream());
                    fails++;
                    System.out.println("FAIL send to a missing peer was accepted");
                } catch (io.kuaxin.InvalidArgumentException e) {
                    System.out.println("PASS send to a missing peer refused: " + e.getMessage());
                }
                long bytes = (d.info().emulated() ? 16L : 256L) << 20; // the emulator moves bytes over loopback
                Tensor big = s.zeros(DType.F32, Shape.of(bytes / 4));
                for (int i = 0; i < 3; i++) c.allReduce(big, big, ReduceOp.SUM, d.defaultStream());
                c.synchronize(d.defaultStream());
                long t0 = System.nanoTime();
                int reps = 20;
                for (int i = 0; i < reps; i++) c.allReduce(big, big, ReduceOp.SUM, d.defaultStream());
                c.synchronize(d.defaultStream());
                double sec = (System.nanoTime() - t0) / 1e9 / reps;
                System.out.printf("1-rank in-place all-reduce of %d MiB: %.3f ms (%.1f GB/s algorithm bandwidth)%n",
                        bytes >> 20, sec * 1e3, bytes / sec / 1e9);
            }
        } catch (CollectiveException e) {
            System.out.println("FAIL " + e.reason() + ": " + e.getMessage());
            fails++;
        }
        System.out.println(fails == 0 ? "NCCL PROBE PASSED" : "NCCL PROBE FAILED (" + fails + ")");
        System.exit(fails == 0 ? 0 : 1);
    }

    private static int check(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                System.out.println("FAIL " + what + " at " + i + ": " + got[i] + " != " + want[i]);
                return 1;
            }
        }
        System.out.println("PASS " + what);
        return 0;
    }
}
