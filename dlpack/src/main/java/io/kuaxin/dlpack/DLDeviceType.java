package io.kuaxin.dlpack;

import io.kuaxin.DeviceInfo;

/**
 * DLPack's {@code DLDeviceType} codes and which Kuaxin backend each one means.
 *
 * <p>Codes from dmlc/dlpack {@code include/dlpack/dlpack.h} (DLPACK_MAJOR_VERSION 1, DLPACK_MINOR_VERSION 1), read
 * from the header (V). DLPack has no code for Huawei Ascend, Cambricon MLU, Moore Threads MUSA or Biren SUPA: those
 * backends export {@link #EXT_DEV} (the header's "reserved extension device type"), so a consumer must know from
 * context which vendor's memory it holds; the mapping of each Kuaxin backend is tagged (V) where the header names the
 * runtime and (I) where it is Kuaxin's inference.
 */
public enum DLDeviceType {
    /** {@code kDLCPU = 1} (V). Kuaxin: {@code cpu}. */
    CPU(1),
    /** {@code kDLCUDA = 2} (V). Kuaxin: {@code cuda} (V); {@code iluvatar} (I: CoreX exposes the CUDA runtime verbatim). */
    CUDA(2),
    /** {@code kDLCUDAHost = 3}, pinned host memory from cudaMallocHost (V): readable by the host. */
    CUDA_HOST(3),
    /** {@code kDLOpenCL = 4} (V). */
    OPENCL(4),
    /** {@code kDLVulkan = 7} (V). */
    VULKAN(7),
    /** {@code kDLMetal = 8} (V). */
    METAL(8),
    /** {@code kDLVPI = 9} (V). */
    VPI(9),
    /** {@code kDLROCM = 10} (V). Kuaxin: {@code hygon} (I: the DTK runtime is HIP, which DLPack calls ROCm). */
    ROCM(10),
    /** {@code kDLROCMHost = 11}, pinned host memory from hipMallocHost (V): readable by the host. */
    ROCM_HOST(11),
    /**
     * {@code kDLExtDev = 12} (V). Kuaxin: {@code ascend}, {@code mlu}, {@code musa}, {@code biren} (I: DLPack has no
     * code for Huawei, Cambricon, Moore Threads or Biren devices).
     */
    EXT_DEV(12),
    /** {@code kDLCUDAManaged = 13}, cudaMallocManaged memory (V): readable by the host. */
    CUDA_MANAGED(13),
    /** {@code kDLOneAPI = 14} (V). */
    ONE_API(14),
    /** {@code kDLWebGPU = 15} (V). */
    WEBGPU(15),
    /** {@code kDLHexagon = 16} (V). */
    HEXAGON(16),
    /** {@code kDLMAIA = 17} (V). */
    MAIA(17),
    /** {@code kDLTrn = 18}, AWS Trainium (V). */
    TRAINIUM(18);

    private final int code;

    DLDeviceType(int code) { this.code = code; }

    /** The value of {@code DLDevice.device_type}. */
    public int code() { return code; }

    /** Whether the host can read memory of this type directly (CPU, pinned and managed memory). */
    public boolean hostReadable() {
        return this == CPU || this == CUDA_HOST || this == ROCM_HOST || this == CUDA_MANAGED;
    }

    /** The type for {@code code}, or null if DLPack 1.1 defines none. */
    public static DLDeviceType of(int code) {
        for (DLDeviceType t : values()) if (t.code == code) return t;
        return null;
    }

    /** The type a Kuaxin device's memory is exported as. */
    public static DLDeviceType of(DeviceInfo device) {
        if (device.hostAccessible()) return CPU;
        return switch (device.backend()) {
            case "cuda", "iluvatar" -> CUDA;
            case "hygon" -> ROCM;
            default -> EXT_DEV; // ascend, mlu, musa, biren and any later backend
        };
    }

    /** The {@code DLDevice.device_id} a Kuaxin device is exported with: 0 for host memory, else the ordinal. */
    static int deviceId(DeviceInfo device) { return device.hostAccessible() ? 0 : device.ordinal(); }
}
