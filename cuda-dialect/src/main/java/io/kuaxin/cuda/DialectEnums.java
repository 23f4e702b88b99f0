package io.kuaxin.cuda;

import io.kuaxin.DType;

import java.util.Map;

/**
 * The numbers a dialect's headers give the enums the binding passes or interprets. Taken from the header subsets
 * in {@code native/include/<family>/} (the single source of truth; their comments carry the V/U/I confidence tags).
 *
 * @param memcpyH2D          {@code cudaMemcpyHostToDevice}
 * @param memcpyD2H          {@code cudaMemcpyDeviceToHost}
 * @param memcpyD2D          {@code cudaMemcpyDeviceToDevice}
 * @param opN                BLAS "no transpose"
 * @param opT                BLAS "transpose"
 * @param dataTypes          BLAS element type of each dtype the GEMM binding passes (f32, f16, bf16, f64)
 * @param computeF32         compute type for fp32 accumulation
 * @param computeF64         compute type for fp64 accumulation
 * @param gemmAlgoDefault    the default GEMM algorithm
 * @param errMemoryAllocation runtime status meaning "out of memory"
 * @param errNotReady        runtime status meaning "not ready" (an answer, not an error)
 * @param blasAllocFailed    BLAS status meaning "allocation failed"
 * @param attrWarpSize       device attribute: warp size
 * @param attrMultiProcessorCount device attribute: multiprocessor count
 * @param blasStatusNames    BLAS status → enumerator name: the fallback message where the BLAS has no status-string
 *                           function, and the table in the README
 */
public record DialectEnums(int memcpyH2D, int memcpyD2H, int memcpyD2D, int opN, int opT,
                           Map<DType, Integer> dataTypes, int computeF32, int computeF64, int gemmAlgoDefault,
                           int errMemoryAllocation, int errNotReady, int blasAllocFailed,
                           int attrWarpSize, int attrMultiProcessorCount, Map<Integer, String> blasStatusNames) {
    /** {@code cudaStreamNonBlocking}: the same in every dialect's header. */
    public static final int STREAM_NON_BLOCKING = 1;
    /** {@code cudaEventDefault} (timing enabled). */
    public static final int EVENT_DEFAULT = 0;

    public DialectEnums {
        dataTypes = Map.copyOf(dataTypes);
        blasStatusNames = Map.copyOf(blasStatusNames);
    }

    /** CUDA's {@code cudaDataType} numbers (library_types.h), mirrored by hipDataType, musaDataType_t, supaDataType. */
    public static final Map<DType, Integer> CUDA_DATA_TYPES = Map.of(DType.F32, 0, DType.F64, 1, DType.F16, 2,
            DType.BF16, 14);

    /** cuBLAS status names (cublas_v2.h subset). */
    public static final Map<Integer, String> CUBLAS_STATUS = Map.of(0, "CUBLAS_STATUS_SUCCESS",
            1, "CUBLAS_STATUS_NOT_INITIALIZED", 3, "CUBLAS_STATUS_ALLOC_FAILED", 7, "CUBLAS_STATUS_INVALID_VALUE",
            8, "CUBLAS_STATUS_ARCH_MISMATCH", 11, "CUBLAS_STATUS_MAPPING_ERROR", 13, "CUBLAS_STATUS_EXECUTION_FAILED",
            14, "CUBLAS_STATUS_INTERNAL_ERROR", 15, "CUBLAS_STATUS_NOT_SUPPORTED", 16, "CUBLAS_STATUS_LICENSE_ERROR");

    /**
     * NVIDIA CUDA 11+ runtime and cuBLAS: memcpy kinds 1/2/3, {@code CUBLAS_OP_N/T} 0/1, {@code CUBLAS_COMPUTE_32F}
     * 68, {@code _64F} 70, {@code CUBLAS_GEMM_DEFAULT} -1, {@code cudaErrorMemoryAllocation} 2,
     * {@code cudaErrorNotReady} 600, attributes warp size 10 and SM count 16.
     */
    public static DialectEnums cuda() {
        return new DialectEnums(1, 2, 3, 0, 1, CUDA_DATA_TYPES, 68, 70, -1, 2, 600, 3, 10, 16, CUBLAS_STATUS);
    }

    /**
     * cuBLAS before 11 (CUDA 10.2-level layers such as Iluvatar CoreX): {@code cublasGemmEx} took the compute type
     * as a {@code cudaDataType}, so fp32 accumulation is {@code CUDA_R_32F} 0 and fp64 {@code CUDA_R_64F} 1
     * (I: CoreX's own header was not read; cuBLAS 11+ still accepts these values).
     */
    public static DialectEnums cudaLegacyCompute() {
        DialectEnums c = cuda();
        return new DialectEnums(c.memcpyH2D, c.memcpyD2H, c.memcpyD2D, c.opN, c.opT, c.dataTypes, 0, 1,
                c.gemmAlgoDefault, c.errMemoryAllocation, c.errNotReady, c.blasAllocFailed, c.attrWarpSize,
                c.attrMultiProcessorCount, c.blasStatusNames);
    }

    /** The BLAS element type of {@code t}, or {@code null} if the binding does not pass it. */
    public Integer dataType(DType t) { return dataTypes.get(t); }

    /** The BLAS status's enumerator name, or {@code STATUS_<code>}. */
    public String blasStatusName(int status) {
        String n = blasStatusNames.get(status);
        return n != null ? n : "STATUS_" + status;
    }
}
