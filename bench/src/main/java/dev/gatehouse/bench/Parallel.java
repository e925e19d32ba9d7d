package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Starts many bare clients at once, as a host opens its connections at once. */
final class Parallel {

    private Parallel() {
    }

    /**
     * Runs every task on {@code threads} threads and returns the results in order. If any fails, the
     * ones that succeeded are closed and the first failure is thrown.
     */
    static <T extends AutoCloseable> List<T> startAll(List<Callable<T>> tasks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-starter");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = tasks.stream().map(pool::submit).toList();
            List<T> started = new ArrayList<>();
            Exception failure = null;
            for (Future<T> f : futures) {
                try {
                    started.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause() instanceof Exception x ? x : e;
                }
            }
            if (failure != null) {
                closeAll(started);
                throw failure;
            }
            return started;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Closes each; one failing does not keep the others open. */
    static void closeAll(List<? extends AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the next one must close too
            }
        }
    }
}
