package io.kuaxin.collectives.mpi;

import io.kuaxin.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code AVG} for libraries without it: the reduced sum divided by the number of ranks, in place on host memory. */
final class Average {
    private Average() {}

    static void divide(long address, long count, DType dt, int ranks) {
        MemorySegment s = MemorySegment.ofAddress(address).reinterpret(count * dt.byteSize());
        switch (dt) {
            case F32 -> {
                float inv = 1f / ranks;
                for (long i = 0; i < count; i++) {
                    s.setAtIndex(ValueLayout.JAVA_FLOAT, i, s.getAtIndex(ValueLayout.JAVA_FLOAT, i) * inv);
                }
            }
            case F64 -> {
                for (long i = 0; i < count; i++) {
                    s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, s.getAtIndex(ValueLayout.JAVA_DOUBLE, i) / ranks);
                }
            }
            case I32 -> {
                for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_INT, i, s.getAtIndex(ValueLayout.JAVA_INT, i) / ranks);
            }
            case I64 -> {
                for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_LONG, i, s.getAtIndex(ValueLayout.JAVA_LONG, i) / ranks);
            }
            case I8 -> {
                for (long i = 0; i < count; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (s.get(ValueLayout.JAVA_BYTE, i) / ranks));
            }
            case U8, BOOL -> {
                for (long i = 0; i < count; i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, (byte) ((s.get(ValueLayout.JAVA_BYTE, i) & 0xff) / ranks));
                }
            }
            default -> throw new IllegalArgumentException("no average for " + dt);
        }
    }
}
