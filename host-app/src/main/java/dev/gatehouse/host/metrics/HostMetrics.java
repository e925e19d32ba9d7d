package dev.gatehouse.host.metrics;

import dev.gatehouse.host.status.ClusterStatus;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.host.supervisor.SupervisorListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The host's Prometheus metrics (through Micrometer): per connection, per plugin, and the JVM's.
 * Connection meters are registered when a connection is added and removed with it. An embedding
 * application may pass its own registry: the {@code gatehouse.*} meters are registered there too (the
 * JVM's are left to the application, which has its own) and removed from it on close.
 */
public final class HostMetrics implements SupervisorListener, AutoCloseable {

    /** Which way an event went, the {@code direction} label. */
    public enum Direction { INBOUND, OUTBOUND }

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Where the host's own meters go: the Prometheus registry, plus the application's if it gave one. */
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final MeterRegistry application;
    private final Map<ConnectionKey, List<Meter>> perConnection = new ConcurrentHashMap<>();
    /**
     * Each registered connection's event counters, by {@link Direction#ordinal()}: an event is a lookup and an
     * increment, not a meter registration (which built and looked up a meter id per event, and re-registered
     * the meters of a connection already removed).
     */
    private final Map<ConnectionKey, Counter[]> eventCounters = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * @param application the embedding application's registry, or {@code null}
     */
    public HostMetrics(MeterRegistry application, BooleanSupplier heartbeatWithheld, BooleanSupplier restartRecommended,
            IntSupplier unloadedLoadersPending) {
        this.application = application;
        registry.add(prometheus);
        if (application != null) {
            registry.add(application);
        }
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ClassLoaderMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        gc.bindTo(prometheus);
        Gauge.builder("gatehouse.heartbeat.withheld", () -> heartbeatWithheld.getAsBoolean() ? 1 : 0)
                .description("1 while the heartbeat file is withheld").register(registry);
        Gauge.builder("gatehouse.restart.recommended", () -> restartRecommended.getAsBoolean() ? 1 : 0)
                .description("1 when an unloaded plugin's class loader stayed reachable: restart to reclaim it")
                .register(registry);
        Gauge.builder("gatehouse.plugin.loaders.pending", unloadedLoadersPending::getAsInt)
                .description("unloaded plugin class loaders not yet garbage-collected (the leak check still watches them)")
                .register(registry);
    }

    /**
     * Cluster mode's meters: {@code gatehouse_cluster_members} (live hosts this host sees) and
     * {@code gatehouse_owned_connections} (connections this host holds the lease of).
     */
    public void bindCluster(java.util.function.Supplier<ClusterStatus> status, java.util.function.IntSupplier owned) {
        Gauge.builder("gatehouse.cluster.members", () -> {
            ClusterStatus s = status.get();
            return s == null ? 0 : s.members().size();
        }).description("live hosts of the cluster, as this host sees them").register(registry);
        Gauge.builder("gatehouse.owned.connections", owned::getAsInt)
                .description("connections this host holds the lease of").register(registry);
    }

    /** A connection's ownership changed here: {@code gatehouse_ownership_changes_total{reason}}. */
    public void ownershipChanged(String reason) {
        Counter.builder("gatehouse.ownership.changes").tag("reason", reason)
                .description("connections taken (granted) or given up (moved, unconfigured, fenced, leaving) by this host")
                .register(registry).increment();
    }

    /** Registers a connection's meters. */
    public void register(Supervisor sup) {
        ConnectionKey key = sup.key();
        Tags tags = Tags.of("workspace", key.workspace(), "platform", key.platform());
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("gatehouse.connection.up", sup, s -> s.status().state() == ConnectionState.CONNECTED ? 1 : 0)
                .tags(tags).description("1 while the connection is connected").register(registry));
        meters.add(Gauge.builder("gatehouse.open.sockets", sup, s -> s.status().sockets()).tags(tags)
                .description("sockets the plugin reports open for this connection").register(registry));
        meters.add(FunctionCounter.builder("gatehouse.stale.signals", sup, s -> s.status().supersededSignals()).tags(tags)
                .description("signals from superseded connection attempts, ignored by the generation guard").register(registry));
        meters.add(FunctionCounter.builder("gatehouse.stale.detections", sup, s -> s.status().staleDetections()).tags(tags)
                .description("times the connection was found down past staleAfter").register(registry));
        for (ReconnectKind k : ReconnectKind.values()) {
            meters.add(reconnects(key, k));
        }
        meters.add(downSeconds(key));
        meters.add(outages(key));
        Counter[] events = new Counter[Direction.values().length];
        for (Direction d : Direction.values()) {
            events[d.ordinal()] = events(key, d);
            meters.add(events[d.ordinal()]);
        }
        perConnection.put(key, meters);
        eventCounters.put(key, events);
    }

    /** Removes a connection's meters. */
    public void unregister(ConnectionKey key) {
        eventCounters.remove(key);
        List<Meter> meters = perConnection.remove(key);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    private Counter reconnects(ConnectionKey key, ReconnectKind kind) {
        return Counter.builder("gatehouse.reconnects").tags("workspace", key.workspace(), "platform", key.platform(),
                "kind", kind.label()).description("reconnects by kind").register(registry);
    }

    private Counter downSeconds(ConnectionKey key) {
        return Counter.builder("gatehouse.connection.down").baseUnit("seconds")
                .tags("workspace", key.workspace(), "platform", key.platform())
                .description("time spent disconnected, added when a disconnection ends").register(registry);
    }

    private Counter outages(ConnectionKey key) {
        return Counter.builder("gatehouse.outages").tags("workspace", key.workspace(), "platform", key.platform())
                .description("reconnects on a fresh session after more than outageReportAfter down").register(registry);
    }

    private Counter events(ConnectionKey key, Direction d) {
        return Counter.builder("gatehouse.events").tags("workspace", key.workspace(), "platform", key.platform(),
                "direction", d.name().toLowerCase(java.util.Locale.ROOT)).description("events handled and messages sent")
                .register(registry);
    }

    @Override
    public void onReconnect(ConnectionKey key, ReconnectKind kind) {
        reconnects(key, kind).increment();
    }

    @Override
    public void onDowntime(ConnectionKey key, Duration down) {
        downSeconds(key).increment(down.toNanos() / 1e9);
    }

    @Override
    public void onOutage(OutageEvent outage) {
        outages(new ConnectionKey(outage.workspace(), outage.platform())).increment();
    }

    /** Registers the meters a part of the host keeps itself (the event dispatcher, the outbound router). */
    public void bind(MeterBinder part) {
        part.bindTo(registry);
    }

    /** Counts one event handled or one message sent; nothing once the connection was removed. */
    public void event(ConnectionKey key, Direction d) {
        Counter[] counters = eventCounters.get(key);
        if (counters != null) {
            counters[d.ordinal()].increment();
        }
    }

    /** Counts one plugin reload with its result ({@code success}, {@code rolled_back}, {@code rejected}, …). */
    public void pluginReload(String plugin, String result) {
        Counter.builder("gatehouse.plugin.reloads").tags("plugin", plugin, "result", result)
                .description("plugin hot reloads by result").register(registry).increment();
    }

    /** Tracks whether a plugin's unload left its class loader reachable. */
    public void pluginLeak(String plugin, BooleanSupplier suspected) {
        Gauge.builder("gatehouse.plugin.leak.suspected", () -> suspected.getAsBoolean() ? 1 : 0).tags("plugin", plugin)
                .description("1 when the plugin's previous class loader was not collected after unload").register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return prometheus.scrape();
    }

    /** Removes the host's meters (from the application's registry too) and closes its own registry. */
    @Override
    public void close() {
        gc.close();
        for (Meter m : List.copyOf(registry.getMeters())) {
            registry.remove(m);
        }
        if (application != null) {
            registry.remove(application); // closing a composite closes its members: never the application's
        }
        registry.close();
    }
}
