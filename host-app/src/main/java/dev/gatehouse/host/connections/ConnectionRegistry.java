package dev.gatehouse.host.connections;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewaySettingsException;
import dev.gatehouse.host.cluster.Ownership;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.events.EventDispatcher;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.network.NetworkProbe;
import dev.gatehouse.host.outbound.OutboundRouter;
import dev.gatehouse.host.plugins.GatewayBindings;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.HandoverResult;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.host.supervisor.SupervisorListener;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's connections: one supervisor and plugin transport per configured (workspace, platform).
 * Adds, removes, enables, disables and restarts them while the others keep running. Mutations are
 * serialised; reads take a copy.
 */
public final class ConnectionRegistry {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    /** One configured connection. */
    public static final class Entry {
        private final ConnectionKey key;
        private final Supervisor supervisor;
        private final PluginTransport transport;
        /** Guarded by the registry. */
        private boolean enabled;
        /** Whether this host holds the connection's lease (always, running alone); written under the registry's lock. */
        private volatile boolean owned;
        /** The lease it was granted under; read before each open. */
        private volatile long fence;

        Entry(ConnectionKey key, Supervisor supervisor, PluginTransport transport, boolean enabled) {
            this.key = key;
            this.supervisor = supervisor;
            this.transport = transport;
            this.enabled = enabled;
        }

        public ConnectionKey key() {
            return key;
        }

        public Supervisor supervisor() {
            return supervisor;
        }

        public PluginTransport transport() {
            return transport;
        }

        /** The lease this host holds the connection under, if it does. */
        public OptionalLong lease() {
            return owned ? OptionalLong.of(fence) : OptionalLong.empty();
        }
    }

    /** What the registry needs from the host. */
    public record Deps(Scheduler scheduler, Executor supervision, Executor blocking, Ticker ticker, Clock clock, DoubleSupplier jitter,
            ProcessExit exit, SupervisorListener listener, EventDispatcher dispatcher, NetworkProbe probe,
            OutboundRouter router, GatewayBindings plugins) {
    }

    /** How long a plugin may take to check one connection's settings. */
    static final Duration VALIDATE_BOUND = Duration.ofSeconds(10);

    private final Deps deps;
    /** Which connections this host may run; set once, before the first add. */
    private volatile Ownership ownership = Ownership.ALONE;
    private final List<Consumer<Entry>> added = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConnectionKey>> removed = new CopyOnWriteArrayList<>();
    private volatile HealthPolicy policy;
    /** Guarded by this; configuration order. Never held while plugin code runs. */
    private final Map<ConnectionKey, Entry> entries = new LinkedHashMap<>();
    /**
     * Removed connections whose open or close is still in flight, guarded by this. A connection added
     * again meanwhile reuses its supervisor, so that the new open still waits for the old close. Each
     * removal is its own object, so that a quiet moment after an older removal never ends a newer one.
     */
    private final Map<ConnectionKey, Retirement> retiring = new LinkedHashMap<>();

    private static final class Retirement {
        final Entry entry;

        Retirement(Entry entry) {
            this.entry = entry;
        }
    }

    public ConnectionRegistry(Deps deps, HealthPolicy policy) {
        this.deps = deps;
        this.policy = policy;
    }

    /**
     * Runs only the connections {@code o} grants this host (cluster mode); call before the first add.
     * Running alone (the default) every configured connection is owned.
     */
    public void ownership(Ownership o) {
        this.ownership = o;
    }

    /** Whether connections need a lease before they run (cluster mode). */
    private boolean leased() {
        return ownership != Ownership.ALONE;
    }

    /** Whether a connection runs now: configured, enabled and owned; guarded by this. */
    private static boolean runs(Entry e) {
        return e.enabled && e.owned;
    }

