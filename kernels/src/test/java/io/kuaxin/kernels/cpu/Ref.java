package io.kuaxin.kernels.cpu;

import io.kuaxin.DType;
import io.kuaxin.kernels.oracle.Functions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Test helpers: both kernel implementations, typed buffers, and fp64 math written independently of the code under test. */
final class Ref {
    private Ref() {}

    static List<CpuKernels> kernels() {
        CpuKernels vector;
        try {
            vector = CpuKernelsSelector.loadVector();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the Vector API kernels must load in tests (argLine adds the module)", e);
        }
        return List.of(ScalarCpuKernels.INSTANCE, vector);
    }

    /** {@link #kernels()} as parameterized-test arguments: the name, then the kernels. */
    static Stream<Arguments> kernelArgs() {
        return kernels().stream().map(k -> Arguments.of(k.name(), k));
    }

    /** A buffer of {@code n} elements holding random values in [-1, 1), with the exact decoded values kept as doubles. */
    static final class Buf {
        final MemorySegment seg;
        final double[] val;
        final DType type;

        Buf(DType type, int n, Random rnd, boolean heap) {
            this.type = type;
            long bytes = (long) Math.max(n, 1) * type.byteSize();
            seg = heap ? MemorySegment.ofArray(new byte[(int) bytes]) : Arena.ofAuto().allocate(bytes, 64);
            val = new double[n];
            for (int i = 0; i < n; i++) set(i, rnd.nextFloat() * 2 - 1);
        }

        void set(int i, float f) {
            switch (type) {
                case F32 -> { seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, f); val[i] = f; }
                case F16 -> {
                    short h = Float.floatToFloat16(f);
                    seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, h);
                    val[i] = Float.float16ToFloat(h);
                }
                case BF16 -> {
                    // round to nearest even on the upper 16 bits
                    int bits = Float.floatToRawIntBits(f);
                    int r = (bits + 0x7FFF + ((bits >> 16) & 1)) >>> 16;
                    seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) r);
                    val[i] = Float.intBitsToFloat(r << 16);
                }
                default -> throw new IllegalArgumentException();
            }
        }

        float getF32(long i) { return seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i); }
    }

    static double act(double x, Activation a) {
        return switch (a) {
            case NONE -> x;
            case RELU -> Math.max(0, x);
            case GELU_TANH -> Functions.geluTanh(x);
            case GELU_ERF -> Functions.geluErf(x);
            case SILU -> Functions.silu(x);
        };
    }
}
