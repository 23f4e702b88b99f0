package io.kuaxin.collectives;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CPU's collectives over Open MPI, for real: {@code mpirun --oversubscribe -np 2} and {@code -np 4} start
 * {@link MpiRankMain} in separate JVMs. Skipped, saying why, where {@code mpirun} is not installed (CI installs it).
 */
class MpiRanksTest {
    static Path mpirun() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "mpirun");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Runs {@code np} ranks of MpiRankMain; returns the combined output. */
    static String run(int np, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(np, timeoutSeconds, 0, args);
    }

    static String run(int np, long timeoutSeconds, int exitStatus, String... args)
            throws IOException, InterruptedException {
        Path mpirun = mpirun();
        Assumptions.assumeTrue(mpirun != null, "mpirun not on PATH: install Open MPI (apt-get install openmpi-bin "
                + "libopenmpi-dev) to run the MPI collectives tests");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(mpirun.toString(), "--oversubscribe", "-np", String.valueOf(np),
                "--mca", "btl", "self,vader,tcp", "--mca", "btl_tcp_if_include", "lo",
                "--mca", "oob_tcp_if_include", "lo", java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", // C1 only: short runs, 4 JVMs on 2 cores
                "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-cp", cp,
                MpiRankMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        pb.environment().put("OMPI_MCA_rmaps_base_oversubscribe", "1");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join(2000);
            fail("mpirun -np " + np + " " + String.join(" ", args) + " did not finish in " + timeoutSeconds
                    + " s:\n" + out);
        }
        reader.join(5000);
        String s = out.toString();
        System.out.println("mpirun -np " + np + " " + String.join(" ", args) + ":\n" + s); // kept in the report
        assertEquals(exitStatus, p.exitValue(), "mpirun exit status; output:\n" + s);
        assertTrue(!s.contains("FAIL"), s);
        return s;
    }

    static long count(String out, String needle) {
        return out.lines().filter(l -> l.contains(needle)).count();
    }

    /** Every collective, then the decoder split over 2 ranks × CPU (logits equal the single-device run). */
    @Test
    void twoRanksAndTensorParallelDecoder() throws Exception {
        String out = run(2, 120, "collectives,tp");
        assertEquals(2 * 13, count(out, "PASS rank") - count(out, "tensor-parallel"), out);
        assertEquals(2 * 5, count(out, "tensor-parallel logits"), out);
    }

    @Test
    void fourRanks() throws Exception {
        String out = run(4, 90, "collectives");
        assertEquals(4 * 13, count(out, "PASS rank"), out);
    }

    /**
     * A rank that never joins: the other fails with TIMEOUT within the configured 2 s, refuses later calls, keeps
     * its device usable, then ends the job with MPI_Abort (status 3), which stops the stuck rank: nothing hangs.
     */
    @Test
    void missingPeerTimesOut() throws Exception {
        long t0 = System.nanoTime();
        String out = run(2, 60, 3, "timeout");
        assertTrue(out.contains("PASS rank 0 timeout reason TIMEOUT"), out);
        assertTrue(out.contains("PASS rank 0 aborted communicator refuses"), out);
        assertTrue(out.contains("PASS rank 0 device usable"), out);
        assertTrue(System.nanoTime() - t0 < 40e9, "the stuck rank was not stopped by MPI_Abort");
    }
}