    /**
     * Adds a configured connection and starts it if enabled. The plugin checks the settings first, off
     * the registry's lock and bounded by {@link #VALIDATE_BOUND}; the send route and the meters are
     * registered with the entry, under the lock, so they belong to this instance of the connection.
     *
     * @return the problem that kept it from being added, if any
     */
    public Optional<String> add(PlatformSettings ps) {
        ConnectionKey key = new ConnectionKey(ps.workspace(), ps.platform());
        if (get(key).isPresent()) {
            return Optional.of(ps.path() + ": already configured");
        }
        Optional<GatewayBinding> binding = deps.plugins().gateway(ps.platform());
        if (binding.isEmpty()) {
            return Optional.of(ps.path() + ": no loaded plugin serves platform '" + ps.platform() + "' (served: "
                    + deps.plugins().platforms() + "); install its plugin jar; the other workspaces run");
        }
        Optional<String> invalid = validate(binding.get(), ps, deps.blocking());
        if (invalid.isPresent()) {
            return invalid;
        }
        synchronized (this) {
            if (entries.containsKey(key)) {
                return Optional.of(ps.path() + ": already configured");
            }
            Retirement retired = retiring.remove(key);
            Entry e = retired == null ? null : retired.entry;
            if (e == null) {
                e = newEntry(key, ps);
            } else {
                e.transport.settings(ps);
                e.enabled = ps.enabled();
            }
            entries.put(key, e);
            Entry entry = e;
            // The loader of the live connection's own plugin version: during a swap the version that
            // serves new attempts and the one a connection runs on differ for a moment.
            deps.router().register(key, e.supervisor::liveConnection, () -> {
                GatewayConnection live = entry.supervisor.liveConnection();
                return live != null ? live.getClass().getClassLoader() : entry.transport.loader();
            });
            for (Consumer<Entry> l : added) {
                l.accept(e);
            }
            if (runs(e)) {
                e.supervisor.start();
            } else if (!ps.enabled()) {
                log.info("{}: disabled in the configuration", key);
            } else {
                log.info("{}: waiting for this host to own it", key);
            }
        }
        return Optional.empty();
    }

    private Entry newEntry(ConnectionKey key, PlatformSettings ps) {
        PluginTransport transport = new PluginTransport(key, ps, () -> deps.plugins().gateway(ps.platform()).orElse(null),
                deps.dispatcher(), deps.probe(), () -> policy.closeTimeout(), deps.blocking());
        Supervisor sup = new Supervisor(key, transport, policy, deps.scheduler(), deps.supervision(), deps.blocking(),
                deps.ticker(), deps.clock(), deps.jitter(), deps.exit(), deps.listener());
        Entry e = new Entry(key, sup, transport, ps.enabled());
        e.owned = !leased();
        // Fencing: an attempt opens only under the lease the connection was granted with.
        transport.openOnlyIf(() -> ownership.holds(key, e.fence) ? null
                : "this host does not hold the lease of " + key + " any more (cluster ownership moved); not opening");
        return e;
    }

