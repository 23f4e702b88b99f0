package io.kuaxin.kernels.cpu.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import static io.kuaxin.kernels.cpu.CpuKernels.MR;
import static io.kuaxin.kernels.cpu.CpuKernels.NR;
import static io.kuaxin.kernels.cpu.vector.VectorMath.*;

/** int8 × int8 → int32 GEMV on the Vector API: B rows widened byte→int on load, 4 int accumulators per step. */
final class Int8Gemv {
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(IS.length() * 8));

    private Int8Gemv() {}

    static void s8Gemv(byte[] a, int aOff, int k, byte[] b, int ldb, int n, int[] out) {
        int il = IS.length();
        int j = 0;
        // 4 int accumulators per 4·il columns; B rows widened byte→int on load.
        for (; j + 4 * il <= n; j += 4 * il) {
            IntVector s0 = IntVector.zero(IS), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0, bo = j; p < k; p++, bo += ldb) {
                int av = a[aOff + p];
                s0 = s0.add(widen(b, bo).mul(av));
                s1 = s1.add(widen(b, bo + il).mul(av));
                s2 = s2.add(widen(b, bo + 2 * il).mul(av));
                s3 = s3.add(widen(b, bo + 3 * il).mul(av));
            }
            s0.intoArray(out, j);
            s1.intoArray(out, j + il);
            s2.intoArray(out, j + 2 * il);
            s3.intoArray(out, j + 3 * il);
        }
        for (; j < n; j++) {
            int s = 0;
            for (int p = 0; p < k; p++) s += a[aOff + p] * b[p * ldb + j];
            out[j] = s;
        }
    }

    private static IntVector widen(byte[] b, int off) {
        return (IntVector) ByteVector.fromArray(BS, b, off).convertShape(VectorOperators.B2I, IS, 0);
    }
}
