package io.kuaxin;

/**
 * Which device and kernel produced a tensor.
 *
 * @param op       the op's label, or {@code copy}/{@code host} for data that came from a copy
 * @param device   the device that ran it, e.g. {@code ascend:0}
 * @param kernel   the kernel or vendor call, e.g. {@code aclnnMatmul} or {@code cpu.gemm.avx512}
 * @param fallback whether it ran on a fallback device instead of the tensor's own
 */
public record Provenance(String op, String device, String kernel, boolean fallback) {
    @Override
    public String toString() {
        return op + "@" + device + " " + kernel + (fallback ? " (fallback)" : "");
    }
}