    /**
     * This host owns the connection now, under lease {@code fence}: starts it if it is enabled.
     *
     * @return whether it is configured here
     */
    public synchronized boolean grant(ConnectionKey key, long fence) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        boolean was = e.owned;
        e.fence = fence;
        e.owned = true;
        if (!was) {
            log.info("{}: this host owns it now (lease {})", key, fence);
        }
        if (e.enabled) {
            // A no-op when it runs already (start is judged in the mailbox, after any stop posted before it).
            e.supervisor.start();
        }
        return true;
    }

    /**
     * This host gives the connection up: stops it. Completes once its close really returned, not when
     * it ran out its bound: another host may own the connection once this completes, so a hung close
     * keeps it here (and {@code /livez} reports the hung call). Also for a connection removed meanwhile
     * whose close is still in flight.
     */
    public CompletionStage<Void> revoke(ConnectionKey key, String reason) {
        synchronized (this) {
            Entry e = entries.get(key);
            Retirement r = retiring.get(key);
            Supervisor sup;
            if (e != null) {
                e.owned = false;
                sup = e.supervisor;
            } else if (r != null) {
                sup = r.entry.supervisor;
            } else {
                return CompletableFuture.completedFuture(null);
            }
            // Posted under the lock, in the same order as the flag changes (see enable).
            return sup.stop(reason).thenCompose(v -> sup.quiesced());
        }
    }

    /** The keys of every configured connection: what this host asks the cluster to own. */
    public synchronized Set<ConnectionKey> keys() {
        return Set.copyOf(entries.keySet());
    }

    /**
     * Checks settings with the plugin on a plugin-call thread, bounded by {@link #VALIDATE_BOUND}, and
     * registers the values of its secret keys for redaction.
     */
    public static Optional<String> validate(GatewayBinding b, PlatformSettings ps, Executor pluginCalls) {
        CompletableFuture<Optional<String>> check = CompletableFuture.supplyAsync(() -> validateNow(b, ps), pluginCalls);
        try {
            return check.get(VALIDATE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return Optional.of(ps.path() + ": the " + ps.platform() + " plugin did not check these settings within "
                    + VALIDATE_BOUND.toSeconds() + " s; the plugin is hanging, fix or replace it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(ps.path() + ": interrupted while the " + ps.platform() + " plugin checked these settings");
        } catch (ExecutionException e) {
            return Optional.of(ps.path() + ": the " + ps.platform() + " plugin failed to check these settings: " + e.getCause());
        }
    }

    private static Optional<String> validateNow(GatewayBinding b, PlatformSettings ps) {
        try {
            PluginRuntime.withLoader(b.loader(), () -> {
                b.gateway().validate(ps.toGatewaySettings());
                List<String> secretValues = new ArrayList<>();
                for (String k : b.gateway().secretKeys()) {
                    Object v = ps.values().get(k);
                    if (v != null) {
                        secretValues.add(v.toString());
                    }
                }
                Secrets.register(secretValues);
                return null;
            });
            return Optional.empty();
        } catch (GatewaySettingsException e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(ps.path() + ": the " + ps.platform() + " plugin failed to check these settings: " + e);
        }
    }

    /**
     * Forgets a connection at once (its send route and meters with it, so that a connection added again
     * under the same key gets its own) and stops it; completes once its close returned or timed out.
     */
    public CompletionStage<Void> remove(ConnectionKey key) {
        synchronized (this) {
            Entry e = entries.remove(key);
            if (e == null) {
                return CompletableFuture.completedFuture(null);
            }
            e.enabled = false;
            // Added again, it waits for a new lease (the cluster releases this one once the close returned).
            e.owned = !leased();
            deps.router().unregister(key);
            removed.forEach(l -> l.accept(key));
            Retirement retirement = new Retirement(e);
            retiring.put(key, retirement);
            // Posted under the lock, so that a start of a re-added connection is queued after this stop.
            CompletionStage<Void> stopped = e.supervisor.stop("removed from the configuration");
            e.supervisor.quiesced().thenRun(() -> {
                synchronized (this) {
                    retiring.remove(key, retirement);
                }
            });
            return stopped;
        }
    }

    /** Starts a configured connection that was disabled. */
    public synchronized boolean enable(ConnectionKey key) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        e.enabled = true;
        // Unconditionally: start is a no-op unless stopped, judged in the mailbox after any stop queued before it.
        if (e.owned) {
            e.supervisor.start();
        } else {
            log.info("{}: enabled; another host owns it", key);
        }
        return true;
    }

    /** Stops a connection but keeps it configured. */
    public synchronized CompletionStage<Boolean> disable(ConnectionKey key, String cause) {
        Entry e = entries.get(key);
        if (e == null) {
            return CompletableFuture.completedFuture(false);
        }
        e.enabled = false;
        // Posted under the lock, in the same order as the flag changes (see enable).
        return e.supervisor.stop(cause).thenApply(v -> true);
    }

    /**
     * Applies new settings after the plugin accepted them. A connected connection that stays enabled is
     * handed over to a new one opened with them (make before break; if the new one does not connect,
     * the old one keeps serving and the next reconnect uses the new settings); otherwise the connection
     * closes and, if enabled, reopens with them.
     *
     * @return the plugin's objection, in which case nothing changed
     */
    public Optional<String> replaceSettings(PlatformSettings ps) {
        ConnectionKey key = new ConnectionKey(ps.workspace(), ps.platform());
        Optional<GatewayBinding> binding = deps.plugins().gateway(ps.platform());
        if (binding.isPresent()) {
            Optional<String> invalid = validate(binding.get(), ps, deps.blocking());
            if (invalid.isPresent()) {
                return invalid;
            }
        }
        synchronized (this) {
            Entry e = entries.get(key);
            if (e == null) {
                return Optional.empty();
            }
            boolean wasRunning = runs(e);
            e.enabled = ps.enabled();
            e.transport.settings(ps);
            if (wasRunning && runs(e)) {
                e.supervisor.handover(e.transport, "settings changed").thenAccept(r -> {
                    if (r.outcome() == HandoverResult.Outcome.FAILED) {
                        log.warn("{}: the connection with the new settings did not connect ({}); the previous one"
                                + " keeps serving, and the next reconnect uses the new settings", key, r.detail());
                    } else if (!r.handedOver()) {
                        restart(key, e);
                    }
                });
            } else {
                restart(key, e);
            }
        }
        return Optional.empty();
    }

    /** Closes a connection and, if it is (still) enabled, opens it again. */
    private void restart(ConnectionKey key, Entry e) {
        e.supervisor.stop("settings changed").thenRun(() -> {
            synchronized (this) {
                if (runs(e) && entries.get(key) == e) {
                    e.supervisor.start();
                }
            }
        });
    }

    /** Stops the connections of the given keys (a plugin swap); returns when all closed. */
    public synchronized CompletionStage<Void> suspend(List<ConnectionKey> keys, String cause) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ConnectionKey k : keys) {
            get(k).ifPresent(e -> stops.add(e.supervisor.stop(cause).toCompletableFuture()));
        }
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    }

    /**
     * Starts again the enabled connections among the given keys after a plugin swap; see
     * {@link Supervisor#startAfterSwap(boolean)}.
     */
    public synchronized void resumeAfterSwap(List<ConnectionKey> keys, boolean reportFreshSession) {
        for (ConnectionKey k : keys) {
            Entry e = entries.get(k);
            if (e != null && runs(e)) {
                e.supervisor.startAfterSwap(reportFreshSession);
            }
        }
    }

    /** Called with each connection as it is added (under the registry's lock: host code only, quick). */
    public void onAdded(Consumer<Entry> listener) {
        added.add(listener);
    }

    /** Called with each connection's key as it is removed, before its close (same rules as {@link #onAdded}). */
    public void onRemoved(Consumer<ConnectionKey> listener) {
        removed.add(listener);
    }

    public void setPolicy(HealthPolicy p) {
        this.policy = p;
        all().forEach(e -> e.supervisor.setPolicy(p));
    }

    public HealthPolicy policy() {
        return policy;
    }

    public synchronized Optional<Entry> get(ConnectionKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    public synchronized List<Entry> all() {
        return List.copyOf(entries.values());
    }

    /** The configured connections of one platform. */
    public synchronized List<ConnectionKey> keysOf(String platform) {
        return entries.keySet().stream().filter(k -> k.platform().equals(platform)).toList();
    }

    public synchronized boolean isEnabled(ConnectionKey key) {
        Entry e = entries.get(key);
        return e != null && e.enabled;
    }

    /** Whether the connection is enabled and this host owns it: whether it should be connected here. */
    public synchronized boolean shouldRun(ConnectionKey key) {
        Entry e = entries.get(key);
        return e != null && runs(e);
    }

    /** Stops everything; completes when every close returned or timed out. */
    public CompletionStage<Void> stopAll(String cause) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        all().forEach(e -> stops.add(e.supervisor.stop(cause).toCompletableFuture()));
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    }
}
