package io.kuaxin.cli;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Doctor's GEMM check: with {@code kuaxin.cpu.gemm=auto} and OpenBLAS loaded, the CPU backend times both GEMMs on
 * the first calls of each size and keeps the faster one. This runs a few sizes long enough for the second trial
 * (after the JIT warmed up) and reports the verdicts from the device's telemetry, plus who ran the last call.
 */
final class GemmCheck {
    /** Enough calls per size for the first two trials (18 + 128 + 18 calls). */
    static final int CALLS = 170;
    private static final int[][] SHAPES = {{128, 128, 128}, {256, 256, 256}, {128, 384, 1536}, {512, 512, 512}};

    private GemmCheck() {}

    /** Shape → verdict; empty when the CPU backend does not choose between two GEMMs. */
    static Map<String, String> run(Kuaxin kx) {
        Map<String, String> result = new LinkedHashMap<>();
        Device cpu;
        try {
            cpu = kx.device("cpu");
        } catch (RuntimeException e) {
            return result;
        }
        Map<String, String> t = cpu.telemetry();
        String mode = t.getOrDefault("gemm.fp32.mode", "");
        if (!mode.startsWith("auto") || !t.getOrDefault("gemm.fp32.openblas", "").startsWith("OpenBLAS")) return result;
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            String kernel = "";
            try (Scope scope = cpu.scope()) {
                Tensor a = scope.copyOf(new float[m * k], DType.F32, Shape.of(m, k));
                Tensor b = scope.copyOf(new float[k * n], DType.F32, Shape.of(k, n));
                for (int i = 0; i < CALLS; i++) {
                    try (Tensor c = Ops.matmul(a, b)) {
                        kernel = c.provenance().kernel();
                        cpu.synchronize(); // one call at a time, as the trial times them
                    }
                }
            }
            long flops = 2L * m * n * k;
            String verdict = cpu.telemetry().get("gemm.fp32.2^" + (63 - Long.numberOfLeadingZeros(flops)) + "flops");
            result.put(m + "x" + k + "x" + n, "last call: " + kernel + (verdict == null ? "" : "; " + verdict));
        }
        return result;
    }
}
