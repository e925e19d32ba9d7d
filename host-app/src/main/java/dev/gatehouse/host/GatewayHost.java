package dev.gatehouse.host;

import dev.gatehouse.api.GatewaySettingsException;
import dev.gatehouse.host.config.ConfigException;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.connections.PluginTransport;
import dev.gatehouse.host.events.EventDispatcher;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.host.exit.SystemProcessExit;
import dev.gatehouse.host.heartbeat.HeartbeatWriter;
import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.network.HttpNetworkProbe;
import dev.gatehouse.host.network.NetworkProbe;
import dev.gatehouse.host.outbound.OutboundRouter;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.HostStatus;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.host.supervisor.Supervisor.ReconnectResult;
import dev.gatehouse.host.supervisor.SupervisorListener;
import dev.gatehouse.host.time.ExecutorScheduler;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding API: a Gatehouse host built from a configuration. It loads the gateway plugins,
 * supervises one connection per enabled (workspace, platform), hands inbound events to the registered
 * handlers exactly once, sends outbound messages, writes the watchdog heartbeat and reports status.
 *
 * <pre>{@code
 * try (GatewayHost host = GatewayHost.builder().configFile(Path.of("gatehouse.yaml"))
 *         .onEvent((ws, platform, event) -> ...).build()) {
 *     host.start();
 *     host.send("acme", "slack", new Outbound.Post("C123", "hello")).join();
 * }
 * }</pre>
 */
