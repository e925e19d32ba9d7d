package dev.gatehouse.host.plugins;

import dev.gatehouse.api.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import dev.gatehouse.host.plugins.PluginTable.Slot;
import org.pf4j.AbstractPluginManager;
import org.pf4j.DefaultVersionManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.VersionManager;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's plugins: loads jars through PF4J, one at a time, and keeps the {@link Gateway} each one
 * serves. A jar that cannot run is reported with the reason and everything PF4J registered for it is
 * removed; the others load.
 *
 * <p>Each jar gets a plugin manager of its own (PF4J holds one version of a plugin id per manager), so
 * that a new version can be {@linkplain #stage staged} beside the running one, take over its connections,
 * be {@linkplain #promote promoted}, and the old one {@linkplain #unload(String, long) unloaded} after.
 *
 * <p>Lifecycle calls are serialised by one lock (PF4J is not thread-safe), and plugin code runs under it
 * only through {@link PluginCall}, bounded. Readers never take that lock: they read the published
 * {@link PluginTable}, so status, the folder watcher and the connections answer while a plugin starts.
 */
public final class PluginRuntime implements AutoCloseable, GatewayBindings {

    private static final Logger log = LoggerFactory.getLogger(PluginRuntime.class);

    /**
     * A platform's gateway and the plugin it comes from.
     *
     * @param pluginId the plugin
     * @param version its version
     * @param platform the platform key
     * @param gateway the extension (one instance per plugin)
     * @param loader the plugin's class loader, set as context class loader around plugin calls
     * @param minimumOpenInterval the platform's minimum interval between session starts of one connection
     */
    public record GatewayBinding(String pluginId, String version, String platform, Gateway gateway, ClassLoader loader,
            Duration minimumOpenInterval) {

        public GatewayBinding(String pluginId, String version, String platform, Gateway gateway, ClassLoader loader) {
            this(pluginId, version, platform, gateway, loader, Duration.ZERO);
        }
    }

    private final Path dir;
    private final String apiVersion;
    private final Duration startBound;
    private final Duration stopBound;
    /** Each loaded jar's own PF4J manager and host scope, by generation. */
    private final Map<Long, Loaded> loaded = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    /** For version comparisons only; it never loads a plugin. */
    private final VersionManager versions = new DefaultVersionManager();
    /** Serialises every PF4J call; never taken by readers. */
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final PluginTable table = new PluginTable();

    /** Plugin code is bounded by {@code stopBound} for starting as well as stopping. */
    public PluginRuntime(Path dir, String apiVersion, Duration stopBound) {
        this(dir, apiVersion, stopBound, stopBound);
    }

    /**
     * @param startBound how long a plugin's constructors, {@code start()} and {@code Gateway} queries may take, each
     * @param stopBound how long its {@code stop()} and the executors lent to it may take to end
     */
    public PluginRuntime(Path dir, String apiVersion, Duration startBound, Duration stopBound) {
        this.dir = dir;
        this.apiVersion = apiVersion;
        this.startBound = startBound;
        this.stopBound = stopBound;
        // PF4J reads its mode when a manager is made, which is per jar and later: check it now, so that a
        // bad -Dpf4j.mode fails the start with PF4J's own message instead of rejecting every jar.
        RuntimeMode.byName(System.getProperty(AbstractPluginManager.MODE_PROPERTY_NAME, RuntimeMode.DEPLOYMENT.toString()));
    }

    /** One jar's PF4J manager and the scope the host lent it; both are set before its plugin code runs. */
    private static final class Loaded {
        volatile GatehousePluginManager manager;
        volatile PluginScope scope;
    }

    /** The plugin API version this host implements (what a jar's {@code Plugin-Requires} is checked against). */
    public String apiVersion() {
        return apiVersion;
    }

    /** Loads every {@code *.jar} directly in the plugins folder; returns the status of each. */
    public List<PluginStatus> loadAll() {
        lifecycle.lock();
        try {
            List<Path> jars;
            try (Stream<Path> s = Files.list(dir)) {
                jars = s.filter(p -> p.getFileName().toString().endsWith(".jar") && !p.getFileName().toString().startsWith("."))
                        .sorted().toList();
            } catch (IOException e) {
                log.error("plugins folder {} cannot be read: {}; no plugin loaded", dir, e.toString());
                table.reject(new PluginStatus(dir.getFileName().toString(), null, PluginPhase.REJECTED.name(), List.of(), null,
                        "plugins folder " + dir + " cannot be read (" + e.getMessage() + "); create it or fix plugins.dir", false));
                return statuses();
            }
            List<PluginJar> valid = new ArrayList<>();
            for (Path jar : jars) {
                try {
                    valid.add(PluginJar.inspect(jar));
                } catch (PluginJar.InvalidJarException e) {
                    reject(e.id() == null ? jar.getFileName().toString() : e.id(), e.version(), jar, e.problem());
                } catch (RuntimeException | Error e) {
                    reject(jar.getFileName().toString(), null, jar, "could not be checked (" + e + ")");
                }
            }
            // One jar per id: the highest version wins; the rest are reported.
            valid.sort(Comparator.comparing(PluginJar::id)
                    .thenComparing(PluginJar::version, (a, b) -> compareVersions(b, a))
                    .thenComparing(j -> j.path().getFileName().toString()));
            for (PluginJar jar : valid) {
                load(jar);
            }
            return statuses();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Loads and starts one plugin jar; returns its status (STARTED, or REJECTED with the reason). */
    public PluginStatus load(PluginJar jar) {
        lifecycle.lock();
        try {
            Optional<PluginTable.Held> existing = table.held(jar.id());
            if (existing.isPresent()) {
                return reject(jar.id(), jar.version(), jar.path(), "duplicate plugin id '" + jar.id() + "': version "
                        + existing.get().jar().version() + " is already loaded from "
                        + existing.get().jar().path().getFileName() + "; remove one of the two jars");
            }
            if (jar.bundlesApi()) {
                log.warn("plugin {} ({}) bundles dev.gatehouse.api classes; the host's copy is used instead."
                        + " Declare plugin-api with provided scope.", jar.id(), jar.path().getFileName());
            }
            return begin(jar, Slot.PRIMARY);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Loads and starts a new version of a started plugin beside the running one, which keeps serving:
     * the new one serves only connections handed over to it ({@link #stagedGateway}) until {@link #promote}.
     * A version that does not start is rejected and leaves the running one untouched.
     *
     * @return its status: STAGED, or REJECTED with the reason
     */
    public PluginStatus stage(PluginJar jar) {
        lifecycle.lock();
        try {
            if (table.held(jar.id()).filter(h -> h.phase() == PluginPhase.STARTED).isEmpty()
                    || table.second(jar.id()).isPresent()) {
                return reject(jar.id(), jar.version(), jar.path(), "cannot stage plugin '" + jar.id()
                        + "': no version of it runs, or a swap of it is already under way");
            }
            return begin(jar, Slot.SECOND);
        } finally {
            lifecycle.unlock();
        }
    }

    private PluginStatus begin(PluginJar jar, Slot slot) {
        long generation = generations.incrementAndGet();
        table.begin(jar, slot, generation);
        try {
            return start(jar, slot, generation);
        } catch (RuntimeException | LinkageError e) {
            return fail(jar, slot, generation, "cannot be loaded: " + rootMessage(e));
        }
    }

    private PluginStatus start(PluginJar jar, Slot slot, long generation) {
        String id = jar.id();
        Loaded own = new Loaded();
        GatehousePluginManager manager = new GatehousePluginManager(dir, apiVersion, pid -> own.scope, startBound, stopBound);
        own.manager = manager;
        loaded.put(generation, own);
        String loadedId = manager.loadPlugin(jar.path());
        PluginWrapper w = manager.getPlugin(loadedId);
        if (!id.equals(loadedId) || w == null) {
            return fail(jar, slot, generation, "PF4J read Plugin-Id '" + loadedId + "' where the host read '" + id
                    + "'; was the jar replaced?");
        }
        ClassLoader loader = w.getPluginClassLoader();
        PluginScope scope = new PluginScope(id, apiVersion, loader);
        own.scope = scope;
        if (w.getPluginState() == org.pf4j.PluginState.DISABLED) {
            return fail(jar, slot, generation, "requires host API '" + w.getDescriptor().getRequires()
                    + "' but this host implements " + apiVersion + "; install a build of the plugin made for this host");
        }
        table.advance(id, slot, PluginPhase.STARTING);
        org.pf4j.PluginState state = manager.startPlugin(id);
        if (state != org.pf4j.PluginState.STARTED) {
            Throwable t = w.getFailedException();
            return fail(jar, slot, generation, "failed to start: " + (t == null ? state
                    : t instanceof PluginRuntimeException && t.getCause() == null ? t.getMessage() : rootMessage(t)));
        }
        List<Gateway> gateways = manager.getExtensions(Gateway.class, id);
        if (gateways.isEmpty()) {
            String why = scope.extensionFailure;
            return fail(jar, slot, generation, why != null ? "its Gateway extension cannot be created: " + why
                    : "declares no usable Gateway extension (is the class annotated @Extension, public, and built against"
                    + " this host's plugin-api?)");
        }
        List<GatewayBinding> bindings = new ArrayList<>();
        boolean redelivers = true;
        for (Gateway g : gateways) {
            String platform = PluginCall.run(id, "Gateway.platform()", loader, startBound, g::platform);
            Optional<GatewayBinding> other = table.servingAnyPhase(platform).filter(b -> !b.pluginId().equals(id));
            if (other.isPresent()) {
                return fail(jar, slot, generation, "serves platform '" + platform + "', which plugin '"
                        + other.get().pluginId() + "' already serves; remove one of them");
            }
            redelivers &= PluginCall.run(id, "Gateway.redeliversUnacknowledgedEvents()", loader, startBound,
                    g::redeliversUnacknowledgedEvents);
            Duration interval = PluginCall.run(id, "Gateway.minimumOpenInterval()", loader, startBound,
                    g::minimumOpenInterval);
            bindings.add(new GatewayBinding(id, jar.version(), platform, g, loader,
                    interval == null || interval.isNegative() ? Duration.ZERO : interval));
        }
        if (slot == Slot.SECOND && !table.platformsOf(table.held(id).orElseThrow()).equals(
                bindings.stream().map(GatewayBinding::platform).toList())) {
            return fail(jar, slot, generation, "serves " + bindings.stream().map(GatewayBinding::platform).toList()
                    + " where the running version serves " + table.platformsOf(table.held(id).orElseThrow())
                    + "; a swap keeps the platforms (remove the plugin, then install the new one)");
        }
        table.started(id, slot, bindings, redelivers, loader);
        log.info("plugin {} {} {} from {}, serving {}", id, jar.version(), slot == Slot.PRIMARY ? "started" : "staged",
                jar.path().getFileName(), bindings.stream().map(GatewayBinding::platform).toList());
        return slot == Slot.PRIMARY ? table.status(id).orElseThrow() : table.secondStatus(id).orElseThrow();
    }

    /** Removes everything PF4J and the host registered for a jar that did not start, and reports why. */
    private PluginStatus fail(PluginJar jar, Slot slot, long generation, String problem) {
        table.advance(jar.id(), slot, PluginPhase.REJECTED);
        table.forget(jar.id(), slot);
        discard(jar.id(), generation);
        return reject(jar.id(), jar.version(), jar.path(), problem);
    }

    /** Compares semantic versions; text order for anything that is not one. */
    public int compareVersions(String a, String b) {
        try {
            return versions.compareVersions(a, b);
        } catch (RuntimeException e) {
            return a.compareTo(b);
        }
    }

    /** Stops and unloads a started plugin (its {@code stop()} bounded), and releases everything the host lent it. */
    public void unload(String id) {
        table.held(id).ifPresent(h -> unload(id, h.generation()));
    }

    /**
     * Stops and unloads one version of a plugin: the running one, a staged one that did not take over, or
     * the one a promotion replaced. Nothing happens if no version of {@code id} has this generation.
     */
    public void unload(String id, long generation) {
        lifecycle.lock();
        try {
            Optional<Slot> slot = table.slotOf(id, generation);
            PluginPhase phase = slot.flatMap(s -> s == Slot.PRIMARY ? table.held(id) : table.second(id))
                    .map(PluginTable.Held::phase).orElse(null);
            if (phase != PluginPhase.STARTED && phase != PluginPhase.STAGED && phase != PluginPhase.DRAINING) {
                return;
            }
            table.advance(id, slot.get(), PluginPhase.STOPPING);
            discard(id, generation);
            table.advance(id, slot.get(), PluginPhase.UNLOADED);
            table.forget(id, slot.get());
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * The staged version of a plugin serves from now on; the one it replaces drains (its connections,
     * handed over, close) until {@link #unload(String, long)} with its generation, returned here.
     */
    public long promote(String id) {
        lifecycle.lock();
        try {
            long old = table.held(id).orElseThrow().generation();
            table.promote(id);
            log.info("plugin {}: version {} serves now; version {} drains", id, table.held(id).orElseThrow().jar().version(),
                    table.second(id).orElseThrow().jar().version());
            return old;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The generation of the version of a plugin that serves, or -1. */
    public long generation(String id) {
        return table.held(id).map(PluginTable.Held::generation).orElse(-1L);
    }

    /** The generation of the staged version of a plugin, or -1. */
    public long stagedGeneration(String id) {
        return table.second(id).filter(h -> h.phase() == PluginPhase.STAGED).map(PluginTable.Held::generation).orElse(-1L);
    }

    /** The gateway of the staged version of a plugin for a platform, if one is staged. */
    public Optional<GatewayBinding> stagedGateway(String id, String platform) {
        return table.second(id).filter(h -> h.phase() == PluginPhase.STAGED).stream()
                .flatMap(h -> h.gateways().stream()).filter(g -> g.platform().equals(platform)).findFirst();
    }

    /** The class loader of the staged version of a plugin. */
    public Optional<ClassLoader> stagedLoader(String id) {
        return table.second(id).filter(h -> h.phase() == PluginPhase.STAGED).map(PluginTable.Held::loader);
    }

    /** Stops one loaded jar's plugin, closes its manager (and class loader) and releases its scope. */
    private void discard(String id, long generation) {
        Loaded l = loaded.remove(generation);
        if (l == null) {
            return;
        }
        try {
            if (l.manager.getPlugin(id) != null) {
                l.manager.discard(id);
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("plugin {} did not unload cleanly: {}", id, rootMessage(e));
        } finally {
            PluginScope scope = l.scope;
            if (scope != null) {
                List<String> left = scope.close(stopBound);
                if (!left.isEmpty()) {
                    log.warn("plugin {}: threads lent to it still run after {} ms: {}", id, stopBound.toMillis(), left);
                }
            }
        }
    }

    /**
     * Hides a plugin's gateways from {@link #gateway} while it is swapped, so that no connection opens on
     * the version being unloaded nor on one not yet started; {@link #serve} shows them again.
     */
    public void withhold(String pluginId) {
        table.withhold(pluginId, true);
    }

    /** Ends {@link #withhold}. */
    public void serve(String pluginId) {
        table.withhold(pluginId, false);
    }

    /** The gateway serving a platform, if a started plugin that is not being swapped serves it. */
    public Optional<GatewayBinding> gateway(String platform) {
        return table.serving(platform);
    }

    /** The jar a started plugin was loaded from. */
    public Optional<PluginJar> loadedJar(String id) {
        return table.held(id).filter(h -> h.phase() == PluginPhase.STARTED).map(PluginTable.Held::jar);
    }

    /** The plugin loaded, or being loaded, from this file, if any. */
    public Optional<String> pluginAt(Path jar) {
        return table.heldAt(jar);
    }

    /** The ids of the started plugins. */
    public List<String> pluginIds() {
        return table.startedIds();
    }

    /** The platforms a started plugin serves. */
    public List<String> platformsOf(String id) {
        return table.held(id).map(h -> h.gateways().stream().map(GatewayBinding::platform).toList()).orElse(List.of());
    }

    /** Whether every gateway of a started plugin said, when it started, that its platform redelivers unacknowledged events. */
    public boolean redeliversUnacknowledgedEvents(String id) {
        return table.held(id).filter(h -> h.phase() == PluginPhase.STARTED).map(PluginTable.Held::redelivers).orElse(false);
    }

    /** The class loader of a started plugin. */
    public Optional<ClassLoader> loaderOf(String id) {
        return table.held(id).map(PluginTable.Held::loader).filter(l -> l != null);
    }

    /** Whether a jar's {@code Plugin-Requires} accepts this host's API version; a missing one does. */
    public boolean requiresSatisfied(PluginJar jar) {
        String r = jar.requires();
        if (r == null || r.isBlank() || r.trim().equals("*")) {
            return true;
        }
        try {
            return versions.checkVersionConstraint(apiVersion, r);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Forgets earlier rejections of this jar file (it is being tried again). */
    public void forgetRejection(Path jar) {
        table.forgetRejection(jar.getFileName().toString());
    }

    /** The platforms the started plugins serve. */
    public List<String> platforms() {
        return table.platforms();
    }

    /** Every plugin held (in load order, with its phase) or rejected. Never waits for a lifecycle call. */
    public List<PluginStatus> statuses() {
        return table.statuses();
    }

    private PluginStatus reject(String id, String version, Path jar, String problem) {
        log.error("plugin jar {} rejected: {}", jar.getFileName(), problem);
        PluginStatus s = new PluginStatus(id, version, PluginPhase.REJECTED.name(), List.of(), jar.getFileName().toString(),
                problem, false);
        table.reject(s);
        return s;
    }

    /**
     * Runs a query of a started plugin's gateway on a thread of its own (see {@link PluginCall}), waiting at
     * most {@code bound}; for one-shot questions such as {@code gatehouse doctor}'s credential check.
     *
     * @param what the call, as messages name it, e.g. {@code Gateway.checkCredentials()}
     * @throws PluginRuntimeException if the call threw (the cause is kept) or did not return within the bound
     */
    public static <T> T callBounded(GatewayBinding b, String what, Duration bound, Callable<T> body) {
        return PluginCall.run(b.pluginId(), what, b.loader(), bound, body);
    }

    /** Runs plugin code with the plugin's class loader as the thread's context class loader. */
    public static <T> T withLoader(ClassLoader loader, Callable<T> body) {
        try {
            return callWithLoader(loader, body);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #withLoader}, passing checked exceptions through. */
    public static <T> T callWithLoader(ClassLoader loader, Callable<T> body) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return body.call();
        } finally {
            t.setContextClassLoader(old);
        }
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        String top = t.getMessage();
        if (root == t) {
            return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }
        return (top == null ? t.getClass().getSimpleName() : top) + " (caused by " + root.getClass().getSimpleName()
                + (m == null ? "" : ": " + m) + ")";
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            for (String id : table.startedIds()) {
                table.second(id).ifPresent(h -> unload(id, h.generation()));
                unload(id);
            }
        } finally {
            lifecycle.unlock();
        }
    }
}
