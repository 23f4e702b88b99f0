package io.kuaxin.benchmarks;

import jdk.incubator.vector.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
/**
 * The GEMM register tile alone: 4×32 (the one in VectorCpuKernels), 6×32, 4×48 and 8×32 over packed A and B panels
 * that stay in L2 (kc = 256, a 96 × 480 block), interleaved in 0.3 s slices, medians of 7. Plain {@code main}:
 * {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar io.kuaxin.benchmarks.TileShapes}.
 */
public final class TileShapes {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_512; static final int L = 16;
  static final ByteOrder NO = ByteOrder.nativeOrder();
  // 4x32
  static void t4x32(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += 4, bi += 32) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ai+1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ai+2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ai+3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
    }
    long o0 = cOff*4, ld = ldc*4, o1=o0+ld, o2=o1+ld, o3=o2+ld, v=64;
    c00.intoMemorySegment(c,o0,NO); c01.intoMemorySegment(c,o0+v,NO); c10.intoMemorySegment(c,o1,NO); c11.intoMemorySegment(c,o1+v,NO);
    c20.intoMemorySegment(c,o2,NO); c21.intoMemorySegment(c,o2+v,NO); c30.intoMemorySegment(c,o3,NO); c31.intoMemorySegment(c,o3+v,NO);
  }
  static void t6x32(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40=c00, c41=c00, c50=c00, c51=c00;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += 6, bi += 32) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ai+1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ai+2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ai+3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ai+4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ai+5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
    }
    long o0 = cOff*4, ld = ldc*4, o1=o0+ld, o2=o1+ld, o3=o2+ld, o4=o3+ld, o5=o4+ld, v=64;
    c00.intoMemorySegment(c,o0,NO); c01.intoMemorySegment(c,o0+v,NO); c10.intoMemorySegment(c,o1,NO); c11.intoMemorySegment(c,o1+v,NO);
    c20.intoMemorySegment(c,o2,NO); c21.intoMemorySegment(c,o2+v,NO); c30.intoMemorySegment(c,o3,NO); c31.intoMemorySegment(c,o3+v,NO);
    c40.intoMemorySegment(c,o4,NO); c41.intoMemorySegment(c,o4+v,NO); c50.intoMemorySegment(c,o5,NO); c51.intoMemorySegment(c,o5+v,NO);
  }
  static void t4x48(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02=c00, c10 = c00, c11 = c00, c12=c00, c20 = c00, c21 = c00, c22=c00, c30 = c00, c31 = c00, c32=c00;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += 4, bi += 48) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L), b2 = FloatVector.fromArray(S, b, bi + 2*L);
      FloatVector x = FloatVector.broadcast(S, a[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
      x = FloatVector.broadcast(S, a[ai+1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
      x = FloatVector.broadcast(S, a[ai+2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
      x = FloatVector.broadcast(S, a[ai+3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
    }
    long o0 = cOff*4, ld = ldc*4, o1=o0+ld, o2=o1+ld, o3=o2+ld, v=64;
    c00.intoMemorySegment(c,o0,NO); c01.intoMemorySegment(c,o0+v,NO); c02.intoMemorySegment(c,o0+2*v,NO);
    c10.intoMemorySegment(c,o1,NO); c11.intoMemorySegment(c,o1+v,NO); c12.intoMemorySegment(c,o1+2*v,NO);
    c20.intoMemorySegment(c,o2,NO); c21.intoMemorySegment(c,o2+v,NO); c22.intoMemorySegment(c,o2+2*v,NO);
    c30.intoMemorySegment(c,o3,NO); c31.intoMemorySegment(c,o3+v,NO); c32.intoMemorySegment(c,o3+2*v,NO);
  }
  static void t8x32(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40=c00, c41=c00, c50=c00, c51=c00, c60=c00, c61=c00, c70=c00, c71=c00;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += 8, bi += 32) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ai+1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ai+2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ai+3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ai+4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ai+5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, a[ai+6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, a[ai+7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
    }
    long o0 = cOff*4, ld = ldc*4, v=64;
    c00.intoMemorySegment(c,o0,NO); c01.intoMemorySegment(c,o0+v,NO); o0+=ld; c10.intoMemorySegment(c,o0,NO); c11.intoMemorySegment(c,o0+v,NO); o0+=ld;
    c20.intoMemorySegment(c,o0,NO); c21.intoMemorySegment(c,o0+v,NO); o0+=ld; c30.intoMemorySegment(c,o0,NO); c31.intoMemorySegment(c,o0+v,NO); o0+=ld;
    c40.intoMemorySegment(c,o0,NO); c41.intoMemorySegment(c,o0+v,NO); o0+=ld; c50.intoMemorySegment(c,o0,NO); c51.intoMemorySegment(c,o0+v,NO); o0+=ld;
    c60.intoMemorySegment(c,o0,NO); c61.intoMemorySegment(c,o0+v,NO); o0+=ld; c70.intoMemorySegment(c,o0,NO); c71.intoMemorySegment(c,o0+v,NO);
  }
  interface T { void run(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc); }
  public static void main(String[] args) {
    int kc = 256, M = 96, N = 480; // block: MR-divisible M (96 = 4*24 = 6*16 = 8*12), N divisible by 32 and 48
    float[] a = new float[M*kc], b = new float[N*kc]; for (int i=0;i<a.length;i++) a[i]=(float)Math.sin(i); for (int i=0;i<b.length;i++) b[i]=(float)Math.cos(i);
    MemorySegment c = Arena.global().allocate((long)M*N*4, 64);
    String[] names = {"4x32","6x32","4x48","8x32"}; int[][] dims = {{4,32},{6,32},{4,48},{8,32}};
    T[] ts = {TileShapes::t4x32, TileShapes::t6x32, TileShapes::t4x48, TileShapes::t8x32};
    double[][] res = new double[4][7];
    for (int round = -3; round < 7; round++) for (int v = 0; v < 4; v++) {
      int mr = dims[v][0], nr = dims[v][1]; T t = ts[v];
      long t0 = System.nanoTime(); long it = 0;
      while (System.nanoTime() - t0 < 300_000_000L) {
        for (int j = 0; j < N; j += nr) for (int i = 0; i < M; i += mr) t.run(kc, a, i*kc, b, j*kc, c, (long)i*N + j, N);
        it++;
      }
      double gf = 2.0*M*N*kc*it/(System.nanoTime()-t0);
      if (round >= 0) res[v][round] = gf;
    }
    for (int v = 0; v < 4; v++) { java.util.Arrays.sort(res[v]); System.out.printf("%s  median %.1f GFLOP/s  (min %.1f max %.1f)%n", names[v], res[v][3], res[v][0], res[v][6]); }
  }
}
