package dev.gatehouse.host;

import dev.gatehouse.host.admin.AdminServer;
import dev.gatehouse.host.admin.HostControl;
import dev.gatehouse.host.backfill.Backfill;
import dev.gatehouse.host.status.ClusterStatus;
import dev.gatehouse.host.cluster.Ownership;
import dev.gatehouse.host.cluster.OwnershipProvider;
import dev.gatehouse.host.config.BackfillPolicy;
import dev.gatehouse.host.config.ConfigException;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.events.EventDispatcher;
import dev.gatehouse.host.events.InboundHandler;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.host.heartbeat.HeartbeatWriter;
import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.metrics.HostMetrics;
import dev.gatehouse.host.network.HttpNetworkProbe;
import dev.gatehouse.host.network.NetworkProbe;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.outbound.OutboundRouter;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ConfigApplier;
import dev.gatehouse.host.reload.PluginReloader;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.HostStatus;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.ReconnectResult;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.host.supervisor.SupervisorListener;
import dev.gatehouse.host.time.ExecutorScheduler;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * handlers exactly once, sends outbound messages, writes the watchdog heartbeat, reports status and
 * metrics, and applies configuration and plugin changes while running.
 *
 * <p>Embedded, it never ends the JVM (a connection that spends its reconnect budget stops and says so;
 * see {@link Builder#processExit}), starts no admin API unless asked ({@link Builder#adminApi}) and may
 * share the application's meter registry ({@link Builder#meterRegistry}).
 *
 * <pre>{@code
 * try (GatewayHost host = GatewayHost.builder().configFile(Path.of("gatehouse.yaml"))
 *         .onEvent((ws, platform, event) -> ...).build()) {
 *     host.start();
 *     host.send("acme", "slack", new Outbound.Post("C123", "hello")).join();
 * }
 * }</pre>
 */
public final class GatewayHost implements AutoCloseable, HostControl {

    private static final Logger log = LoggerFactory.getLogger(GatewayHost.class);

    /** How long a handled event's id is remembered: a redelivery within it is handled once, not twice. */
    public static final Duration DEDUPE_WINDOW = Duration.ofMinutes(10);
    /**
     * Event ids remembered at most (running, and handled within {@link #DEDUPE_WINDOW}); beyond it the host
     * refuses events, so that the platform redelivers them later, rather than forget ids it may see again.
     */
    public static final int DEDUPE_CAPACITY = 200_000;

    private volatile GatehouseConfig config;
    private final ProcessExit exit;
    private final Ticker ticker;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final NetworkProbe probeOverride;
    private final List<Consumer<OutageEvent>> outageListeners = new CopyOnWriteArrayList<>();
    private final List<SupervisorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<InboundHandler> initialHandlers;
    private final boolean watchFiles;
    /** The embedding application's backfill settings, over the configuration's; either may be null. */
    private final BackfillPolicy backfillPolicy;
    private final Path stateDir;
    /** The embedding application's cluster implementation, over the class path's; may be null. */
    private final OwnershipProvider ownershipProvider;
    /** The last outage report published per connection (with what its backfill recovered), for status. */
    private final java.util.Map<ConnectionKey, OutageEvent> reported = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Everything a started host runs, built once by {@link #start()} and closed once by {@link #close()};
     * {@code null} before start (and after a start that failed while building it).
     */
    private volatile Running running;
    /** Handlers added before start, registered with the dispatcher when it exists. */
    private final List<InboundHandler> handlersBeforeStart = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    /** Problems of the last configuration reload; replaced by each reload. */
    private volatile List<String> reloadProblems = List.of();
    private final boolean adminApi;
    private final io.micrometer.core.instrument.MeterRegistry meterRegistry;
    private volatile boolean started;
    private volatile boolean closed;
    /** When the previous run last wrote the heartbeat, if that was longer ago than the outage threshold. */
    private volatile Optional<java.time.Instant> previousRunLastAlive = Optional.empty();
    /** Connections that connected at least once in this run. */
    private final java.util.Set<ConnectionKey> connectedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private GatewayHost(Builder b) {
        this.config = b.config;
        this.exit = b.exit;
        this.ticker = b.ticker;
        this.clock = b.clock;
        this.jitter = b.jitter;
        this.probeOverride = b.probe;
        this.watchFiles = b.watchFiles;
        this.backfillPolicy = b.backfill;
        this.stateDir = b.stateDir;
        this.ownershipProvider = b.ownershipProvider;
        this.adminApi = b.adminApi;
        this.meterRegistry = b.meterRegistry;
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
        GatehouseConfig c = config;
        Secrets.register(c.secrets());
        if (!Secrets.logMasking()) {
            log.warn("log lines are not masked: the host keeps secrets out of its own status and errors, but what "
                    + "plugins and chat libraries log goes to the log as is; include host-logback's "
                    + "dev/gatehouse/host/logback/conversion-rules.xml in logback.xml, or mask with Secrets.redact in "
                    + "your layout and call Secrets.declareLogMasking() (README, Embedding)");
        }
        previousRunLastAlive = c.heartbeatFile().flatMap(GatewayHost::readHeartbeat)
                .filter(at -> Duration.between(at, clock.instant()).compareTo(c.health().outageReportAfter()) > 0);
        running = assemble(c);
        try {
            activate(c);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        log.info("gatehouse host {} started: {} connection(s), plugins {}", Version.HOST, p().connections().all().size(),
                p().plugins().statuses().stream().map(ps -> ps.id() + "=" + ps.state()).toList());
    }

    /** Builds every part (nothing connects yet); a part that fails to build releases those built before it. */
    private Running assemble(GatehouseConfig c) {
        List<Runnable> undo = new ArrayList<>();
        try {
            ScheduledThreadPoolExecutor supervisorThread = new ScheduledThreadPoolExecutor(1,
                    DaemonThreads.factory("gatehouse-supervisor"));
            supervisorThread.setRemoveOnCancelPolicy(true);
            undo.add(supervisorThread::shutdownNow);
            Scheduler scheduler = new ExecutorScheduler(supervisorThread);
            // Plugin calls (open, close, probes; sends) run on threads that end with them or soon after,
            // so that nothing a plugin leaves in their thread-locals outlives its unload (DaemonThreads).
            ExecutorService blocking = DaemonThreads.shortLivedPool("gatehouse-blocking", Duration.ZERO);
            undo.add(blocking::shutdownNow);
            // Supervisors' mailboxes: host code only (state changes, listeners); never a plugin call.
            ExecutorService supervision = Executors.newFixedThreadPool(2, DaemonThreads.factory("gatehouse-supervision"));
            undo.add(supervision::shutdownNow);
            // A thread per running channel: a bounded pool let a few blocked handlers stall every workspace.
            // The dispatcher's lanes bound how many run at once (SerialLanes).
            ExecutorService handlers = DaemonThreads.shortLivedPool("gatehouse-handler", Duration.ofSeconds(30));
            undo.add(handlers::shutdown);
            ExecutorService outboundPool = DaemonThreads.shortLivedPool("gatehouse-outbound", Duration.ofSeconds(2));
            undo.add(outboundPool::shutdownNow);
            NetworkProbe probe = probeOverride != null ? probeOverride
                    : new HttpNetworkProbe(blocking, c.health().probeTimeout(), ticker, Duration.ofSeconds(2));
            PluginRuntime plugins = new PluginRuntime(c.pluginsDir(), Version.API, c.health().openTimeout(),
                    c.health().closeTimeout());
            undo.add(plugins::close);
            HostMetrics metrics = new HostMetrics(meterRegistry, () -> running != null && p().heartbeat().status().withheld(),
                    () -> running != null && p().reloader().restartRecommended(),
                    () -> running == null ? 0 : p().reloader().unloadedLoadersPending());
            undo.add(metrics::close);
            EventDispatcher dispatcher = new EventDispatcher(handlers, ticker, DEDUPE_WINDOW, DEDUPE_CAPACITY,
                    (ws, platform) -> metrics.event(new ConnectionKey(ws, platform), HostMetrics.Direction.INBOUND));
            undo.add(dispatcher::close);
            Backfill backfill = backfill(c, scheduler, blocking, dispatcher, plugins);
            undo.add(backfill::close);
            dispatcher.afterHandlers(backfill::handled);
            dispatcher.onRefused((ws, platform, e) -> backfill.refused(new ConnectionKey(ws, platform), e));
            initialHandlers.forEach(dispatcher::addHandler);
            handlersBeforeStart.forEach(dispatcher::addHandler);
            OutboundRouter router = new OutboundRouter(outboundPool, scheduler, 1000, Duration.ofSeconds(60),
                    key -> metrics.event(key, HostMetrics.Direction.OUTBOUND));
            undo.add(router::close);
            metrics.bind(dispatcher);
            metrics.bind(router);
            listeners.add(0, metrics);
            ConnectionRegistry connections = new ConnectionRegistry(new ConnectionRegistry.Deps(scheduler, supervision,
                    blocking, ticker, clock, jitter, exit, new FanOut(), dispatcher, probe, router, plugins), c.health());
            connections.onAdded(e -> metrics.register(e.supervisor()));
            connections.onRemoved(metrics::unregister);
            PluginReloader reloader = new PluginReloader(c.pluginsDir(), plugins, connections, metrics,
                    c.health().closeTimeout().plus(c.health().openTimeout()), c.leakCheckTimeout(), c.pluginQuietPeriod(),
                    this::platformsAdded, ticker, scheduler);
            undo.add(reloader::close);
            ConfigApplier configApplier = new ConfigApplier(this::applyConfig);
            HeartbeatWriter heartbeat = new HeartbeatWriter(c.heartbeatFile().orElse(null), c.heartbeatInterval(), scheduler,
                    ticker, clock, this::heartbeatWithholdReasons, supervision);
            Ownership ownership = ownership(c);
            undo.add(ownership::close);
            connections.ownership(ownership);
            ownership.ledgerStore().ifPresent(backfill::share);
            return new Running(supervisorThread, supervision, blocking, handlers, outboundPool, scheduler, metrics, dispatcher,
                    router, plugins, connections, reloader, configApplier, heartbeat, backfill, ownership, null);
        } catch (RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).run();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Running alone, this host owns every connection; in cluster mode, those the cluster grants it (the
     * builder's provider, else the one on the class path).
     */
    private Ownership ownership(GatehouseConfig c) {
        if (c.cluster().isEmpty()) {
            return Ownership.ALONE;
        }
        OwnershipProvider provider = ownershipProvider;
        if (provider == null) {
            provider = java.util.ServiceLoader.load(OwnershipProvider.class, GatewayHost.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("cluster: the configuration asks for cluster mode but no"
                            + " cluster implementation is on the class path; run the gatehouse distribution, or add the"
                            + " dev.gatehouse:host-cluster dependency when embedding (or remove the cluster section to run alone)"));
        }
        return provider.create(c.cluster().get(), () -> config.health().closeTimeout());
    }

    /** Tells the cluster which connections this host is configured to run. */
    private void wantedChanged() {
        Running r = running;
        if (r != null) {
            r.ownership().wanted(r.connections().keys());
        }
    }

    /** The backfill of gaps: the configuration's policy, with the builder's settings over it. */
    private Backfill backfill(GatehouseConfig c, Scheduler scheduler, ExecutorService blocking, EventDispatcher dispatcher,
            PluginRuntime plugins) {
        BackfillPolicy policy = backfillPolicy != null ? backfillPolicy : c.backfill();
        policy = stateDir != null ? policy.withStateDir(stateDir) : policy;
        Backfill.Dispatch dispatch = new Backfill.Dispatch() {
            @Override
            public boolean alreadyTaken(ConnectionKey key, String eventId) {
                return dispatcher.alreadyTaken(key.workspace(), key.platform(), eventId);
            }

            @Override
            public CompletionStage<Void> deliver(ConnectionKey key, dev.gatehouse.api.MessageEvent event) {
                return dispatcher.deliver(key.workspace(), key.platform(), event);
            }
        };
        return new Backfill(policy, scheduler, clock, blocking, dispatch, key -> Optional.ofNullable(running)
                .flatMap(r -> r.connections().get(key)).flatMap(e -> {
                    var conn = e.supervisor().liveConnection();
                    if (conn == null) {
                        return Optional.empty();
                    }
                    boolean redelivers = e.transport().pluginId().map(plugins::redeliversUnacknowledgedEvents).orElse(true);
                    // The connection's own class loader, not the transport's current binding: during a swap the
                    // live connection may still be the other version's.
                    return Optional.of(new Backfill.Source(conn, conn.getClass().getClassLoader(), redelivers));
                }),
                this::publishOutage);
    }

    /** Hands an outage report (after its backfill) to the listeners and keeps it for status. */
    private void publishOutage(OutageEvent outage) {
        reported.put(new ConnectionKey(outage.workspace(), outage.platform()), outage);
        listeners.forEach(l -> l.onOutage(outage));
        for (Consumer<OutageEvent> l : outageListeners) {
            try {
                l.accept(outage);
            } catch (RuntimeException e) {
                log.error("outage listener failed: {}", e.toString(), e);
            }
        }
    }

    /** A connection's status with its last outage report as published (with what the backfill recovered). */
    private ConnectionStatus withReportedOutage(ConnectionStatus s) {
        OutageEvent r = reported.get(new ConnectionKey(s.workspace(), s.platform()));
        return r == null || s.lastOutage() != null && r.upAt().isBefore(s.lastOutage().upAt()) ? s : s.withLastOutage(r);
    }

    /** Loads the plugins, opens the connections, starts the heartbeat, the admin API and the watchers. */
    private void activate(GatehouseConfig c) {
        Running r = p();
        r.backfill().start();
        if (Files.isDirectory(c.pluginsDir())) {
            r.plugins().loadAll();
        } else {
            problem("plugins.dir: folder " + c.pluginsDir() + " does not exist; create it and put the gateway plugin jars in it");
        }
        for (PlatformSettings ps : c.allPlatforms()) {
            add(ps);
        }
        ConnectionRegistry connections = r.connections();
        if (c.cluster().isPresent()) {
            r.metrics().bindCluster(() -> r.ownership().status(),
                    () -> (int) connections.all().stream().filter(e -> e.lease().isPresent()).count());
        }
        r.ownership().start(new Ownership.Owner() {
            @Override
            public void grant(ConnectionKey key, long fence) {
                r.backfill().granted(key); // the previous owner's ledger, before the first session here
                if (connections.grant(key, fence)) {
                    r.metrics().ownershipChanged(Ownership.Change.GRANTED.label());
                }
            }

            @Override
            public CompletionStage<Void> revoke(ConnectionKey key, Ownership.Change why, String reason) {
                r.metrics().ownershipChanged(why.label());
                // Closed, then its ledger written while the node is still this host's: the next owner starts there.
                return connections.revoke(key, reason).thenRunAsync(() -> r.backfill().flush(key), command -> {
                    try {
                        r.blocking().execute(command);
                    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                        command.run();
                    }
                });
            }

            @Override
            public Map<ConnectionKey, String> states() {
                Map<ConnectionKey, String> states = new HashMap<>();
                for (ConnectionRegistry.Entry e : connections.all()) {
                    if (e.lease().isPresent()) {
                        states.put(e.key(), e.supervisor().status().state().name());
                    }
                }
                return states;
            }
        }, connections.keys());
        r.heartbeat().start();
        if (c.admin().enabled() && !adminApi) {
            log.info("admin API not started: an embedded host starts it only when the application asks for it "
                    + "(GatewayHost.Builder.adminApi(true)); the gatehouse command always does");
        } else if (c.admin().enabled()) {
            try {
                running = r.withAdmin(new AdminServer(this, c.admin().host(), c.admin().port(), c.admin().token()));
            } catch (java.io.IOException | RuntimeException e) {
                problem("admin.listen: cannot listen on " + c.admin().host() + ":" + c.admin().port() + " (" + e.getMessage()
                        + "); pick another address or port, or set admin.enabled: false; connections run without the admin API");
            }
        }
        if (watchFiles) {
            r.reloader().watch(r.scheduler());
            r.configApplier().watch(Path.of(c.source()), r.scheduler(), new ConfigLoader());
        }
    }

    /** The running parts; throws if the host is not started. */
    private Running p() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("the host is not running; call start() first");
        }
        return r;
    }

    private static Optional<java.time.Instant> readHeartbeat(Path file) {
        try {
            return Optional.of(java.time.Instant.ofEpochMilli(Long.parseLong(Files.readString(file).trim())));
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void add(PlatformSettings ps) {
        add(ps, this::problem);
    }

    /** Adds and starts a configured connection, or reports why it cannot run. */
    private void add(PlatformSettings ps, Consumer<String> problems) {
        p().connections().add(ps).ifPresent(problems);
    }

    /** A plugin installed while running serves these platforms: open the configured connections waiting for it. */
    private synchronized void platformsAdded(List<String> platforms) {
        for (PlatformSettings ps : config.allPlatforms()) {
            if (platforms.contains(ps.platform()) && p().connections().get(new ConnectionKey(ps.workspace(), ps.platform())).isEmpty()) {
                problems.removeIf(p -> p.startsWith(ps.path() + ":"));
                reloadProblems = reloadProblems.stream().filter(p -> !p.startsWith(ps.path() + ":")).toList();
                add(ps);
            }
        }
        wantedChanged();
    }

    private void problem(String p) {
        log.error("configuration problem: {}", p);
        problems.add(p);
    }

    private List<String> heartbeatWithholdReasons() {
        List<String> reasons = new ArrayList<>();
        Running parts = running;
        if (parts == null) {
            return reasons;
        }
        for (ConnectionRegistry.Entry e : parts.connections().all()) {
            String r = e.supervisor().heartbeatWithheldBecause();
            if (r != null) {
                reasons.add(e.key() + ": " + r);
            }
        }
        return reasons;
    }

    /**
     * Applies a new configuration as a diff: connections added, removed, enabled, disabled or given new
     * settings restart; a new health policy applies to every supervisor; unaffected connections keep
     * their epoch. Sections that need a restart (plugins folder, heartbeat, admin) are reported.
     *
     * @return what changed, one line per change
     */
    public synchronized List<String> applyConfig(GatehouseConfig next) {
        requireStarted();
        Secrets.register(next.secrets());
        List<String> found = new ArrayList<>();
        Consumer<String> report = p -> {
            log.error("configuration problem: {}", p);
            found.add(p);
        };
        List<String> changes = ConfigApplier.diff(config, next, p().connections(), ps -> add(ps, report), report);
        reloadProblems = List.copyOf(found);
        config = next;
        wantedChanged();
        if (!changes.isEmpty()) {
            log.info("configuration reloaded: {}", String.join("; ", changes));
        }
        return changes;
    }

    /** Registers a handler for inbound events (may be called before or after start). */
    public void addHandler(InboundHandler handler) {
        Running r = running;
        if (r != null) {
            r.dispatcher().addHandler(handler);
        } else {
            handlersBeforeStart.add(handler);
        }
    }

    /** Registers a listener for outage reports. */
    public void onOutage(Consumer<OutageEvent> listener) {
        outageListeners.add(listener);
    }

    /** Sends an outbound operation; completes with the platform's message id. */
    public CompletableFuture<String> send(String workspace, String platform, Outbound op) {
        requireStarted();
        return p().router().send(new ConnectionKey(workspace, platform), op);
    }

    /** Asks for a reconnect; single-flight with the host's own reconnects. */
    @Override
    public CompletionStage<ReconnectResult> reconnect(String workspace, String platform) {
        requireStarted();
        return p().connections().get(new ConnectionKey(workspace, platform)).map(e -> e.supervisor().reconnect())
                .orElse(CompletableFuture.completedFuture(ReconnectResult.NOT_RUNNING));
    }

    /** Starts a configured connection; {@code false} if it is not configured. */
    @Override
    public boolean enable(String workspace, String platform) {
        requireStarted();
        return p().connections().enable(new ConnectionKey(workspace, platform));
    }

    /** Stops a connection but keeps it configured; completes once it is closed. */
    @Override
    public CompletionStage<Boolean> disable(String workspace, String platform) {
        requireStarted();
        return p().connections().disable(new ConnectionKey(workspace, platform), "disabled by operator");
    }

    /** Cluster mode: moves a connection to {@code toHost} and keeps it there, or ({@code null}) lets the cluster place it. */
    @Override
    public CompletionStage<Void> move(String workspace, String platform, String toHost) {
        requireStarted();
        return p().ownership().pin(new ConnectionKey(workspace, platform), toHost);
    }

    /** Reloads a plugin from its jar (the same file, or a newer one dropped meanwhile). */
    public CompletionStage<ReloadResult> reloadPlugin(String pluginId) {
        return reloadPlugin(pluginId, false);
    }

    /** As {@link #reloadPlugin(String)}; {@code force} installs instead the last downgrade the host refused for it. */
    @Override
    public CompletionStage<ReloadResult> reloadPlugin(String pluginId, boolean force) {
        requireStarted();
        return p().reloader().reload(pluginId, force);
    }

    /** Installs a plugin jar (new, or a new version of a loaded one); {@code force} allows downgrades. */
    public CompletionStage<ReloadResult> installPlugin(Path jar, boolean force) {
        requireStarted();
        return p().reloader().install(jar, force);
    }

    /** A snapshot of everything; never blocks on a supervisor. */
    @Override
    public HostStatus status() {
        Running r = running;
        List<String> all = new ArrayList<>(problems);
        all.addAll(reloadProblems);
        if (r == null) {
            return new HostStatus(List.of(), List.of(), null, List.copyOf(all), null);
        }
        List<ConnectionStatus> conns = new ArrayList<>();
        r.connections().all().forEach(e -> conns.add(withReportedOutage(e.supervisor().status())));
        r.configApplier().lastError().ifPresent(all::add);
        all.addAll(r.reloader().problems());
        return new HostStatus(conns, r.reloader().statuses(), r.heartbeat().status(), List.copyOf(all), r.ownership().status());
    }

    /**
     * Why this process is not live, empty when it is: what {@code /livez} and systemd's watchdog report.
     * Live means the process makes progress and a restart could not help: the supervisor loop and the
     * supervision executor run, and no plugin call is hung past its bound. A connection that is down,
     * retrying or backing off is not a liveness problem (the other connections would be killed with it);
     * it withholds the heartbeat file instead, for setups whose watchdog watches that file.
     */
    @Override
    public List<String> livenessProblems() {
        Running r = running;
        if (!started || closed || r == null) {
            return List.of("the host is not running");
        }
        List<String> problems = new ArrayList<>();
        if (!r.heartbeat().isProgressing()) {
            problems.add("the supervisor loop has not run for more than 3 heartbeat intervals");
        }
        for (ConnectionRegistry.Entry e : r.connections().all()) {
            if (e.supervisor().hasHungCall()) {
                problems.add(e.key() + ": an open or close call of the plugin is hung past its bound");
            }
        }
        return problems;
    }

    /** {@link #livenessProblems()} is empty. */
    public boolean isLive() {
        return livenessProblems().isEmpty();
    }

    /**
     * The enabled connections this host owns that are not connected; empty means ready (what {@code /readyz}
     * reports). In a cluster, a connection another host owns is that host's readiness.
     */
    @Override
    public List<ConnectionStatus> notReady() {
        Running r = running;
        if (!started || r == null) {
            return List.of();
        }
        return r.connections().all().stream().filter(e -> r.connections().shouldRun(e.key())).map(e -> e.supervisor().status())
                .filter(s -> s.state() != ConnectionState.CONNECTED).toList();
    }

    /**
     * Every enabled connection this host owns is connected and, in a cluster, the host holds its lease
     * (a host cut off from ZooKeeper owns nothing and is not ready).
     */
    @Override
    public boolean isReady() {
        Running r = running;
        ClusterStatus cluster = r == null ? null : r.ownership().status();
        return started && !closed && notReady().isEmpty() && (cluster == null || cluster.fenced() == null);
    }

    /** The Prometheus text exposition of the host's metrics. */
    @Override
    public String scrapeMetrics() {
        Running r = running;
        return r == null ? "" : r.metrics().scrape();
    }

    public GatehouseConfig config() {
        return config;
    }

    /** The admin API's bound port, if it is listening. */
    public Optional<Integer> adminPort() {
        Running r = running;
        return r == null || r.admin() == null ? Optional.empty() : Optional.of(r.admin().port());
    }

    /** The connection supervisors, for embedding applications that observe them directly. */
    public Optional<Supervisor> supervisor(String workspace, String platform) {
        Running r = running;
        return r == null ? Optional.empty()
                : r.connections().get(new ConnectionKey(workspace, platform)).map(ConnectionRegistry.Entry::supervisor);
    }

    private void requireStarted() {
        if (!started || closed) {
            throw new IllegalStateException("the host is not running; call start() first");
        }
    }

    /** Closes every connection within the configured close timeout, then releases plugins and threads. */
    @Override
    public synchronized void close() {
        Running r = running;
        if (!started || closed || r == null) {
            closed = true;
            return;
        }
        r.heartbeat().stop();
        if (r.admin() != null) {
            r.admin().close();
        }
        r.reloader().close();
        r.configApplier().close();
        // Handlers of events already taken (and perhaps acknowledged) finish first, while their
        // connections can still carry replies; then those taken while the connections close.
        long drainBy = ticker.nanos() + EventDispatcher.DRAIN_BOUND.toNanos();
        int unfinished = r.dispatcher().drain(EventDispatcher.DRAIN_BOUND);
        closed = true;
        // In a cluster, each connection is closed before its lease is given back, for another host to take.
        r.ownership().close();
        try {
            r.connections().stopAll("host shutting down").toCompletableFuture()
                    .get(config.health().closeTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("not every connection closed within {} s; exiting anyway", config.health().closeTimeout().toSeconds());
        }
        r.dispatcher().close();
        if (unfinished == 0) {
            unfinished = r.dispatcher().drain(Duration.ofNanos(Math.max(0, drainBy - ticker.nanos())));
        }
        if (unfinished > 0) {
            log.warn("{} event handler(s) still running {} s into shutdown; exiting without them", unfinished,
                    EventDispatcher.DRAIN_BOUND.toSeconds());
        }
        r.backfill().close();
        r.router().close();
        r.plugins().close();
        r.supervisorThread().shutdownNow();
        r.supervision().shutdownNow();
        r.blocking().shutdownNow();
        r.handlers().shutdown();
        r.outboundPool().shutdownNow();
        r.metrics().close();
        log.info("gatehouse host stopped");
    }

    /** The parts of a started host (see {@link #running}). */
    private record Running(ScheduledThreadPoolExecutor supervisorThread, ExecutorService supervision, ExecutorService blocking,
            ExecutorService handlers, ExecutorService outboundPool, Scheduler scheduler, HostMetrics metrics,
            EventDispatcher dispatcher, OutboundRouter router, PluginRuntime plugins, ConnectionRegistry connections,
            PluginReloader reloader, ConfigApplier configApplier, HeartbeatWriter heartbeat, Backfill backfill, Ownership ownership,
            AdminServer admin) {

        Running withAdmin(AdminServer a) {
            return new Running(supervisorThread, supervision, blocking, handlers, outboundPool, scheduler, metrics, dispatcher,
                    router, plugins, connections, reloader, configApplier, heartbeat, backfill, ownership, a);
        }
    }


    /** Forwards supervisor events to the host's parts and to the embedding application's listeners. */
    private final class FanOut implements SupervisorListener {
        @Override
        public void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to, String cause) {
            if (to == ConnectionState.CONNECTED) {
                p().router().flush(key);
            }
            listeners.forEach(l -> l.onTransition(key, epoch, from, to, cause));
            Running r = running;
            if (from == ConnectionState.CONNECTED && to != ConnectionState.CONNECTED && r != null) {
                r.backfill().down(key);
            }
        }

        @Override
        public void onSessionUp(ConnectionKey key, long epoch, boolean resumed, java.time.Instant downFrom, OutageEvent outage) {
            listeners.forEach(l -> l.onSessionUp(key, epoch, resumed, downFrom, outage));
            OutageEvent report = outage;
            java.time.Instant gapStart = downFrom;
            if (connectedOnce.add(key) && previousRunLastAlive.isPresent() && report == null) {
                // The process itself was down (the previous run's last heartbeat is old): events sent to this
                // workspace meanwhile may be lost.
                gapStart = previousRunLastAlive.get();
                java.time.Instant up = clock.instant();
                report = new OutageEvent(key.workspace(), key.platform(), gapStart, up, Duration.between(gapStart, up));
            }
            Running r = running;
            if (r == null) {
                if (report != null) {
                    publishOutage(report);
                }
                return;
            }
            // The report goes out once the backfill finished, saying what came back.
            r.backfill().sessionUp(key, resumed, gapStart, report);
        }

        @Override
        public void onReconnect(ConnectionKey key, ReconnectKind kind) {
            listeners.forEach(l -> l.onReconnect(key, kind));
        }

        @Override
        public void onOutage(OutageEvent outage) {
            // Published by onSessionUp, which follows for the same gap, once the backfill finished.
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
        private ProcessExit exit = ProcessExit.never();
        private boolean adminApi;
        private io.micrometer.core.instrument.MeterRegistry meterRegistry;
        private Ticker ticker = Ticker.system();
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private NetworkProbe probe;
        private boolean watchFiles;
        private BackfillPolicy backfill;
        private Path stateDir;
        private OwnershipProvider ownershipProvider;
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

        /**
         * What happens when a connection spends its reconnect budget. By default nothing ends the JVM: the
         * connection goes to {@code STOPPED} with its {@code lastError} saying it gave up, and
         * {@link SupervisorListener#onGiveUp} fires, so the application decides. Pass
         * {@code new SystemProcessExit()} to exit with code 75 instead (the {@code gatehouse} command does,
         * for its service manager to restart it).
         */
        public Builder processExit(ProcessExit e) {
            this.exit = java.util.Objects.requireNonNull(e, "exit");
            return this;
        }

        /**
         * Starts the admin HTTP API as the configuration's {@code admin} section says. Off by default in an
         * embedded host, which then only logs that it did not start it; the {@code gatehouse} command turns it on.
         */
        public Builder adminApi(boolean on) {
            this.adminApi = on;
            return this;
        }

        /**
         * Also registers the host's {@code gatehouse.*} meters in the application's registry (they are
         * removed from it when the host closes). The admin API's {@code /metrics} keeps serving them, with
         * the JVM's, from the host's own Prometheus registry.
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.meterRegistry = java.util.Objects.requireNonNull(registry, "registry");
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

        /**
         * Watches the configuration file and the plugins folder and applies changes while running (the
         * {@code run} command turns this on; embedding applications decide).
         */
        public Builder watchFiles(boolean on) {
            this.watchFiles = on;
            return this;
        }

        /**
         * Where the host keeps what must survive a restart: the backfill ledger (the last message handled
         * per channel), so that a restarted host fetches what was posted while it was down. Overrides
         * {@code backfill.stateDir} of the configuration.
         */
        public Builder stateDir(Path dir) {
            this.stateDir = java.util.Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * The cluster implementation to use when the configuration has a cluster section, instead of the
         * one found on the class path ({@link java.util.ServiceLoader}).
         */
        public Builder ownership(OwnershipProvider provider) {
            this.ownershipProvider = java.util.Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** Replaces the configuration's backfill policy (bounds, window; {@link #stateDir} still applies over it). */
        public Builder backfill(BackfillPolicy policy) {
            this.backfill = java.util.Objects.requireNonNull(policy, "policy");
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
