package io.kuaxin.benchmarks;

import io.kuaxin.kernels.cpu.Activation;
import io.kuaxin.kernels.cpu.CpuGemm;
import io.kuaxin.kernels.cpu.CpuKernels;
import io.kuaxin.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Square GEMM C = A·B, n×n, row-major. {@code impl}: our fp32 GEMM, our GEMM with bf16 A and B (converted while
 * packing, fp32 accumulation), and OpenBLAS {@code cblas_sgemm} through JavaCPP on off-heap FloatPointers with its
 * thread count set to {@code threads}. Each combination runs in its own forks, so only one library's threads exist
 * in a JVM. GFLOP/s = 2n³ / time (post-processed by report.py).
 */
public class GemmBench extends CpuKernelBench {
    @Param({"256", "512", "1024", "2048", "4096"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    @Param({"kuaxin_f32", "kuaxin_bf16", "openblas_f32"})
    public String impl;

    private Arena arena;
    private MemorySegment a, b, c;
    private FloatPointer pa, pb, pc;

    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.configureThreads(threads);
        arena = Arena.ofShared();
        long nn = (long) n * n;
        MemorySegment a32 = BenchSupport.randomF32(arena, nn, 1), b32 = BenchSupport.randomF32(arena, nn, 2);
        c = arena.allocate(nn * 4, 64);
        switch (impl) {
            case "kuaxin_f32" -> { a = a32; b = b32; }
            case "kuaxin_bf16" -> { a = BenchSupport.toBf16(arena, a32); b = BenchSupport.toBf16(arena, b32); }
            case "openblas_f32" -> {
                openblas.blas_set_num_threads(threads);
                pa = new FloatPointer(nn);
                pb = new FloatPointer(nn);
                pc = new FloatPointer(nn);
                for (long i = 0; i < nn; i++) {
                    pa.put(i, a32.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                    pb.put(i, b32.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                }
                System.out.println("OpenBLAS " + openblas.OPENBLAS_VERSION + " build core " + openblas.OPENBLAS_CHAR_CORENAME
                        + ", threads " + openblas.blas_get_num_threads() + ", OPENBLAS_CORETYPE="
                        + System.getenv("OPENBLAS_CORETYPE") + " (unset: OpenBLAS picks by CPU)");
            }
            default -> throw new IllegalArgumentException(impl);
        }
        if (!impl.startsWith("openblas")) System.out.println("kernels " + CpuKernels.instance().name());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pa != null) { pa.close(); pb.close(); pc.close(); }
        arena.close();
    }

    @Benchmark
    public void gemm() {
        switch (impl) {
            case "kuaxin_f32" -> CpuGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            case "kuaxin_bf16" -> CpuGemm.gemm(false, false, n, n, n, 1f, a, DType.BF16, 0, n, b, DType.BF16, 0, n,
                                               0f, c, 0, n, null, 0, Activation.NONE);
            default -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                                            n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
        }
    }
}
