package dev.gatehouse.host.exec;

import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.host.logging.LogContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads the host lends to a plugin, for one scope (a connection attempt or a whole plugin). Threads
 * are daemons named {@code gh-<scope>-<purpose>-<n>}, carry the plugin's class loader as context class
 * loader and the scope's MDC, and are all shut down by {@link #shutdown(Duration)}.
 */
public final class HostExecutors implements GatewayExecutors {

    private static final Logger log = LoggerFactory.getLogger(HostExecutors.class);

    private final String scope;
    private final ClassLoader contextLoader;
    private final String workspace;
    private final String platform;
    private final long epoch;
    /** Guarded by this. */
    private final List<ExecutorService> executors = new ArrayList<>();
    /** Guarded by this. */
    private final List<Thread> threads = new ArrayList<>();
    /** Guarded by this. */
    private boolean shutDown;
    private final AtomicInteger counter = new AtomicInteger();

    /**
     * @param scope short name used in thread names, e.g. {@code slack-acme-3}
     * @param contextLoader the plugin's class loader
     * @param workspace MDC workspace, or {@code null}
     * @param platform MDC platform, or {@code null}
     * @param epoch MDC epoch, or -1
     */
    public HostExecutors(String scope, ClassLoader contextLoader, String workspace, String platform, long epoch) {
        this.scope = scope;
        this.contextLoader = contextLoader;
        this.workspace = workspace;
        this.platform = platform;
        this.epoch = epoch;
    }

    @Override
    public ThreadFactory threadFactory(String purpose) {
        return task -> {
            Runnable withMdc = () -> LogContext.run(workspace, platform, epoch, task);
            Thread t = new Thread(withMdc, "gh-" + scope + "-" + purpose + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(contextLoader);
            synchronized (this) {
                if (shutDown) {
                    throw new java.util.concurrent.RejectedExecutionException("executors of " + scope + " are shut down");
                }
                threads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
                threads.add(t);
            }
            return t;
        };
    }

    @Override
    public ExecutorService newExecutor(String purpose, int threadCount) {
        return track(Executors.newFixedThreadPool(Math.max(1, threadCount), threadFactory(purpose)));
    }

    @Override
    public ScheduledExecutorService newScheduler(String purpose, int threadCount) {
        return track(Executors.newScheduledThreadPool(Math.max(1, threadCount), threadFactory(purpose)));
    }

    private synchronized <E extends ExecutorService> E track(E e) {
        if (shutDown) {
            e.shutdownNow();
            throw new java.util.concurrent.RejectedExecutionException("executors of " + scope + " are shut down");
        }
        executors.add(e);
        return e;
    }

    /**
     * Stops every executor and waits up to {@code bound} for their threads to end.
     *
     * @return names of threads still alive afterwards
     */
    public List<String> shutdown(Duration bound) {
        List<ExecutorService> es;
        List<Thread> ts;
        synchronized (this) {
            shutDown = true;
            es = List.copyOf(executors);
            ts = List.copyOf(threads);
        }
        es.forEach(ExecutorService::shutdownNow);
        long deadline = System.nanoTime() + bound.toNanos();
        for (ExecutorService e : es) {
            try {
                e.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> alive = new ArrayList<>();
        for (Thread t : ts) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                alive.add(t.getName());
            }
        }
        if (!alive.isEmpty()) {
            log.warn("{}: {} plugin thread(s) still alive {} ms after shutdown: {}", scope, alive.size(),
                    bound.toMillis(), alive);
        }
        return alive;
    }
}
