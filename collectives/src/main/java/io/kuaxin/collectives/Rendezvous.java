package io.kuaxin.collectives;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the ranks of a group find each other: who they are, and a broadcast of a few bytes (a collective library's
 * unique id) from one rank to all. Data never flows through it. {@link io.kuaxin.collectives.mpi.MpiRendezvous} is the
 * default across processes; {@link #fromAllGather} adapts Spark's barrier {@code BarrierTaskContext.allGather}, and
 * {@link #fromStore} any key-value store (Hazelcast's {@code IMap}, a c10d-style TCP store, etcd).
 *
 * <p>Every rank calls the same methods in the same order. Implementations are used by one thread at a time.
 */
public interface Rendezvous {
    /** This process's rank, {@code 0 <= rank < size}. */
    int rank();

    /** The number of ranks. */
    int size();

    /**
     * Returns {@code root}'s bytes on every rank; other ranks' {@code data} is ignored (may be null).
     *
     * @throws io.kuaxin.CollectiveException with reason BOOTSTRAP if the exchange fails or times out
     */
    byte[] broadcast(byte[] data, int root);

    /**
     * Adapts an all-gather of strings, such as Spark's {@code BarrierTaskContext.allGather(String)}: rank 0's id is
     * carried as Base64 and the others send an empty string.
     *
     * @param rank      e.g. {@code BarrierTaskContext.get().partitionId()}
     * @param size      e.g. {@code BarrierTaskContext.get().getTaskInfos().length}
     * @param allGather every rank's string, in rank order
     */
    static Rendezvous fromAllGather(int rank, int size, Function<String, String[]> allGather) {
        Objects.requireNonNull(allGather, "allGather");
        check(rank, size);
        return new Rendezvous() {
            @Override public int rank() { return rank; }
            @Override public int size() { return size; }
            @Override public byte[] broadcast(byte[] data, int root) {
                String mine = rank == root ? Base64.getEncoder().encodeToString(data) : "";
                String[] all = allGather.apply(mine);
                if (all == null || all.length != size) {
                    throw new io.kuaxin.CollectiveException(io.kuaxin.CollectiveException.Reason.BOOTSTRAP,
                            "rendezvous", "allGather", 0, "expected " + size + " strings, got "
                            + (all == null ? "null" : all.length));
                }
                return Base64.getDecoder().decode(all[root]);
            }
        };
    }

    /** A key-value store every rank reaches: enough to exchange ids (Hazelcast {@code IMap}, a TCP store, etcd). */
    interface Store {
        /** Stores {@code value} under {@code key}. */
        void set(String key, byte[] value);

        /** Waits up to {@code timeout} for {@code key}; returns null if it did not appear. */
        byte[] get(String key, Duration timeout);
    }

    /**
     * Adapts a key-value store: the root sets {@code <prefix>/<n>}, the others wait for it, {@code n} counting the
     * broadcasts so one store serves several communicators in order.
     */
    static Rendezvous fromStore(int rank, int size, Store store, String prefix, Duration timeout) {
        Objects.requireNonNull(store, "store");
        check(rank, size);
        return new Rendezvous() {
            private int round;
            @Override public int rank() { return rank; }
            @Override public int size() { return size; }
            @Override public byte[] broadcast(byte[] data, int root) {
                String key = prefix + "/" + round++;
                if (rank == root) {
                    store.set(key, data.clone());
                    return data.clone();
                }
                byte[] v = store.get(key, timeout);
                if (v == null) {
                    throw new io.kuaxin.CollectiveException(io.kuaxin.CollectiveException.Reason.BOOTSTRAP,
                            "rendezvous", "store.get", 0, "key " + key + " did not appear within " + timeout
                            + "; is rank " + root + " running and using the same store and prefix?");
                }
                return Arrays.copyOf(v, v.length);
            }
        };
    }

    /** Hex of an id, for logs. */
    static String hex(byte[] id, int max) {
        return HexFormat.of().formatHex(id, 0, Math.min(id.length, max));
    }

    private static void check(int rank, int size) {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new io.kuaxin.InvalidArgumentException("rank " + rank + " of size " + size
                    + ": need size >= 1 and 0 <= rank < size");
        }
    }
}
