package io.kuaxin.dlpack;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The DLPack 1.x structs as FFM layouts, field for field from dmlc/dlpack {@code include/dlpack/dlpack.h} (V): the
 * natural C alignment gives {@code DLManagedTensorVersioned} 80 bytes on LP64 with {@code dl_tensor} at 32, which
 * the C test peer checks with {@code offsetof}.
 */
final class DLLayout {
    private DLLayout() {}

    /** {@code DLPACK_MAJOR_VERSION} (V). */
    static final int MAJOR_VERSION = 1;
    /** {@code DLPACK_MINOR_VERSION} of the header the codes come from (V). */
    static final int MINOR_VERSION = 1;
    /** {@code DLPACK_FLAG_BITMASK_READ_ONLY = 1UL << 0} (V). */
    static final long FLAG_READ_ONLY = 1L;
    /** {@code DLPACK_FLAG_BITMASK_IS_COPIED = 1UL << 1} (V). */
    static final long FLAG_IS_COPIED = 1L << 1;
    /** {@code DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED = 1UL << 2} (V). */
    static final long FLAG_SUBBYTE_PADDED = 1L << 2;

    static final StructLayout DL_DATA_TYPE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("code"), JAVA_BYTE.withName("bits"), JAVA_SHORT.withName("lanes"));

    static final StructLayout DL_TENSOR = MemoryLayout.structLayout(
            ADDRESS.withName("data"),
            MemoryLayout.structLayout(JAVA_INT.withName("device_type"), JAVA_INT.withName("device_id"))
                    .withName("device"),
            JAVA_INT.withName("ndim"),
            DL_DATA_TYPE.withName("dtype"),
            ADDRESS.withName("shape"),
            ADDRESS.withName("strides"),
            JAVA_LONG.withName("byte_offset"));

    static final StructLayout MANAGED = MemoryLayout.structLayout(
            MemoryLayout.structLayout(JAVA_INT.withName("major"), JAVA_INT.withName("minor")).withName("version"),
            ADDRESS.withName("manager_ctx"),
            ADDRESS.withName("deleter"),
            JAVA_LONG.withName("flags"),
            DL_TENSOR.withName("dl_tensor"));

    static final long DL_TENSOR_AT = MANAGED.byteOffset(MemoryLayout.PathElement.groupElement("dl_tensor"));

    static final VarHandle MAJOR = field("version", "major");
    static final VarHandle MINOR = field("version", "minor");
    static final VarHandle MANAGER_CTX = field("manager_ctx");
    static final VarHandle DELETER = field("deleter");
    static final VarHandle FLAGS = field("flags");
    static final VarHandle DATA = field("dl_tensor", "data");
    static final VarHandle DEVICE_TYPE = field("dl_tensor", "device", "device_type");
    static final VarHandle DEVICE_ID = field("dl_tensor", "device", "device_id");
    static final VarHandle NDIM = field("dl_tensor", "ndim");
    static final VarHandle CODE = field("dl_tensor", "dtype", "code");
    static final VarHandle BITS = field("dl_tensor", "dtype", "bits");
    static final VarHandle LANES = field("dl_tensor", "dtype", "lanes");
    static final VarHandle SHAPE = field("dl_tensor", "shape");
    static final VarHandle STRIDES = field("dl_tensor", "strides");
    static final VarHandle BYTE_OFFSET = field("dl_tensor", "byte_offset");

    private static VarHandle field(String... path) {
        MemoryLayout.PathElement[] p = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) p[i] = MemoryLayout.PathElement.groupElement(path[i]);
        return MethodHandles.insertCoordinates(MANAGED.varHandle(p), 1, 0L); // (segment) -> field
    }
}
