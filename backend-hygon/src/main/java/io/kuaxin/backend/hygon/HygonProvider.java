package io.kuaxin.backend.hygon;

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
 *       cublas from {@code $DTK_ROOT/cuda/{cuda,cuda-12,cuda-11,}}; {@code HYGON_CUDA_HOME} overrides), whose
 *       {@code cublasGemmEx} takes the legacy {@code cudaDataType} compute type ({@code CUDA_R_32F} 0, not
 *       {@code CUBLAS_COMPUTE_32F} 68; U: InfiniCore's Hygon GEMM), as on Iluvatar;</li>
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

    /**
     * HIP runtime + hipBLAS numbers (native/include/hip), CUDA's table respelt with HIP's differences: memcpy kinds
     * 1/2/3 (U+), HIPBLAS_OP_N/T 111/112 (U+, V-cs), hipDataType mirrors CUDA (16F 2, 16BF 14 V-cs; 32F 0, 64F 1 I),
     * compute 32F 2 / 64F 7 (U+), algo 160 (U+), hipErrorOutOfMemory 2, hipErrorNotReady 600, attributes warp size 87
     * and multiprocessor count 63 (HIP's own numbering, U+), hipblasStatus_t (U+: hipfort, hipBLAS 3.2; numbered
     * from 0 without gaps). hipBLAS 2.1+ names a
     * {@code HIPBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION} (4, U: hipfort), but DTK's hipBLAS version and what
     * its rocBLAS/DTK backend does with it are unknown, so it is not set.
     */
    static final DialectEnums HIP_ENUMS = DialectEnums.cuda().toBuilder().respell("hip", "hipblas")
            .opN("HIPBLAS_OP_N", 111).opT("HIPBLAS_OP_T", 112)
            .computeF32("HIPBLAS_COMPUTE_32F", 2).computeF64("HIPBLAS_COMPUTE_64F", 7)
            .gemmAlgoDefault("HIPBLAS_GEMM_DEFAULT", 160)
            .errMemoryAllocation("hipErrorOutOfMemory", 2)
            .blasAllocFailed("HIPBLAS_STATUS_ALLOC_FAILED", 2)
            .attrWarpSize("hipDeviceAttributeWarpSize", 87)
            .attrMultiProcessorCount("hipDeviceAttributeMultiprocessorCount", 63)
            .clearBlasStatuses()
            .blasStatuses(0, "HIPBLAS_STATUS_SUCCESS", "HIPBLAS_STATUS_NOT_INITIALIZED", "HIPBLAS_STATUS_ALLOC_FAILED",
                    "HIPBLAS_STATUS_INVALID_VALUE", "HIPBLAS_STATUS_MAPPING_ERROR", "HIPBLAS_STATUS_EXECUTION_FAILED",
                    "HIPBLAS_STATUS_INTERNAL_ERROR", "HIPBLAS_STATUS_NOT_SUPPORTED", "HIPBLAS_STATUS_ARCH_MISMATCH",
                    "HIPBLAS_STATUS_HANDLE_IS_NULLPTR", "HIPBLAS_STATUS_INVALID_ENUM", "HIPBLAS_STATUS_UNKNOWN")
            .noExactReductionSwitch("DTK's hipBLAS is not known to honour HIPBLAS_MATH_DISALLOW_REDUCED_PRECISION_"
                    + "REDUCTION")
            .build();

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
                    "cudalegacy",
                    List.of(VendorLibrary.of(RUNTIME, List.of("libcudart.so", "libcudart.so.12", "libcudart.so.11.0"),
                                    CUDA_ROOTS),
                            VendorLibrary.of(BLAS, List.of("libcublas.so", "libcublas.so.12", "libcublas.so.11"),
                                    CUDA_ROOTS),
                            VendorLibrary.optional(DRIVER, List.of("libcuda.so.1", "libcuda.so"), CUDA_ROOTS)),
                    SymbolNames.CUDA, DialectEnums.cudaLegacyCompute(), Dialect.HostAlloc.PTR_SIZE,
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
