package io.kuaxin.backend.cpu;

import io.kuaxin.ClosedResourceException;
import io.kuaxin.DType;
import io.kuaxin.Device;
import io.kuaxin.Event;
import io.kuaxin.HostBuffer;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class StreamsAndEventsTest {
    @Test
    void eventsOrderStreamsAndTimeWork() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            try (Stream a = cpu.newStream(); Stream b = cpu.newStream()) {
                Tensor big = cpu.copyOf(new float[1 << 20], Shape.of(1 << 20));
                Tensor dst = cpu.empty(DType.F32, big.shape());
                try (Event start = a.record()) {
                    for (int i = 0; i < 20; i++) a.copy(big, dst);
                    try (Event end = a.record()) {
                        b.waitFor(end);
                        b.synchronize();
                        assertTrue(end.isComplete(), "b waited for a's event");
                        assertTrue(end.elapsedMillis(start) >= 0);
                    }
                }
                big.close();
                dst.close();
            }
        }
    }

    @Test
    void manyThreadsTimesStreamsCopyingLoseNoData() throws Exception {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    try (Stream s = cpu.newStream()) {
                        for (int round = 0; round < 25; round++) {
                            float[] d = new float[1000 + seed * 13 + round];
                            for (int i = 0; i < d.length; i++) d[i] = seed * 1e6f + round * 1e3f + i;
                            Tensor src = cpu.copyOf(d, Shape.of(d.length));
                            Tensor mid = cpu.empty(DType.F32, src.shape());
                            Tensor dst = cpu.empty(DType.F32, src.shape());
                            s.copy(src, mid);
                            cpu.defaultStream().copy(mid, dst); // cross-stream read waits for s's write
                            src.close();
                            mid.close();
                            assertArrayEquals(d, dst.toFloatArray());
                            dst.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            cpu.synchronize();
            assertEquals(0, cpu.memoryStats().allocatedBytes());
        }
    }

    @Test
    void copiesBetweenDevicesOfDifferentRuntimesStageThroughHost() {
        try (Kuaxin one = Kuaxin.open(); Kuaxin two = Kuaxin.open()) {
            Device a = one.device("cpu"), b = two.device("cpu");
            Tensor x = a.copyOf(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
            Tensor y = x.transpose(0, 1).to(b);
            assertSame(b, y.device());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, y.toFloatArray());
            x.close();
            y.close();
        }
    }

    @Test
    void asynchronousCopiesThroughHostBuffers() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            float[] data = new float[4096];
            for (int i = 0; i < data.length; i++) data[i] = i * 0.25f;
            try (Stream s = cpu.newStream(); Tensor t = cpu.empty(DType.F32, Shape.of(data.length))) {
                HostBuffer in = cpu.allocateHostBuffer(data.length * 4L);
                java.lang.foreign.MemorySegment.copy(data, 0, in.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0,
                        data.length);
                s.copyFromHost(in, t);
                in.close(); // the stream keeps it alive until the copy is done
                try (HostBuffer out = cpu.allocateHostBuffer(data.length * 4L)) {
                    s.copyToHost(t, out);
                    try (Event done = s.record()) {
                        done.synchronize();
                    }
                    assertArrayEquals(data, out.segment().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT));
                }
                assertThrows(ClosedResourceException.class, in::segment);
                HostBuffer small = cpu.allocateHostBuffer(16);
                assertThrows(InvalidArgumentException.class, () -> s.copyToHost(t, small));
                small.close();
            }
        }
    }

    @Test
    void misuseIsTyped() {
        try (Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            assertThrows(InvalidArgumentException.class, () -> cpu.defaultStream().close());
            Stream s = cpu.newStream();
            Event e = s.record();
            s.close();
            assertThrows(ClosedResourceException.class, s::synchronize);
            assertThrows(ClosedResourceException.class, s::close);
            e.synchronize();
            e.close();
            assertThrows(ClosedResourceException.class, e::close);
        }
    }

    /** The CPU's writer is made slow by a sleeping task queued ahead of its copy. */
    @Test
    void aReaderOnAnotherStreamSeesTheWriteOnlyThroughTheEvent() {
        try (CpuDevice dev = new CpuDevice(0)) {
            io.kuaxin.conformance.StreamOrdering.readerSeesTheWriteOnlyThroughTheEvent(dev, writer -> ((CpuStream) writer).submit(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }
}
