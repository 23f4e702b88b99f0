package io.kuaxin.backend.cpu;

import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Stream;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream.enqueueExternal on the CPU: a host action ordered with the stream's work, as collectives use it. */
class ExternalWorkTest {
    @Test
    void hostActionRunsInStreamOrder() throws Exception {
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Device cpu = kx.device("cpu");
            Stream st = cpu.newStream();
            Tensor t = s.zeros(io.kuaxin.DType.F32, Shape.of(4));
            CountDownLatch release = new CountDownLatch(1);
            // a blocking action first: the stream must not run the next one before it
            st.enqueueExternal(List.of(), List.of(t), target -> target.enqueueHost(() -> {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            st.enqueueExternal(List.of(), List.of(t), target -> {
                assertEquals(0L, target.nativeStream(), "the CPU stream has no native handle");
                long a = target.address(t);
                target.enqueueHost(() -> MemorySegment.ofAddress(a).reinterpret(16)
                        .copyFrom(MemorySegment.ofArray(new float[] {1, 2, 3, 4})));
            });
            release.countDown();
            float[] out = new float[4];
            st.copyToHost(t, MemorySegment.ofArray(out)); // waits for the actions, in order
            assertArrayEquals(new float[] {1, 2, 3, 4}, out);
            st.close();
        }
    }

    @Test
    void undeclaredTensorAndFailuresAreTyped() {
        try (Kuaxin kx = Kuaxin.open(); Scope s = kx.device("cpu").scope()) {
            Stream st = kx.device("cpu").defaultStream();
            Tensor declared = s.zeros(io.kuaxin.DType.F32, Shape.of(2));
            Tensor other = s.zeros(io.kuaxin.DType.F32, Shape.of(2));
            assertThrows(InvalidArgumentException.class, () -> st.enqueueExternal(List.of(declared), List.of(),
                    target -> target.address(other)));
            st.enqueueExternal(List.of(), List.of(declared), target -> target.enqueueHost(() -> {
                throw new IllegalStateException("library failed");
            }));
            RuntimeException e = assertThrows(RuntimeException.class, st::synchronize);
            assertTrue(e.getMessage().contains("library failed"), e.getMessage());
            // the stream and device stay usable
            assertEquals(5f, s.copyOf(new float[] {5}, Shape.of(1)).toFloatArray()[0]);
        }
    }
}
