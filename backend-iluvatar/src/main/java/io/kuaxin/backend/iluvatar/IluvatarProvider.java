package io.kuaxin.backend.iluvatar;

import io.kuaxin.cuda.CudaDialectProvider;
import io.kuaxin.cuda.Dialect;
import io.kuaxin.cuda.DialectEnums;
import io.kuaxin.cuda.SymbolNames;
import io.kuaxin.cuda.VendorLibrary;

import java.util.List;

import static io.kuaxin.cuda.VendorLibrary.Role.BLAS;
import static io.kuaxin.cuda.VendorLibrary.Role.DRIVER;
import static io.kuaxin.cuda.VendorLibrary.Role.RUNTIME;

/**
 * The Iluvatar CoreX backend ({@code iluvatar}, alias {@code corex}): CoreX exposes the CUDA runtime, driver and
 * cuBLAS verbatim (names and enum values; V: InfiniCore builds its NVIDIA sources against it) at a CUDA 10.2 level
 * (U), so {@code cublasGemmEx} gets the pre-CUDA-11 compute types ({@code CUDA_R_32F}, I). Everything lives in
 * {@code /usr/local/corex/lib64}, including {@code libcuda.so.1} (U, second pass §G); no SDK variable was seen, so
 * an SDK elsewhere is named with {@code kuaxin.iluvatar.library}.
 */
public final class IluvatarProvider extends CudaDialectProvider {
    private static final List<String> ROOTS = List.of("/usr/local/corex");

    static final Dialect DIALECT = new Dialect("iluvatar", List.of("corex"), "Iluvatar CoreX", List.of(
            new Dialect.Variant("corex", "CoreX CUDA-compatible runtime + cuBLAS", "CUDA_VISIBLE_DEVICES", "cudalegacy",
                    List.of(VendorLibrary.of(RUNTIME, List.of("libcudart.so", "libcudart.so.10.2"), ROOTS),
                            VendorLibrary.of(BLAS, List.of("libcublas.so", "libcublas.so.10"), ROOTS),
                            VendorLibrary.optional(DRIVER, List.of("libcuda.so.1", "libcuda.so"), ROOTS)),
                    SymbolNames.CUDA, DialectEnums.cudaLegacyCompute(), Dialect.HostAlloc.PTR_SIZE,
                    Dialect.CopyOrder.KIND_THEN_STREAM)));

    public IluvatarProvider() {
        super(DIALECT);
    }
}
