package io.kuaxin.backend.cpu;

import io.kuaxin.Kuaxin;
import io.kuaxin.conformance.RuntimeContract;
import io.kuaxin.conformance.RuntimeFixture;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.StreamBackend;

import java.util.List;
import java.util.Map;

/**
 * The runtime contract on {@code cpu:0}: memory is capped with {@code kuaxin.cpu.memory} and a stream is made slow by
 * a sleeping task queued ahead; there is no vendor library, so no faults to inject and no native handles to count.
 */
class CpuRuntimeContractTest extends RuntimeContract {
    @Override
    protected RuntimeFixture fixture() { return new Fixture(); }

    private static final class Fixture implements RuntimeFixture {
        private static final String CAP = "kuaxin.cpu.memory";
        private final String savedCap = System.getProperty(CAP);

        @Override
        public String backend() { return "cpu"; }

        @Override
        public int devices() { return 1; }

        @Override
        public Kuaxin.Options options(Map<String, String> env) {
            return Kuaxin.Options.defaults().withEnv(env).withProviders(List.of(new CpuProvider()));
        }

        @Override
        public BackendProvider provider() { return new CpuProvider(); }

        @Override
        public String allocationCall() { return CAP; }

        @Override
        public boolean limitMemory(int device, long bytes) {
            System.setProperty(CAP, Long.toString(bytes)); // read when a device opens
            return true;
        }

        @Override
        public boolean slowsStreams() { return true; }

        @Override
        public void slowNextTask(StreamBackend stream) {
            ((CpuStream) stream).submit(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        @Override
        public void reset() {
            if (savedCap == null) System.clearProperty(CAP);
            else System.setProperty(CAP, savedCap);
        }
    }
}
