package io.kuaxin.kernels.cpu;

/** Element types the CPU kernels read or write. Offsets, leading dimensions and strides are counted in elements. */
public enum DType {
    F32(4), F16(2), BF16(2), I8(1), I32(4);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    public int byteSize() { return bytes; }
}
