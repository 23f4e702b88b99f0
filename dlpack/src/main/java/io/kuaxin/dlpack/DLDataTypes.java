package io.kuaxin.dlpack;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.UnsupportedOpException;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Kuaxin dtypes as DLPack {@code DLDataType} ({@code code, bits, lanes}). Codes from dmlc/dlpack
 * {@code include/dlpack/dlpack.h} (V): {@code kDLInt = 0}, {@code kDLUInt = 1}, {@code kDLFloat = 2},
 * {@code kDLBfloat = 4}, {@code kDLBool = 6} with 8 bits per element.
 */
final class DLDataTypes {
    static final int INT = 0, UINT = 1, FLOAT = 2, BFLOAT = 4, BOOL = 6;

    private DLDataTypes() {}

    static void write(MemorySegment m, DType t) {
        int code = switch (t) {
            case F32, F16, F64 -> FLOAT;
            case BF16 -> BFLOAT;
            case I8, I32, I64 -> INT;
            case U8 -> UINT;
            case BOOL -> BOOL;
        };
        DLLayout.CODE.set(m, (byte) code);
        DLLayout.BITS.set(m, (byte) (8 * t.byteSize()));
        DLLayout.LANES.set(m, (short) 1);
    }

    static DType read(MemorySegment m, Device device) {
        int code = Byte.toUnsignedInt((byte) DLLayout.CODE.get(m));
        int bits = Byte.toUnsignedInt((byte) DLLayout.BITS.get(m));
        int lanes = Short.toUnsignedInt((short) DLLayout.LANES.get(m));
        if (lanes != 1) {
            throw new InvalidArgumentException("fromDLPack: " + lanes + " lanes per element; Kuaxin tensors have one"
                    + " (reshape the vector type into a trailing dimension in the producer)");
        }
        DType t = switch (code) {
            case FLOAT -> bits == 32 ? DType.F32 : bits == 16 ? DType.F16 : bits == 64 ? DType.F64 : null;
            case BFLOAT -> bits == 16 ? DType.BF16 : null;
            case INT -> bits == 8 ? DType.I8 : bits == 32 ? DType.I32 : bits == 64 ? DType.I64 : null;
            case UINT -> bits == 8 ? DType.U8 : null;
            case BOOL -> bits == 8 ? DType.BOOL : null;
            default -> null;
        };
        if (t == null) {
            throw new UnsupportedOpException("fromDLPack", List.of(), device.id(), "DLPack dtype code " + code
                    + " with " + bits + " bits has no Kuaxin dtype (f32, f16, bf16, f64, i8, u8, i32, i64, bool)");
        }
        return t;
    }
}
