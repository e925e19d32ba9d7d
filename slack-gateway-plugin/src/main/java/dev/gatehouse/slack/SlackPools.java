package dev.gatehouse.slack;

import dev.gatehouse.api.GatewayExecutors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.ConnectionPool;

/**
 * The threads every Slack connection of one plugin copy shares: an elastic pool that runs each
 * connection's {@link Lane}s (message processor, acknowledgements, link checks), its reconnects and
 * its session closes, and one scheduler that times them and the {@link Heartbeat} pings. A connection
 * holds a thread only while it has work; an idle one holds none.
 *
 * <p>Installed at plugin start on the plugin's executors (the host stops their threads when the
 * plugin stops). Without an installation (the gateway used outside a plugin) each connection gets a
 * private set on its own executors, shut down with it.
 *
 * @param work runs lane tasks, reconnects and closes; grows with concurrent work, idle threads expire
 * @param timer times delayed and periodic work; its tasks only hand work over
 * @param httpConnections OkHttp's connection pool for every connection's Web API client: one cleanup
 *     task for all instead of one each (each woke an "OkHttp TaskRunner" thread). Sockets are not mixed:
 *     OkHttp keys them by address, which includes each client's own socket factory.
 * @param shared whether the pools outlive a connection (then a connection must not shut them down)
 */
record SlackPools(ExecutorService work, ScheduledExecutorService timer, ConnectionPool httpConnections, boolean shared) {

    /** This class loader's pools: one plugin instance per loader. */
    private static volatile SlackPools installed;

    static synchronized void install(GatewayExecutors plugin) {
        uninstall();
        installed = create(plugin, true);
    }

    static synchronized void uninstall() {
        SlackPools p = installed;
        installed = null;
        if (p != null) {
            p.work.shutdownNow();
            p.timer.shutdownNow();
            p.httpConnections.evictAll();
        }
    }

    /** The plugin's pools, or a private set on the connection's executors. */
    static SlackPools forConnection(GatewayExecutors connection) {
        SlackPools p = installed;
        return p != null ? p : create(connection, false);
    }

    private static SlackPools create(GatewayExecutors executors, boolean shared) {
        return new SlackPools(Executors.newCachedThreadPool(executors.threadFactory("slack-work")),
                executors.newScheduler("slack-timers", 1), new ConnectionPool(), shared);
    }

    /** A serial executor for one connection on these pools. */
    Lane lane() {
        return new Lane(work, timer);
    }

    /** Releases a private set; shared pools stay for the other connections. */
    void releaseIfPrivate() {
        if (!shared) {
            work.shutdownNow();
            timer.shutdownNow();
            httpConnections.evictAll();
        }
    }
}
