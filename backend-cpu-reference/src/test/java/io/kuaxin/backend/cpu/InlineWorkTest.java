package io.kuaxin.backend.cpu;

import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Event;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Small ops on an idle CPU stream run on the caller's thread; these check that stream order still holds when a
 * small op follows large work still running on the worker, on the same stream and across streams.
 */
class InlineWorkTest {
    /** Large ops go to the stream's thread only under a limit (by default everything runs on the caller's). */
    @BeforeAll
    static void largeOpsGoToTheStreamsThread() { System.setProperty(CallerThreadTest.LIMIT, "4194304"); }

    @AfterAll
    static void defaultLimit() { System.clearProperty(CallerThreadTest.LIMIT); }

    private static final int N = 384;

    /** x·x for x = all 1/N except 2/N in row 0 col 0: known values, large enough to go to the worker. */
    private static float[] ones() {
        float[] v = new float[N * N];
        java.util.Arrays.fill(v, 1f / N);
        return v;
    }

    @Test
    void aSmallOpAfterALargeOneOnTheSameStreamSeesItsResult() {
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Tensor x = s.copyOf(ones(), Shape.of(N, N));
            for (int round = 0; round < 20; round++) {
                Tensor big = Ops.matmul(x, x);                     // 2·N³ flops: the worker
                Tensor small = Ops.add(big.slice(0, 0, 1), big.slice(0, 0, 1)); // [1, N]: small, must wait for big
                float[] got = small.toFloatArray();
                for (float g : got) assertEquals(2f / N, g, 1e-6f, "round " + round);
                big.close();
                small.close();
            }
        }
    }

    @Test
    void aSmallOpOnAnIdleStreamWaitsForAnotherStreamsWrite() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (Scope s = cpu.scope(); Stream other = cpu.newStream()) {
                Tensor x = s.copyOf(ones(), Shape.of(N, N));
                cpu.synchronize();
                for (int round = 0; round < 20; round++) {
                    Tensor big = Ops.on(other).matmul(x, x);         // written on the other stream
                    Tensor small = Ops.add(big.slice(0, 0, 1), big.slice(0, 0, 1)); // default stream, idle
                    float[] got = small.toFloatArray();
                    for (float g : got) assertEquals(2f / N, g, 1e-6f, "round " + round);
                    big.close();
                    small.close();
                }
            }
        }
    }

    @Test
    void aLargeOpAfterASmallInlineOneOnTheSameStreamSeesItsResult() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (Scope s = cpu.scope()) {
                for (int round = 0; round < 20; round++) {
                    Tensor y = s.copyOf(ones(), Shape.of(N, N));
                    cpu.synchronize();                 // idle: the add below runs on this thread
                    Ops.add(y, y, y);                  // y = 2/N everywhere, in place
                    Tensor big = Ops.matmul(y, y);     // the worker: each element N·(2/N)² = 4/N
                    float[] got = big.toFloatArray();
                    for (float g : got) assertEquals(4f / N, g, 1e-6f, "round " + round);
                    y.close();
                    big.close();
                }
            }
        }
    }

    @Test
    void anEventRecordedAfterASmallInlineOpOrdersAnotherStreamAfterIt() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (Scope s = cpu.scope(); Stream other = cpu.newStream()) {
                for (int round = 0; round < 20; round++) {
                    Tensor y = s.copyOf(ones(), Shape.of(N, N));
                    cpu.synchronize();
                    Ops.add(y, y, y);
                    try (Event done = cpu.defaultStream().record()) {
                        other.waitFor(done);
                        Tensor big = Ops.on(other).matmul(y, y);
                        other.synchronize();
                        assertEquals(true, done.isComplete());
                        float[] got = big.toFloatArray();
                        for (float g : got) assertEquals(4f / N, g, 1e-6f, "round " + round);
                        big.close();
                    }
                    y.close();
                }
            }
        }
    }

    /**
     * A kernel that throws (an unvalidated call: an I32 add whose output is longer than its inputs, so the kernel
     * reads past them) on an idle stream fails on the caller's thread; that failure is kept for synchronize exactly as
     * the worker keeps one, and the stream runs later work as before.
     */
    @Test
    void aFailingInlineKernelIsReportedAtSynchronizeAsOnTheWorkerAndTheStreamStaysUsable() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(4 * 4, 64), out = arena.allocate(8 * 4, 64);
            for (int i = 0; i < 4; i++) in.setAtIndex(ValueLayout.JAVA_INT, i, i + 1);
            TensorRef in4 = new TensorRef(in.address(), DType.I32, new long[] {4}, new long[] {1});
            TensorRef out8 = new TensorRef(out.address(), DType.I32, new long[] {8}, new long[] {1});
            TensorRef out4 = new TensorRef(out.address(), DType.I32, new long[] {4}, new long[] {1});
            KernelCall bad = new KernelCall(Op.ADD, OpAttributes.NONE, List.of(in4, in4), List.of(out8));
            KernelCall good = new KernelCall(Op.ADD, OpAttributes.NONE, List.of(in4, in4), List.of(out4));

            CpuStream stream = new CpuStream("test");
            try {
                // Inline: the stream is idle.
                stream.execute(bad);
                RuntimeException inline = assertThrows(RuntimeException.class, stream::synchronize);
                stream.synchronize(); // reported once
                stream.execute(good);
                stream.synchronize();
                for (int i = 0; i < 4; i++) assertEquals(2 * (i + 1), out.getAtIndex(ValueLayout.JAVA_INT, i));

                // On the worker: a host action holds it busy, so the same call is handed over.
                CountDownLatch release = new CountDownLatch(1);
                stream.enqueueHost(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                stream.execute(bad);
                release.countDown();
                RuntimeException worker = assertThrows(RuntimeException.class, stream::synchronize);
                assertSame(worker.getClass(), inline.getClass(), "the same failure either way: " + inline);
                out.fill((byte) 0);
                stream.execute(good);
                stream.synchronize();
                for (int i = 0; i < 4; i++) assertEquals(2 * (i + 1), out.getAtIndex(ValueLayout.JAVA_INT, i));
            } finally {
                stream.close();
            }
        }
    }
}
