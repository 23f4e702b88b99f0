package io.kuaxin.backend.nvidia;

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
 * The NVIDIA backend ({@code cuda}, aliases {@code nvidia}, {@code gpu}): the real CUDA runtime and cuBLAS, the
 * reference spelling of the CUDA dialect. Libraries under {@code $CUDA_HOME}, {@code $CUDA_PATH},
 * {@code /usr/local/cuda}, then {@code LD_LIBRARY_PATH} and the system directories (where the driver's
 * {@code libcuda.so.1} lives); newest soname first.
 */
public final class NvidiaProvider extends CudaDialectProvider {
    private static final List<String> ROOTS = List.of("${CUDA_HOME}", "${CUDA_PATH}", "/usr/local/cuda");

    static final Dialect DIALECT = new Dialect("cuda", List.of("nvidia", "gpu"), "NVIDIA", List.of(
            new Dialect.Variant("cuda", "NVIDIA CUDA runtime + cuBLAS", "CUDA_VISIBLE_DEVICES", "cuda",
                    List.of(VendorLibrary.of(RUNTIME, List.of("libcudart.so.13", "libcudart.so.12",
                                    "libcudart.so.11.0", "libcudart.so"), ROOTS),
                            VendorLibrary.of(BLAS, List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so.11",
                                    "libcublas.so"), ROOTS),
                            VendorLibrary.optional(DRIVER, List.of("libcuda.so.1", "libcuda.so"), ROOTS)),
                    SymbolNames.CUDA, DialectEnums.cuda(), Dialect.HostAlloc.PTR_SIZE,
                    Dialect.CopyOrder.KIND_THEN_STREAM)));

    public NvidiaProvider() {
        super(DIALECT);
    }
}
