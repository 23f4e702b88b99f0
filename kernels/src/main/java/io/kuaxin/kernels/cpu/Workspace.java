package io.kuaxin.kernels.cpu;

/**
 * Per-thread scratch buffers, grown on demand and reused, so a kernel allocates nothing in steady state.
 * Each field has one owner at a time (see the users); a nested kernel on the same thread uses other fields.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    static Workspace get() { return LOCAL.get(); }

    // GEMM
    final float[][] packB = {new float[0], new float[0]}; // per nesting depth; owned by the calling thread, read by helpers
    float[] packA = new float[0];      // per item, on the thread running it
    /** What {@link #packA} holds: rows from {@code packARow} of GEMM call {@code packACall} (all of K), or nothing. */
    long packACall = -1;
    int packARow = -1;
    float[] rowTmp = new float[0];
    float[] panel = new float[0];      // a partial B panel packed while A and B are read in place
    final float[] tile = new float[CpuKernels.MAX_GEMM_ROWS * CpuKernels.NR];
    final CpuGemm.Call[] gemmCalls = new CpuGemm.Call[2]; // reusable per nesting depth
    int gemmDepth;
    // CpuGemm.WARM: the prepacked weight and the call this thread last ran, and where the warm reads' sums go
    long warmWeight = -1, warmCall = -1;
    boolean warmThisCall;
    float warmSink;

    // int8 GEMM
    byte[] packB8 = new byte[0];
    byte[] row8 = new byte[0];
    int[] rowAcc = new int[0];

    // attention
    float[] kt = new float[0], vp = new float[0], q = new float[0], s = new float[0], o = new float[0];
    float[] m = new float[0], l = new float[0], maskRow = new float[0];
    long attnCall = -1;
    int attnGroup = -1;
    CpuAttention.Call attentionCall;

    static float[] grow(float[] a, int n) { return a.length >= n ? a : new float[Math.max(n, a.length + (a.length >> 1))]; }

    static byte[] grow(byte[] a, int n) { return a.length >= n ? a : new byte[Math.max(n, a.length + (a.length >> 1))]; }

    static int[] grow(int[] a, int n) { return a.length >= n ? a : new int[Math.max(n, a.length + (a.length >> 1))]; }
}
