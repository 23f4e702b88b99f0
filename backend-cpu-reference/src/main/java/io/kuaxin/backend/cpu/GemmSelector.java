package io.kuaxin.backend.cpu;

import io.kuaxin.kernels.cpu.Sgemm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses who runs a plain fp32 matmul on the CPU: Kuaxin's own GEMM or OpenBLAS ({@link OpenBlas}), per the
 * system property {@code kuaxin.cpu.gemm}:
 * <ul>
 *   <li>{@code auto} (default): OpenBLAS only where it is present and measured faster. Calls are grouped by size
 *   (⌊log₂ flops⌋); the first calls of a group alternate between the two and are timed on the stream worker; once
 *   each has {@value #WARMUP} warm-up and {@value #SAMPLES} timed calls, the medians decide for that group. The
 *   trial repeats after 128 and 1024 more calls of the group (see {@link Group}); the third verdict is final.
 *   OpenBLAS must be {@value #MARGIN_PERCENT}% faster to win (noise should not flip a tie). Like cuDNN's benchmark
 *   mode, results in a group may differ in the last bits between its first calls.</li>
 *   <li>{@code kuaxin}: never OpenBLAS (results reproducible bit for bit from run to run).</li>
 *   <li>{@code openblas}: every eligible call, when OpenBLAS loaded (else one warning and Kuaxin's own).</li>
 * </ul>
 * Groups below {@value #MIN_FLOPS} flops stay on Kuaxin's GEMM: there is nothing to win that a timer could see.
 * <p>Thread-safe; one per JVM, because OpenBLAS is one library per process.
 */
final class GemmSelector {
    private static final Logger LOG = LoggerFactory.getLogger(GemmSelector.class);
    static final int WARMUP = 4, SAMPLES = 5, MARGIN_PERCENT = 3;
    static final long MIN_FLOPS = 1L << 17;

    enum Mode { AUTO, KUAXIN, OPENBLAS }

    /** Who runs one call ({@code sgemm == null}: Kuaxin's GEMM) and, during a trial, the group to report to. */
    record Choice(Sgemm sgemm, Group trial) {}

    static final Choice OURS = new Choice(null, null);

    private final Mode mode;
    private final OpenBlas.Loaded blas;
    private final Choice openblas;
    private final Group[] groups = new Group[64];

    private GemmSelector(Mode mode) {
        this.mode = mode;
        this.blas = mode == Mode.KUAXIN ? new OpenBlas.Loaded(null, "not loaded (kuaxin.cpu.gemm=kuaxin)") : OpenBlas.load();
        this.openblas = blas.blas() == null ? OURS : new Choice(blas.blas(), null);
        if (mode == Mode.OPENBLAS && blas.blas() == null) {
            LOG.warn("kuaxin.cpu.gemm=openblas but OpenBLAS is unavailable, using Kuaxin's GEMM: {}", blas.reason());
        } else if (blas.blas() != null) {
            LOG.info("fp32 GEMM: {} with {}", mode.name().toLowerCase(Locale.ROOT), blas.blas().description());
        }
    }

    private static final class Holder {
        static final GemmSelector INSTANCE = new GemmSelector(modeOrKuaxin());

        private static Mode modeOrKuaxin() {
            try {
                return CpuConfig.gemmMode();
            } catch (io.kuaxin.InvalidArgumentException e) {
                return Mode.KUAXIN; // the provider's probe already reports the bad value and refuses the backend
            }
        }
    }

    /** The JVM's selector, loading OpenBLAS on first use unless the mode is {@code kuaxin}. */
    static GemmSelector instance() { return Holder.INSTANCE; }

    /** Who runs a plain fp32 product of {@code flops}; cheap (a volatile read and a count) once its group decided. */
    Choice choose(long flops) {
        if (openblas == OURS || mode == Mode.KUAXIN) return OURS;
        if (mode == Mode.OPENBLAS) return openblas;
        if (flops < MIN_FLOPS) return OURS;
        return group(63 - Long.numberOfLeadingZeros(flops)).choose();
    }

    /** Reports the wall time of a trial call (on the stream worker, after the kernel ran). */
    static void record(Choice c, long nanos, long flops) {
        if (c.trial() != null) c.trial().record(c.sgemm() != null, flops / (double) Math.max(1, nanos));
    }

    /** Mode, library and every group's verdict, for telemetry and doctor. */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("gemm.fp32.mode", mode.name().toLowerCase(Locale.ROOT) + " (kuaxin.cpu.gemm)");
        m.put("gemm.fp32.openblas", blas.blas() != null ? blas.blas().description() : blas.reason());
        for (Group g : groups) {
            String v = g == null ? null : g.verdict;
            if (v != null) m.put("gemm.fp32.2^" + g.log2 + "flops", v);
        }
        return m;
    }

    private Group group(int log2) {
        Group g = groups[log2];
        if (g != null) return g;
        synchronized (groups) {
            if (groups[log2] == null) groups[log2] = new Group(log2, openblas);
            return groups[log2];
        }
    }

    /**
     * One size class's trial: calls issued and GFLOP/s recorded per contender, then the verdict. The trial runs
     * again after the group's {@link #REOPEN_AT} calls: the first one may have timed Kuaxin's kernels before the JIT
     * compiled them (OpenBLAS needs no warm-up), which a later trial corrects; the last verdict is final.
     */
    static final class Group {
        static final int[] REOPEN_AT = {128, 1024};
        final int log2;
        private final Choice openblas;
        volatile Choice decided;
        volatile String verdict;
        private int round, calls, issuedOurs, issuedBlas, doneOurs, doneBlas;
        private final double[] ours = new double[SAMPLES], blas = new double[SAMPLES];

        Group(int log2, Choice openblas) {
            this.log2 = log2;
            this.openblas = openblas;
        }

        /** The choice for one call: the verdict, or the next trial call. */
        Choice choose() {
            Choice d = decided;
            if (d == null) return next();
            // a racy count is fine: it only has to pass the threshold at some call
            if (round < REOPEN_AT.length && ++calls >= REOPEN_AT[round]) return reopen();
            return d;
        }

        private synchronized Choice reopen() {
            if (decided != null && round < REOPEN_AT.length && calls >= REOPEN_AT[round]) {
                round++;
                issuedOurs = issuedBlas = doneOurs = doneBlas = 0;
                decided = null;
            }
            return next();
        }

        synchronized Choice next() {
            if (decided != null) return decided;
            int need = (round == 0 ? WARMUP : 1) + SAMPLES;
            // calls are asynchronous: once the trial's calls are issued, run Kuaxin's GEMM until their times are in
            if (issuedOurs >= need && issuedBlas >= need) return OURS;
            boolean useBlas = issuedBlas < issuedOurs;
            if (useBlas) issuedBlas++;
            else issuedOurs++;
            return new Choice(useBlas ? openblas.sgemm() : null, this);
        }

        synchronized void record(boolean wasBlas, double gflops) {
            if (decided != null) return;
            int warmup = round == 0 ? WARMUP : 1;
            int i = (wasBlas ? doneBlas++ : doneOurs++) - warmup;
            if (i >= 0 && i < SAMPLES) (wasBlas ? blas : ours)[i] = gflops;
            if (doneOurs < warmup + SAMPLES || doneBlas < warmup + SAMPLES) return;
            double mo = median(ours), mb = median(blas);
            boolean blasWins = mb > mo * (1 + MARGIN_PERCENT / 100.0);
            verdict = String.format(Locale.ROOT, "%s (openblas %.2f vs kuaxin %.2f GFLOP/s, medians of %d, trial %d of %d)",
                    blasWins ? "openblas" : "kuaxin", mb, mo, SAMPLES, round + 1, REOPEN_AT.length + 1);
            LOG.info("fp32 GEMM of ~2^{} flops: {}", log2, verdict);
            calls = 0;
            decided = blasWins ? openblas : OURS;
        }

        private static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }
}
