package io.kuaxin.backend.hygon;

import io.kuaxin.DType;
import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;
import io.kuaxin.cuda.DialectEnums;
import io.kuaxin.cuda.SymbolNames;
import io.kuaxin.cuda.VendorLibrary;

import java.util.List;
import java.util.Map;

import static io.kuaxin.cuda.VendorLibrary.Role.BLAS;
import static io.kuaxin.cuda.VendorLibrary.Role.DRIVER;
import static io.kuaxin.cuda.VendorLibrary.Role.RUNTIME;

/**
 * The Hygon DCU backend ({@code hygon}, alias {@code dcu}). DTK ships two spellings, tried in this order:
 * <ol>
 *   <li>{@code dtk-cuda}: DTK's CUDA layer, verbatim {@code cuda*}/{@code cublas*} (V: InfiniCore links cudart and
 *       cublas from {@code $DTK_ROOT/cuda/{cuda,cuda-12,cuda-11,}}; {@code HYGON_CUDA_HOME} overrides);</li>
 *   <li>{@code hip}: HIP ({@code libgalaxyhip.so.5} in DTK, {@code libamdhip64.so} in ROCm) and hipBLAS 2.x, with
 *       HIP's exceptions: {@code hipHostMalloc(p, n, flags)}, and hipBLAS's own enums (op 111/112, compute 32F = 2,
 *       64F = 7, algo 160) through the {@code _v2} GEMM-Ex symbols (V-cs on DTK 25).</li>
 * </ol>
 * {@code kuaxin.hygon.variant=hip} (or {@code dtk-cuda}) pins one. The visible-devices variable is
 * {@code HIP_VISIBLE_DEVICES} for both (I for the CUDA layer, which runs on DTK's HIP runtime).
 */
public final class HygonProvider extends CudaDialectProvider {
    private static final List<String> CUDA_ROOTS = List.of("${HYGON_CUDA_HOME}", "${DTK_ROOT}/cuda/cuda",
            "${DTK_ROOT}/cuda/cuda-12", "${DTK_ROOT}/cuda/cuda-11", "${DTK_ROOT}/cuda", "/opt/dtk/cuda/cuda",
            "/opt/dtk/cuda/cuda-12", "/opt/dtk/cuda/cuda-11", "/opt/dtk/cuda");
    private static final List<String> HIP_ROOTS = List.of("${DTK_ROOT}/hip", "${ROCM_PATH}", "/opt/dtk/hip",
            "/opt/rocm");
    private static final List<String> HIPBLAS_ROOTS = List.of("${DTK_ROOT}/hipblas", "${DTK_ROOT}", "${ROCM_PATH}",
            "/opt/dtk/hipblas", "/opt/dtk", "/opt/rocm");
    private static final List<String> HIP_RUNTIME = List.of("libgalaxyhip.so.5", "libgalaxyhip.so",
            "libamdhip64.so.6", "libamdhip64.so.5", "libamdhip64.so");

    /** hipblasStatus_t (U+: hipfort, hipBLAS 3.2). */
    private static final Map<Integer, String> HIPBLAS_STATUS = Map.ofEntries(Map.entry(0, "HIPBLAS_STATUS_SUCCESS"),
            Map.entry(1, "HIPBLAS_STATUS_NOT_INITIALIZED"), Map.entry(2, "HIPBLAS_STATUS_ALLOC_FAILED"),
            Map.entry(3, "HIPBLAS_STATUS_INVALID_VALUE"), Map.entry(4, "HIPBLAS_STATUS_MAPPING_ERROR"),
            Map.entry(5, "HIPBLAS_STATUS_EXECUTION_FAILED"), Map.entry(6, "HIPBLAS_STATUS_INTERNAL_ERROR"),
            Map.entry(7, "HIPBLAS_STATUS_NOT_SUPPORTED"), Map.entry(8, "HIPBLAS_STATUS_ARCH_MISMATCH"),
            Map.entry(9, "HIPBLAS_STATUS_HANDLE_IS_NULLPTR"), Map.entry(10, "HIPBLAS_STATUS_INVALID_ENUM"),
            Map.entry(11, "HIPBLAS_STATUS_UNKNOWN"));

    /**
     * HIP runtime + hipBLAS numbers (native/include/hip): memcpy kinds 1/2/3 (U+), HIPBLAS_OP_N/T 111/112 (U+, V-cs),
     * hipDataType mirrors CUDA (16F 2, 16BF 14 V-cs; 32F 0, 64F 1 I), compute 32F 2 / 64F 7 (U+), algo 160 (U+),
     * hipErrorOutOfMemory 2, hipErrorNotReady 600, ALLOC_FAILED 2, attributes warp size 87 and multiprocessor
     * count 63 (HIP's own numbering, U+).
     */
    static final DialectEnums HIP_ENUMS = new DialectEnums(1, 2, 3, 111, 112,
            Map.of(DType.F32, 0, DType.F64, 1, DType.F16, 2, DType.BF16, 14), 2, 7, 160, 2, 600, 2, 87, 63,
            HIPBLAS_STATUS);

    static final SymbolNames HIP_NAMES = new SymbolNames("hip", "hipblas", "hip", false, Map.of(
            "cudaMallocHost", "hipHostMalloc",
            "cudaFreeHost", "hipHostFree",
            "cublasGemmEx", "hipblasGemmEx_v2",
            "cublasGemmStridedBatchedEx", "hipblasGemmStridedBatchedEx_v2",
            "cublasGetStatusString", "hipblasStatusToString",
            // HIP's module launch (V: hip_runtime_api.h); hipLaunchKernel is the runtime-style launch with other arguments
            "cuLaunchKernel", "hipModuleLaunchKernel"));

    static final Dialect DIALECT = new Dialect("hygon", List.of("dcu"), "Hygon", List.of(
            new Dialect.Variant("dtk-cuda", "DTK CUDA layer (verbatim CUDA runtime + cuBLAS)", "HIP_VISIBLE_DEVICES",
                    "cuda",
                    List.of(VendorLibrary.of(RUNTIME, List.of("libcudart.so", "libcudart.so.12", "libcudart.so.11.0"),
                                    CUDA_ROOTS),
                            VendorLibrary.of(BLAS, List.of("libcublas.so", "libcublas.so.12", "libcublas.so.11"),
                                    CUDA_ROOTS),
                            VendorLibrary.optional(DRIVER, List.of("libcuda.so.1", "libcuda.so"), CUDA_ROOTS)),
                    SymbolNames.CUDA, DialectEnums.cuda(), Dialect.HostAlloc.PTR_SIZE,
                    Dialect.CopyOrder.KIND_THEN_STREAM),
            new Dialect.Variant("hip", "DTK/ROCm HIP runtime + hipBLAS 2.x", "HIP_VISIBLE_DEVICES", "hip",
                    List.of(VendorLibrary.of(RUNTIME, HIP_RUNTIME, HIP_ROOTS),
                            VendorLibrary.of(BLAS, List.of("libhipblas.so.2", "libhipblas.so"), HIPBLAS_ROOTS),
                            // hipDeviceGetName lives in the runtime library itself
                            VendorLibrary.optional(DRIVER, HIP_RUNTIME, HIP_ROOTS)),
                    HIP_NAMES, HIP_ENUMS, Dialect.HostAlloc.PTR_SIZE_FLAGS, Dialect.CopyOrder.KIND_THEN_STREAM)));

    public HygonProvider() {
        super(DIALECT);
    }
}
