package dev.gatehouse.slack;

import com.slack.api.util.thread.ExecutorServiceProvider;
import dev.gatehouse.api.GatewayExecutors;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives the SDK (Slack client, Socket Mode client) the host's threads for one connection,
 * so every pool it creates is named after the connection, carries its MDC and is shut down by the
 * host after the connection closes.
 *
 * <p>The Socket Mode message processor is a {@link Lane} on the plugin's shared pools
 * ({@link SlackPools}): it holds no thread while the connection is idle. It starts gated: it dispatches nothing until
 * {@link #openProcessorGate()}. The client connects inside {@code startAsync()}, before the plugin
 * can register its listeners on it; the gate keeps the first {@code hello} (and any early envelope)
 * queued until they are registered, so no frame goes past them unseen. It runs when frames arrive
 * ({@link #wakeProcessor()}) rather than every 10 ms as the SDK schedules it ({@link WakeableProcessor}).
 */
final class SdkExecutors implements ExecutorServiceProvider {

    static final String PROCESSOR = "socket-mode-message-processor";
    static final String MONITOR = "socket-mode-session-monitor";
    static final String CLEANER = "socket-mode-session-cleaner";
    private final GatewayExecutors host;
    private final SlackPools shared;
    /** Whether the processor may dispatch; a processor created after the gate opened starts open. */
    private volatile boolean gateOpen;
    /** Every pool handed to the SDK, by the SDK's group name (the last one wins on a duplicate name). */
    private final Map<String, ExecutorService> pools = new ConcurrentHashMap<>();
    /** The message processor, once the client created it. */
    private volatile WakeableProcessor processor;

    /** For an SDK that opens no socket (a credential check): a processor would use the plugin's pools. */
    SdkExecutors(GatewayExecutors host) {
        this(host, SlackPools.forConnection(host));
    }

    SdkExecutors(GatewayExecutors host, SlackPools shared) {
        this.host = host;
        this.shared = shared;
    }

    @Override
    public ExecutorService createThreadPoolExecutor(String threadGroupName, int poolSize) {
        return track(threadGroupName, host.newExecutor(purpose(threadGroupName), Math.max(1, poolSize)));
    }

    @Override
    public ScheduledExecutorService createThreadScheduledExecutor(String threadGroupName) {
        if (threadGroupName.endsWith(PROCESSOR)) {
            WakeableProcessor p = new WakeableProcessor(shared.work(), shared.timer(), WakeableProcessor.SAFETY_PERIOD,
                    !gateOpen);
            processor = p;
            return track(threadGroupName, p);
        }
        return track(threadGroupName, host.newScheduler(purpose(threadGroupName), 1));
    }

    /** The pools the connection's serial work and HTTP connections live on. */
    SlackPools pools() {
        return shared;
    }

    /** Lets the message processor dispatch queued frames. Idempotent. */
    void openProcessorGate() {
        gateOpen = true;
        WakeableProcessor p = processor;
        if (p != null) {
            p.openGate();
        }
    }

    /** The message processor polls {@code queue}: it drains it until a poll finds nothing. */
    void processFrom(ObservedQueue queue) {
        WakeableProcessor p = processor;
        if (p != null) {
            p.drainWhile(queue::lastPollTookAFrame);
        }
    }

    /** A frame was queued for the message processor: have it drain the queue now. Never blocks. */
    void wakeProcessor() {
        WakeableProcessor p = processor;
        if (p != null) {
            p.wake();
        }
    }

    /**
     * Lets the message processor handle every frame already queued, waiting for it until
     * {@code deadlineNanos}. Nothing to do before the gate opened: the plugin's listeners were not
     * registered yet.
     *
     * @return whether the queue was drained in time
     */
    boolean drainProcessor(long deadlineNanos) {
        WakeableProcessor p = processor;
        return p == null || !p.gateOpen() || p.drainNow(deadlineNanos);
    }

    /**
     * Waits until the pools that can make the client connect again (session monitor, message
     * processor) have terminated; the caller shut them down through {@code SocketModeClient.close()}.
     *
     * @return whether they terminated in time
     */
    boolean awaitReconnectorsStopped(long deadlineNanos) {
        boolean stopped = true;
        for (String name : List.of(MONITOR, PROCESSOR)) {
            stopped &= await(pool(name), deadlineNanos, false);
        }
        return stopped;
    }

    /**
     * Lets the session cleaner finish the closes already queued on it (sockets superseded by a
     * refresh), instead of dropping them as an abrupt shutdown would.
     */
    boolean drainCleaner(long deadlineNanos) {
        return await(pool(CLEANER), deadlineNanos, true);
    }

    /** Stops every pool now; the host does the same afterwards, this only makes it prompt. */
    void shutdownNow() {
        openProcessorGate();
        pools.values().forEach(ExecutorService::shutdownNow);
    }

    private ExecutorService pool(String suffix) {
        return pools.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static boolean await(ExecutorService pool, long deadlineNanos, boolean shutdownFirst) {
        if (pool == null) {
            return true;
        }
        if (shutdownFirst) {
            pool.shutdown();
        }
        try {
            return pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private <E extends ExecutorService> E track(String name, E pool) {
        pools.put(name, pool);
        return pool;
    }

    /** The SDK's group name as a thread-name part, e.g. {@code slack-api-metrics:1f} → {@code slack-api-metrics-1f}. */
    static String purpose(String threadGroupName) {
        String p = threadGroupName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return p.isEmpty() ? "sdk" : p;
    }
}
