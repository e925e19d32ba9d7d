package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayExecutors;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;

/**
 * What all of the plugin's bots share, as JDA's own shard manager shares it between shards, so that a
 * connection costs only the two threads of its socket (nv-websocket's reader and writer):
 * <ul>
 *   <li>REST: the rate-limit scheduler, the REST workers, the callback pool and one OkHttp client
 *       (dispatcher and connection pool; per connection only its read bound differs);</li>
 *   <li>the gateway scheduler (heartbeats, JDA's send loop), which each connection sees through a
 *       {@link ScopedScheduler}, so JDA's shutdown still ends that connection's tasks and still reads as
 *       "do not reconnect";</li>
 *   <li>the connect pool that runs JDA's connect and re-identify requests ({@link HostSessionController});</li>
 *   <li>the {@link GatewayWatch}, whose timer also spaces each bot's session starts.</li>
 * </ul>
 * Events need no pool: JDA hands them to {@link GatewayEvents} on its read thread, which only translates
 * them and hands them to the host.
 *
 * <p>Created on the plugin's executors: the host shuts them down when the plugin stops, after every
 * connection closed. JDA is told not to shut any of them down itself.
 */
final class SharedPools {

    static final int REST_THREADS = 2;
    /** Heartbeats and JDA's 500 ms send-loop ticks of every bot: microseconds each; two threads keep one stall from delaying all. */
    static final int GATEWAY_THREADS = 2;
    /** An idle connect thread ends after this; they exist only while bots connect. */
    static final Duration CONNECT_KEEP_ALIVE = Duration.ofSeconds(2);

    private final ScheduledExecutorService rateLimitScheduler;
    private final ExecutorService rest;
    private final ExecutorService callbacks;
    private final ScheduledExecutorService gateway;
    private final ExecutorService connects;
    private final ScheduledExecutorService timer;
    private final GatewayWatch watch;
    private final OkHttpClient http;
    /** One socket factory per read bound, so that connections with the same bound share pooled HTTP connections. */
    private final Map<Duration, OkHttpClient> httpByBound = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    private SharedPools(GatewayExecutors plugin) {
        this.rateLimitScheduler = plugin.newScheduler("jda-ratelimit", 1);
        this.rest = plugin.newExecutor("jda-rest", REST_THREADS);
        this.callbacks = plugin.newExecutor("jda-callback", 1);
        this.gateway = plugin.newScheduler("jda-gateway", GATEWAY_THREADS);
        // Elastic: a connect request blocks until the session is loading (up to JDA's 10 s handshake bound),
        // and a re-identify request sleeps through JDA's backoff, so a fixed pool would let a few bots in
        // trouble hold up every other bot's connect. Threads come from the plugin's factory (tracked,
        // named, the plugin's context loader) and end after CONNECT_KEEP_ALIVE idle, as JDA's own per-bot
        // controller threads do; after the plugin stops its factory makes none.
        this.connects = new ThreadPoolExecutor(0, Integer.MAX_VALUE, CONNECT_KEEP_ALIVE.toNanos(), TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), plugin.threadFactory("jda-connect"));
        this.timer = plugin.newScheduler("watch", 1);
        this.watch = new GatewayWatch(timer);
        this.http = RestHttpClient.create(DiscordSettings.DEFAULT_REST_TIMEOUT, plugin.newExecutor("okhttp", 1));
    }

    static SharedPools on(GatewayExecutors plugin) {
        return new SharedPools(plugin);
    }

    ScheduledExecutorService rateLimitScheduler() {
        return rateLimitScheduler;
    }

    ExecutorService rest() {
        return rest;
    }

    ExecutorService callbacks() {
        return callbacks;
    }

    /** A new view for one connection, to hand to JDA with {@code automaticShutdown}. */
    ScopedScheduler gatewayFor() {
        return new ScopedScheduler(gateway);
    }

    ExecutorService connects() {
        return connects;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    GatewayWatch watch() {
        return watch;
    }

    /** The plugin's OkHttp client with reads bounded by {@code readBound}; see {@link RestHttpClient}. */
    OkHttpClient http(Duration readBound) {
        return httpByBound.computeIfAbsent(readBound, b -> RestHttpClient.withReadBound(http, b));
    }

    /** A connection opened. */
    void opened() {
        open.incrementAndGet();
    }

    /** A connection closed: when none is left, pooled HTTP connections are closed rather than left idle. */
    void closed() {
        if (open.decrementAndGet() == 0) {
            RestHttpClient.evictIdle(http);
        }
    }
}
