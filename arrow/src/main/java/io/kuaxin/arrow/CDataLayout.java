package io.kuaxin.arrow;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct ArrowSchema} and {@code struct ArrowArray} of the Arrow C Data Interface
 * (arrow.apache.org/docs/format/CDataInterface.html, {@code cpp/src/arrow/c/abi.h}), field for field (V); byte offsets
 * on LP64, which the C test peer checks with {@code offsetof}.
 */
final class CDataLayout {
    private CDataLayout() {}

    static final StructLayout SCHEMA = MemoryLayout.structLayout(
            ADDRESS.withName("format"), ADDRESS.withName("name"), ADDRESS.withName("metadata"),
            JAVA_LONG.withName("flags"), JAVA_LONG.withName("n_children"), ADDRESS.withName("children"),
            ADDRESS.withName("dictionary"), ADDRESS.withName("release"), ADDRESS.withName("private_data"));

    static final StructLayout ARRAY = MemoryLayout.structLayout(
            JAVA_LONG.withName("length"), JAVA_LONG.withName("null_count"), JAVA_LONG.withName("offset"),
            JAVA_LONG.withName("n_buffers"), JAVA_LONG.withName("n_children"), ADDRESS.withName("buffers"),
            ADDRESS.withName("children"), ADDRESS.withName("dictionary"), ADDRESS.withName("release"),
            ADDRESS.withName("private_data"));

    static final long S_FORMAT = 0, S_NAME = 8, S_METADATA = 16, S_FLAGS = 24, S_N_CHILDREN = 32, S_CHILDREN = 40,
            S_DICTIONARY = 48, S_RELEASE = 56, S_PRIVATE = 64;
    static final long A_LENGTH = 0, A_NULL_COUNT = 8, A_OFFSET = 16, A_N_BUFFERS = 24, A_N_CHILDREN = 32,
            A_BUFFERS = 40, A_CHILDREN = 48, A_DICTIONARY = 56, A_RELEASE = 64, A_PRIVATE = 72;

    static {
        check(SCHEMA, "release", S_RELEASE);
        check(SCHEMA, "private_data", S_PRIVATE);
        check(ARRAY, "release", A_RELEASE);
        check(ARRAY, "private_data", A_PRIVATE);
    }

    private static void check(StructLayout l, String field, long at) {
        if (l.byteOffset(MemoryLayout.PathElement.groupElement(field)) != at) throw new AssertionError(field);
    }
}
