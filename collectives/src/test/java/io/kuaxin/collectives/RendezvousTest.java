package io.kuaxin.collectives;

import io.kuaxin.CollectiveException;
import io.kuaxin.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The id-exchange adapters, with 3 ranks as threads: an all-gather shaped like Spark's, and a key-value store. */
class RendezvousTest {
    static final byte[] ID = new byte[128];

    static {
        for (int i = 0; i < ID.length; i++) ID[i] = (byte) (i * 7 - 3);
    }

    /** An all-gather of strings like BarrierTaskContext.allGather: every rank gets every rank's string, in order. */
    static final class FakeBarrier {
        final AtomicReferenceArray<String> slots;
        final CyclicBarrier in, out;

        FakeBarrier(int n) {
            slots = new AtomicReferenceArray<>(n);
            in = new CyclicBarrier(n);
            out = new CyclicBarrier(n);
        }

        String[] allGather(int rank, String s) {
            try {
                slots.set(rank, s);
                in.await();
                String[] all = new String[slots.length()];
                for (int i = 0; i < all.length; i++) all[i] = slots.get(i);
                out.await();
                return all;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static byte[][] run3(java.util.function.IntFunction<Rendezvous> make) throws InterruptedException {
        byte[][] got = new byte[3][];
        Thread[] ts = new Thread[3];
        for (int r = 0; r < 3; r++) {
            int rank = r;
            ts[r] = Thread.ofPlatform().start(() -> {
                Rendezvous rv = make.apply(rank);
                got[rank] = rv.broadcast(rank == 0 ? ID.clone() : null, 0);
            });
        }
        for (Thread t : ts) t.join(10_000);
        return got;
    }

    @Test
    void allGatherCarriesTheRootsBytes() throws Exception {
        FakeBarrier b = new FakeBarrier(3);
        byte[][] got = run3(rank -> Rendezvous.fromAllGather(rank, 3, s -> b.allGather(rank, s)));
        for (byte[] g : got) assertArrayEquals(ID, g);
    }

    @Test
    void storeCarriesTheRootsBytes() throws Exception {
        Map<String, byte[]> map = new ConcurrentHashMap<>();
        Rendezvous.Store store = new Rendezvous.Store() {
            @Override public void set(String key, byte[] value) { map.put(key, value); }
            @Override public byte[] get(String key, Duration timeout) {
                long end = System.nanoTime() + timeout.toNanos();
                while (System.nanoTime() < end) {
                    byte[] v = map.get(key);
                    if (v != null) return v;
                    Thread.onSpinWait();
                }
                return null;
            }
        };
        byte[][] got = run3(rank -> Rendezvous.fromStore(rank, 3, store, "job", Duration.ofSeconds(5)));
        for (byte[] g : got) assertArrayEquals(ID, g);
        assertEquals(1, map.size(), "one key per broadcast");
    }

    @Test
    void missingRootAndBadArgumentsAreTyped() {
        Rendezvous.Store empty = new Rendezvous.Store() {
            @Override public void set(String key, byte[] value) {}
            @Override public byte[] get(String key, Duration timeout) { return null; }
        };
        CollectiveException e = assertThrows(CollectiveException.class, () -> Rendezvous.fromStore(1, 2, empty, "p",
                Duration.ofMillis(10)).broadcast(null, 0));
        assertEquals(CollectiveException.Reason.BOOTSTRAP, e.reason());
        assertThrows(InvalidArgumentException.class, () -> Rendezvous.fromAllGather(2, 2, s -> new String[0]));
        CollectiveException short_ = assertThrows(CollectiveException.class, () -> Rendezvous.fromAllGather(0, 2,
                s -> new String[] {s}).broadcast(Arrays.copyOf(ID, 4), 0));
        assertEquals(CollectiveException.Reason.BOOTSTRAP, short_.reason());
    }
}
