package dev.gatehouse.api;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Threads a plugin may use, owned by the host. The host names them after the workspace and platform,
 * makes them daemons, sets their context class loader to the plugin's, puts {@code workspace},
 * {@code platform} and {@code epoch} in the logging MDC of every task, and shuts everything created
 * here down when its scope ends (the connection attempt for {@link GatewayContext#executors()}, the
 * plugin for {@link PluginContext#executors()}). Plugins must not create threads any other way;
 * threads that libraries create themselves must be stopped by {@link GatewayConnection#close()}.
 */
public interface GatewayExecutors {

    /**
     * A factory for libraries that take one (for example a WebSocket client's I/O threads).
     *
     * @param purpose a short name used in thread names, e.g. {@code "ws-io"}
     * @return a thread factory whose threads the host tracks
     */
    ThreadFactory threadFactory(String purpose);

    /**
     * A fixed-size pool.
     *
     * @param purpose a short name used in thread names
     * @param threads the number of threads, at least 1
     * @return the executor; shutting it down early is allowed
     */
    ExecutorService newExecutor(String purpose, int threads);

    /**
     * A scheduled pool.
     *
     * @param purpose a short name used in thread names
     * @param threads the number of threads, at least 1
     * @return the scheduler; shutting it down early is allowed
     */
    ScheduledExecutorService newScheduler(String purpose, int threads);
}