public final class GatewayHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayHost.class);

    private final GatehouseConfig config;
    private final ProcessExit exit;
    private final Ticker ticker;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final NetworkProbe probeOverride;
    private final List<Consumer<OutageEvent>> outageListeners = new CopyOnWriteArrayList<>();
    private final List<SupervisorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<InboundHandler> initialHandlers;

    private ScheduledThreadPoolExecutor supervisorThread;
    private ExecutorService blocking;
    private ExecutorService handlers;
    private ExecutorService outboundPool;
    private Scheduler scheduler;
    private EventDispatcher dispatcher;
    private OutboundRouter router;
    private PluginRuntime plugins;
    private HeartbeatWriter heartbeat;
    private NetworkProbe probe;
    /** By key, in configuration order. Written during start, read afterwards. */
    private final Map<ConnectionKey, Supervisor> supervisors = new LinkedHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    private volatile boolean closed;

    private GatewayHost(Builder b) {
        this.config = b.config;
        this.exit = b.exit;
        this.ticker = b.ticker;
        this.clock = b.clock;
        this.jitter = b.jitter;
        this.probeOverride = b.probe;
        this.initialHandlers = List.copyOf(b.handlers);
        this.outageListeners.addAll(b.outageListeners);
        this.listeners.addAll(b.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads plugins and opens every enabled connection. Returns without waiting for them to connect. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        Secrets.register(config.secrets());
        supervisorThread = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("gatehouse-supervisor"));
        supervisorThread.setRemoveOnCancelPolicy(true);
        scheduler = new ExecutorScheduler(supervisorThread);
        blocking = java.util.concurrent.Executors.newCachedThreadPool(DaemonThreads.factory("gatehouse-blocking"));
        handlers = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), DaemonThreads.factory("gatehouse-handler"));
        outboundPool = java.util.concurrent.Executors.newCachedThreadPool(DaemonThreads.factory("gatehouse-outbound"));
        probe = probeOverride != null ? probeOverride
                : new HttpNetworkProbe(blocking, config.health().probeTimeout(), ticker, Duration.ofSeconds(2));
        dispatcher = new EventDispatcher(handlers, ticker, Duration.ofMinutes(10), 200_000);
        initialHandlers.forEach(dispatcher::addHandler);
        router = new OutboundRouter(outboundPool, scheduler, 1000, Duration.ofSeconds(60));
        plugins = new PluginRuntime(config.pluginsDir(), Version.API, config.health().closeTimeout());
        if (Files.isDirectory(config.pluginsDir())) {
            plugins.loadAll();
        } else {
            problem("plugins.dir: folder " + config.pluginsDir() + " does not exist; create it and put the gateway plugin jars in it");
        }
        SupervisorListener fanOut = new FanOut();
        for (PlatformSettings ps : config.allPlatforms()) {
            ConnectionKey key = new ConnectionKey(ps.workspace(), ps.platform());
            Optional<GatewayBinding> binding = plugins.gateway(ps.platform());
            if (binding.isEmpty()) {
                problem(ps.path() + ": no loaded plugin serves platform '" + ps.platform() + "' (loaded: "
                        + plugins.statuses().stream().flatMap(p -> p.platforms().stream()).toList()
                        + "); install its plugin jar in " + config.pluginsDir() + "; the other workspaces run");
                continue;
            }
            if (!validate(binding.get(), ps)) {
                continue;
            }
            PluginTransport transport = new PluginTransport(key, ps, () -> plugins.gateway(ps.platform()).orElse(null),
                    dispatcher, probe, () -> config.health().closeTimeout());
            Supervisor sup = new Supervisor(key, transport, config.health(), scheduler, blocking, ticker, clock, jitter,
                    exit, fanOut);
            supervisors.put(key, sup);
            router.register(key, sup::liveConnection, transport::loader);
            if (ps.enabled()) {
                sup.start();
            } else {
                log.info("{}: disabled in the configuration", key);
            }
        }
        heartbeat = new HeartbeatWriter(config.heartbeatFile().orElse(null), config.heartbeatInterval(), scheduler, ticker,
                clock, this::heartbeatWithholdReasons);
        heartbeat.start();
        log.info("gatehouse host {} started: {} connection(s), plugins {}", Version.HOST, supervisors.size(),
                plugins.statuses().stream().map(p -> p.id() + "=" + p.state()).toList());
    }

    private boolean validate(GatewayBinding b, PlatformSettings ps) {
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
            return true;
        } catch (GatewaySettingsException e) {
            problem(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            problem(ps.path() + ": the " + ps.platform() + " plugin failed to check these settings: " + e);
        }
        return false;
    }

    private void problem(String p) {
        log.error("configuration problem: {}", p);
        problems.add(p);
    }

    private List<String> heartbeatWithholdReasons() {
        List<String> reasons = new ArrayList<>();
        for (Supervisor s : supervisors.values()) {
            String r = s.heartbeatWithheldBecause();
            if (r != null) {
                reasons.add(s.key() + ": " + r);
            }
        }
        return reasons;
    }

    /** Registers a handler for inbound events (may be called before or after start). */
    public void addHandler(InboundHandler handler) {
        if (dispatcher != null) {
            dispatcher.addHandler(handler);
        }
    }

    /** Registers a listener for outage reports. */
    public void onOutage(Consumer<OutageEvent> listener) {
        outageListeners.add(listener);
    }

    /** Sends an outbound operation; completes with the platform's message id. */
    public CompletableFuture<String> send(String workspace, String platform, Outbound op) {
        requireStarted();
        return router.send(new ConnectionKey(workspace, platform), op);
    }

    /** Asks for a reconnect; single-flight with the host's own reconnects. */
    public CompletionStage<ReconnectResult> reconnect(String workspace, String platform) {
        requireStarted();
        Supervisor s = supervisors.get(new ConnectionKey(workspace, platform));
        return s == null ? CompletableFuture.completedFuture(ReconnectResult.NOT_RUNNING) : s.reconnect();
    }

    /** A consistent-enough snapshot of everything; never blocks on a supervisor. */
    public HostStatus status() {
        List<ConnectionStatus> conns = new ArrayList<>();
        supervisors.values().forEach(s -> conns.add(s.status()));
        List<PluginStatus> ps = plugins == null ? List.of() : plugins.statuses();
        return new HostStatus(conns, ps, heartbeat == null ? null : heartbeat.status(), List.copyOf(problems));
    }

    /** The supervisor loop makes progress and nothing withholds the heartbeat (what {@code /livez} reports). */
    public boolean isLive() {
        return heartbeat != null && heartbeat.isLive();
    }

    /** Every enabled connection is connected (what {@code /readyz} reports). */
    public boolean isReady() {
        return started && supervisors.values().stream().map(Supervisor::status)
                .allMatch(s -> s.state() == ConnectionState.CONNECTED || s.state() == ConnectionState.STOPPED);
    }

    public GatehouseConfig config() {
        return config;
    }

    private void requireStarted() {
        if (!started || closed) {
            throw new IllegalStateException("the host is not running; call start() first");
        }
    }

    /** Closes every connection within the configured close timeout, then releases plugins and threads. */
    @Override
    public synchronized void close() {
        if (!started || closed) {
            closed = true;
            return;
        }
        closed = true;
        heartbeat.stop();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        supervisors.values().forEach(s -> stops.add(s.stop("host shutting down").toCompletableFuture()));
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(config.health().closeTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("not every connection closed within {} s; exiting anyway", config.health().closeTimeout().toSeconds());
        }
        dispatcher.close();
        router.close();
        plugins.close();
        supervisorThread.shutdownNow();
        blocking.shutdownNow();
        handlers.shutdown();
        outboundPool.shutdownNow();
        log.info("gatehouse host stopped");
    }

    /** Forwards supervisor events to the host's parts and to the embedding application's listeners. */
    private final class FanOut implements SupervisorListener {
        @Override
        public void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to, String cause) {
            if (to == ConnectionState.CONNECTED) {
                router.flush(key);
            }
            listeners.forEach(l -> l.onTransition(key, epoch, from, to, cause));
        }

        @Override
        public void onReconnect(ConnectionKey key, dev.gatehouse.host.status.ReconnectKind kind) {
            listeners.forEach(l -> l.onReconnect(key, kind));
        }

        @Override
        public void onOutage(OutageEvent outage) {
            listeners.forEach(l -> l.onOutage(outage));
            for (Consumer<OutageEvent> l : outageListeners) {
                try {
                    l.accept(outage);
                } catch (RuntimeException e) {
                    log.error("outage listener failed: {}", e.toString(), e);
                }
            }
        }

        @Override
        public void onStale(ConnectionKey key, boolean networkUp) {
            listeners.forEach(l -> l.onStale(key, networkUp));
        }

        @Override
        public void onDowntime(ConnectionKey key, Duration down) {
            listeners.forEach(l -> l.onDowntime(key, down));
        }

        @Override
        public void onGiveUp(ConnectionKey key, String reason) {
            listeners.forEach(l -> l.onGiveUp(key, reason));
        }
    }

    /** Builds a {@link GatewayHost}. */
    public static final class Builder {
        private GatehouseConfig config;
        private ProcessExit exit = new SystemProcessExit();
        private Ticker ticker = Ticker.system();
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private NetworkProbe probe;
        private final List<InboundHandler> handlers = new ArrayList<>();
        private final List<Consumer<OutageEvent>> outageListeners = new ArrayList<>();
        private final List<SupervisorListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Uses a configuration object. */
        public Builder config(GatehouseConfig c) {
            this.config = c;
            return this;
        }

        /** Reads the configuration from a YAML file. */
        public Builder configFile(Path file) throws ConfigException {
            this.config = new ConfigLoader().load(file);
            return this;
        }

        public Builder onEvent(InboundHandler h) {
            handlers.add(h);
            return this;
        }

        public Builder onOutage(Consumer<OutageEvent> l) {
            outageListeners.add(l);
            return this;
        }

        /** Observes every supervisor (metrics, tests). */
        public Builder listener(SupervisorListener l) {
            listeners.add(l);
            return this;
        }

        /** Replaces how the process ends after the reconnect budget is spent (tests). */
        public Builder processExit(ProcessExit e) {
            this.exit = e;
            return this;
        }

        /** Replaces the network probe (tests, or hosts with their own reachability signal). */
        public Builder networkProbe(NetworkProbe p) {
            this.probe = p;
            return this;
        }

        /** Replaces the backoff jitter source (values in [0, 1]). */
        public Builder jitter(DoubleSupplier j) {
            this.jitter = j;
            return this;
        }

        public GatewayHost build() {
            if (config == null) {
                throw new IllegalStateException("a configuration is required: call config(...) or configFile(...)");
            }
            return new GatewayHost(this);
        }
    }
}
