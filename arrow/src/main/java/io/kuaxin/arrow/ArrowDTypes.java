package io.kuaxin.arrow;

import io.kuaxin.DType;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.util.Map;

/**
 * Kuaxin dtypes as Arrow types. Arrow has no bfloat16 and its boolean is one bit per value, so {@code bf16} travels as
 * {@code uint16} and Kuaxin's byte-per-value {@code bool} as {@code uint8}, each marked with the field metadata
 * {@value #DTYPE_KEY}; an Arrow {@code Bool} column (bit-packed) is imported with one unpacking copy.
 */
final class ArrowDTypes {
    /** Field metadata key naming the Kuaxin dtype where the Arrow type alone does not. */
    static final String DTYPE_KEY = "kuaxin.dtype";

    private ArrowDTypes() {}

    static ArrowType arrowType(DType t) {
        return switch (t) {
            case F32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case F16 -> new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
            case F64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case BF16 -> new ArrowType.Int(16, false);
            case I8 -> new ArrowType.Int(8, true);
            case U8, BOOL -> new ArrowType.Int(8, false);
            case I32 -> new ArrowType.Int(32, true);
            case I64 -> new ArrowType.Int(64, true);
        };
    }

    static FieldType fieldType(DType t) {
        Map<String, String> meta = t == DType.BF16 || t == DType.BOOL ? Map.of(DTYPE_KEY, t.label()) : null;
        return new FieldType(false, arrowType(t), null, meta);
    }

    /** The Kuaxin dtype of a fixed-width leaf field, or null if it has none. */
    static DType dtype(Field f) {
        String marked = f.getMetadata() == null ? null : f.getMetadata().get(DTYPE_KEY);
        ArrowType a = f.getType();
        if (a instanceof ArrowType.FloatingPoint fp) {
            return switch (fp.getPrecision()) {
                case HALF -> DType.F16;
                case SINGLE -> DType.F32;
                case DOUBLE -> DType.F64;
            };
        }
        if (a instanceof ArrowType.Int i) {
            if (i.getBitWidth() == 16 && !i.getIsSigned() && "bf16".equals(marked)) return DType.BF16;
            if (i.getBitWidth() == 8 && !i.getIsSigned()) return "bool".equals(marked) ? DType.BOOL : DType.U8;
            if (!i.getIsSigned()) return null; // uint16/32/64 have no Kuaxin dtype
            return switch (i.getBitWidth()) {
                case 8 -> DType.I8;
                case 32 -> DType.I32;
                case 64 -> DType.I64;
                default -> null;
            };
        }
        if (a instanceof ArrowType.Bool) return DType.BOOL;
        return null;
    }
}
