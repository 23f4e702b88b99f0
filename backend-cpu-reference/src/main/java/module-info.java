/** The CPU backend: host memory with device semantics; the conformance oracle's executor and the fallback. */
module io.kuaxin.backend.cpu {
    requires io.kuaxin.kernels;
    requires java.management;
    requires jdk.management;
    // Optional: OpenBLAS from JavaCPP's preset as an fp32 GEMM when present (see GemmSelector).
    requires static org.bytedeco.javacpp;

    provides io.kuaxin.spi.BackendProvider with io.kuaxin.backend.cpu.CpuProvider;
}
