package dev.gatehouse.host.connections;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.InboundSink;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.events.EventDispatcher;
import dev.gatehouse.host.exec.HostExecutors;
import dev.gatehouse.host.logging.LogContext;
import dev.gatehouse.host.network.NetworkProbe;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import dev.gatehouse.host.supervisor.AttemptHandle;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.NotOwnedException;
import dev.gatehouse.host.supervisor.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor's {@link dev.gatehouse.host.supervisor.Transport} over a plugin's gateway: builds each
 * attempt's context (settings, health handle, inbound sink, host-owned executors), calls the plugin
 * with its class loader as context class loader and the connection's MDC, and releases the attempt's
 * executors after its close.
 */
public final class PluginTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(PluginTransport.class);
    /** How long a plugin may take to name its probe URL. */
    static final Duration PROBE_URI_BOUND = Duration.ofSeconds(5);

    private final ConnectionKey key;
    private final Supplier<GatewayBinding> binding;
    private final EventDispatcher dispatcher;
    private final NetworkProbe probe;
    private final Supplier<Duration> closeTimeout;
    private final Executor pluginCalls;
    private volatile PlatformSettings settings;
    /** Why an attempt may not open now (this host lost the connection's lease), or {@code null}. */
    private volatile Supplier<String> openRefusal = () -> null;
    /** What each attempt borrowed, by epoch, until its close. */
    private final Map<Long, Borrowed> borrowed = new ConcurrentHashMap<>();

    private record Borrowed(GatewayBinding binding, HostExecutors executors) {
    }

    public PluginTransport(ConnectionKey key, PlatformSettings settings, Supplier<GatewayBinding> binding,
            EventDispatcher dispatcher, NetworkProbe probe, Supplier<Duration> closeTimeout, Executor pluginCalls) {
        this.key = key;
        this.settings = settings;
        this.binding = binding;
        this.dispatcher = dispatcher;
        this.probe = probe;
        this.closeTimeout = closeTimeout;
        this.pluginCalls = pluginCalls;
    }

    /** Asked before each open: a reason refuses the attempt (fencing in cluster mode). */
    public void openOnlyIf(Supplier<String> refusal) {
        this.openRefusal = refusal;
    }

    /** New settings, used from the next attempt on. */
    public void settings(PlatformSettings s) {
        this.settings = s;
    }

    public PlatformSettings settings() {
        return settings;
    }

    @Override
    public GatewayConnection open(AttemptHandle attempt) throws Exception {
        GatewayBinding b = binding.get();
        if (b == null) {
            throw new IllegalStateException("no loaded plugin serves platform '" + key.platform() + "'");
        }
        return open(attempt, b);
    }

    /**
     * This connection's transport on one given plugin version (a staged one, in a swap's handover): it
     * opens there; closes and probes are this transport's own (a close uses the version its attempt opened on).
     */
    public Transport on(GatewayBinding version) {
        PluginTransport self = this;
        return new Transport() {
            @Override
            public GatewayConnection open(AttemptHandle attempt) throws Exception {
                return self.open(attempt, version);
            }

            @Override
            public void close(GatewayConnection connection, AttemptHandle attempt) {
                self.close(connection, attempt);
            }

            @Override
            public CompletionStage<Boolean> networkUp() {
                return self.networkUp();
            }

            @Override
            public Duration minimumOpenInterval() {
                return version.minimumOpenInterval();
            }
        };
    }

    @Override
    public Duration minimumOpenInterval() {
        GatewayBinding b = binding.get();
        return b == null ? Duration.ZERO : b.minimumOpenInterval();
    }

    private GatewayConnection open(AttemptHandle attempt, GatewayBinding b) throws Exception {
        String refused = openRefusal.get();
        if (refused != null) {
            throw new NotOwnedException(refused);
        }
        HostExecutors ex = new HostExecutors(key.platform() + "-" + key.workspace() + "-" + attempt.epoch(), b.loader(),
                key.workspace(), key.platform(), attempt.epoch());
        borrowed.put(attempt.epoch(), new Borrowed(b, ex));
        // Events are taken until the attempt's close returned, not only while it is current: the
        // supervisor supersedes an attempt before closing it, and what reaches a closing connection
        // (a button click Slack never redelivers) must still reach the bot. Dedupe is per connection
        // key, not per attempt, so a redelivery on the next attempt is still recognised.
        InboundSink sink = event -> {
            if (!borrowed.containsKey(attempt.epoch())) {
                return CompletableFuture.failedFuture(new IllegalStateException(key + " epoch " + attempt.epoch()
                        + " is closed; not taking its events"));
            }
            if (attempt.isCurrent()) {
                attempt.health().markAlive();
            }
            return dispatcher.deliver(key.workspace(), key.platform(), event);
        };
        HostGatewayContext ctx = new HostGatewayContext(key.workspace(), key.platform(), attempt.epoch(),
                settings.toGatewaySettings(), attempt.health(), sink, ex, closeTimeout.get());
        try (LogContext ignored = LogContext.of(key.workspace(), key.platform(), attempt.epoch())) {
            return PluginRuntime.callWithLoader(b.loader(), () -> b.gateway().open(ctx));
        } catch (Exception | LinkageError e) {
            release(attempt.epoch());
            throw e instanceof Exception ex2 ? ex2 : new IllegalStateException(e);
        }
    }

    @Override
    public void close(GatewayConnection connection, AttemptHandle attempt) {
        Borrowed br = borrowed.get(attempt.epoch());
        try (LogContext ignored = LogContext.of(key.workspace(), key.platform(), attempt.epoch())) {
            if (connection != null && br != null) {
                PluginRuntime.withLoader(br.binding().loader(), () -> {
                    connection.close();
                    return null;
                });
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("{} epoch {}: the plugin's close threw {}", key, attempt.epoch(), e.toString());
        } finally {
            release(attempt.epoch());
        }
    }

    private void release(long epoch) {
        Borrowed br = borrowed.remove(epoch);
        if (br != null) {
            br.executors().shutdown(Duration.ofSeconds(5));
        }
    }

    /**
     * Asks the plugin for its probe URL on a plugin-call thread (bounded: a plugin that hangs or throws
     * there counts as "network up", so that the host keeps its own policy), then probes it.
     */
    @Override
    public CompletionStage<Boolean> networkUp() {
        GatewayBinding b = binding.get();
        if (b == null) {
            return CompletableFuture.completedFuture(true);
        }
        PlatformSettings s = settings;
        return CompletableFuture.supplyAsync(() -> PluginRuntime.withLoader(b.loader(),
                        () -> b.gateway().probeUri(s.toGatewaySettings())), pluginCalls)
                .orTimeout(PROBE_URI_BOUND.toMillis(), TimeUnit.MILLISECONDS)
                .handle((uri, err) -> {
                    if (err != null) {
                        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                        log.warn("{}: the plugin cannot name its probe URL ({}); assuming the network is up", key,
                                cause instanceof TimeoutException ? "no answer within " + PROBE_URI_BOUND.toMillis() + " ms"
                                        : cause.toString());
                        return null;
                    }
                    return uri;
                })
                .thenCompose(uri -> uri == null ? CompletableFuture.completedFuture(true) : probe.isUp(uri));
    }

    /**
     * Whether an attempt's connection is open or closing on this class loader (a plugin version about to
     * be unloaded).
     */
    public boolean borrows(ClassLoader loader) {
        return borrowed.values().stream().anyMatch(b -> b.binding().loader() == loader);
    }

    /** The id of the plugin currently serving this connection, if one is. */
    public java.util.Optional<String> pluginId() {
        GatewayBinding b = binding.get();
        return b == null ? java.util.Optional.empty() : java.util.Optional.of(b.pluginId());
    }

    /** The class loader of the plugin currently serving this connection, or the host's. */
    public ClassLoader loader() {
        GatewayBinding b = binding.get();
        return b == null ? getClass().getClassLoader() : b.loader();
    }
}
