package io.kuaxin.arrow;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Paired timing of the CPU hand-offs (not a test): Arrow vector to tensor, tensor to vector, the C Data Interface out
 * and back, against a plain copy of the same bytes in the same run. Each row is the median of {@code runs} rounds,
 * the operations alternated within a round. Run with the test class path (see the module README).
 */
public final class HandOffTiming {
    public static void main(String[] args) {
        long[] sizes = {1L << 20, 64L << 20, 1L << 30};
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        try (Kuaxin kx = Kuaxin.open(); BufferAllocator arrow = new RootAllocator(); Arena arena = Arena.ofShared()) {
            Device cpu = kx.device("cpu");
            MemorySegment array = arena.allocate(ArrowCData.arraySize()), schema = arena.allocate(ArrowCData.schemaSize());
            System.out.printf("%-10s %14s %14s %14s %14s %14s %14s%n", "bytes", "memcpy GB/s", "toTensor GB/s",
                    "toVector GB/s", "C Data GB/s", "DLPack GB/s", "toVector+read");
            for (long bytes : sizes) {
                long rows = bytes / 4 / 384;
                try (Tensor x = cpu.zeros(DType.F32, Shape.of(rows, 384));
                     FieldVector v = ArrowTensors.toVector(x, "v", arrow)) {
                    MemorySegment src = x.hostSegment();
                    MemorySegment dst = arena.allocate(src.byteSize(), 64);
                    dst.fill((byte) 1);
                    long[][] t = new long[6][runs];
                    for (int r = bytes == sizes[0] ? -2000 : -3; r < runs; r++) { // warm the JIT up on the small size
                        long a = System.nanoTime();
                        dst.copyFrom(src);
                        long b = System.nanoTime();
                        try (Tensor y = ArrowTensors.toTensor(v, cpu)) { blackhole(y); }
                        long c = System.nanoTime();
                        try (FieldVector w = ArrowTensors.toVector(x, "w", arrow)) { blackhole(w); }
                        long d = System.nanoTime();
                        ArrowCData.exportTensor(x, "c", array, schema);
                        try (Tensor y = ArrowCData.importTensor(array, schema, cpu)) { blackhole(y); }
                        release(schema);
                        long e = System.nanoTime();
                        MemorySegment m = io.kuaxin.dlpack.DLPack.export(x, false);
                        try (Tensor y = io.kuaxin.dlpack.DLPack.fromDLPack(m, cpu)) { blackhole(y); }
                        long f = System.nanoTime();
                        // toVector, then a consumer reading the whole validity bitmap once (first touch of its pages)
                        try (FieldVector w = ArrowTensors.toVector(x, "w", arrow)) {
                            var validity = ((FixedSizeListVector) w).getDataVector().getValidityBuffer();
                            long ones = 0;
                            for (long i = 0; i + 8 <= validity.capacity(); i += 8) ones += Long.bitCount(validity.getLong(i));
                            if (ones < x.numel()) throw new IllegalStateException("bitmap has " + ones + " ones");
                        }
                        long g = System.nanoTime();
                        if (r >= 0) {
                            t[0][r] = b - a; t[1][r] = c - b; t[2][r] = d - c; t[3][r] = e - d; t[4][r] = f - e;
                            t[5][r] = g - f;
                        }
                    }
                    System.out.printf("%-10d %14.1f %14.1f %14.1f %14.1f %14.1f %14.1f%n", x.byteSize(),
                            gbs(x.byteSize(), t[0]), gbs(x.byteSize(), t[1]), gbs(x.byteSize(), t[2]),
                            gbs(x.byteSize(), t[3]), gbs(x.byteSize(), t[4]), gbs(x.byteSize(), t[5]));
                }
            }
            System.out.println("Arrow bytes outstanding at the end: " + arrow.getAllocatedMemory());
        }
    }

    private static Object sink;

    private static void blackhole(Object o) { sink = o; }

    /** Calls the schema's release callback, as a consumer would. */
    private static void release(MemorySegment schema) {
        MemorySegment fn = schema.get(java.lang.foreign.ValueLayout.ADDRESS, CDataLayout.S_RELEASE);
        try {
            java.lang.foreign.Linker.nativeLinker()
                    .downcallHandle(java.lang.foreign.FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.ADDRESS))
                    .invokeExact(fn, schema);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static double gbs(long bytes, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return bytes / (double) s[s.length / 2];
    }
}
