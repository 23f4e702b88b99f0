package io.kuaxin.collectives.spi;

import io.kuaxin.collectives.Communicator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Joins every rank of a group that lives in this process. Each join blocks until all ranks have joined, so they run
 * on one thread each; if any fails, the ranks that joined are aborted and the first failure is thrown.
 */
public final class JoinAll {
    private JoinAll() {}

    /**
     * Runs {@code join.apply(rank)} for ranks {@code 0..size-1} concurrently.
     *
     * @return the communicators, rank {@code i} at index {@code i}
     * @throws RuntimeException the first rank's failure (the others' communicators are aborted)
     */
    public static List<Communicator> concurrently(int size, IntFunction<Communicator> join) {
        List<Communicator> out = new ArrayList<>();
        try (ExecutorService ex = Executors.newFixedThreadPool(size)) {
            List<Future<Communicator>> fs = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int rank = i;
                fs.add(ex.submit(() -> join.apply(rank)));
            }
            RuntimeException first = null;
            for (Future<Communicator> f : fs) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    first = new IllegalStateException("interrupted", e);
                }
            }
            if (first != null) {
                for (Communicator c : out) c.abort();
                throw first;
            }
        }
        return out;
    }
}
