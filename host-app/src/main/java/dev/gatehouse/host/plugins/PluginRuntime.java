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
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's plugins: loads jars through PF4J, one at a time, and keeps the {@link Gateway} each one
 * serves. A jar that cannot run is reported with the reason and everything PF4J registered for it is
 * removed; the others load.
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
     */
    public record GatewayBinding(String pluginId, String version, String platform, Gateway gateway, ClassLoader loader) {
    }

    private final Path dir;
    private final String apiVersion;
    private final Duration startBound;
    private final Duration stopBound;
    private final Map<String, PluginScope> scopes = new ConcurrentHashMap<>();
    private final GatehousePluginManager manager;
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
        this.manager = new GatehousePluginManager(dir, apiVersion, scopes::get, startBound, stopBound);
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
            table.begin(jar);
            try {
                return start(jar);
            } catch (RuntimeException | LinkageError e) {
                return fail(jar, "cannot be loaded: " + rootMessage(e));
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private PluginStatus start(PluginJar jar) {
        String id = jar.id();
        String loadedId = manager.loadPlugin(jar.path());
        PluginWrapper w = manager.getPlugin(loadedId);
        if (!id.equals(loadedId) || w == null) {
            return fail(jar, "PF4J read Plugin-Id '" + loadedId + "' where the host read '" + id + "'; was the jar replaced?");
        }
        ClassLoader loader = w.getPluginClassLoader();
        PluginScope scope = new PluginScope(id, apiVersion, loader);
        scopes.put(id, scope);
        if (w.getPluginState() == org.pf4j.PluginState.DISABLED) {
            return fail(jar, "requires host API '" + w.getDescriptor().getRequires() + "' but this host implements "
                    + apiVersion + "; install a build of the plugin made for this host");
        }
        table.advance(id, PluginPhase.STARTING);
        org.pf4j.PluginState state = manager.startPlugin(id);
        if (state != org.pf4j.PluginState.STARTED) {
            Throwable t = w.getFailedException();
            return fail(jar, "failed to start: " + (t == null ? state : t instanceof PluginRuntimeException && t.getCause() == null
                    ? t.getMessage() : rootMessage(t)));
        }
        List<Gateway> gateways = manager.getExtensions(Gateway.class, id);
        if (gateways.isEmpty()) {
            String why = scope.extensionFailure;
            return fail(jar, why != null ? "its Gateway extension cannot be created: " + why
                    : "declares no usable Gateway extension (is the class annotated @Extension, public, and built against"
                    + " this host's plugin-api?)");
        }
        List<GatewayBinding> bindings = new ArrayList<>();
        boolean redelivers = true;
        for (Gateway g : gateways) {
            String platform = PluginCall.run(id, "Gateway.platform()", loader, startBound, g::platform);
            Optional<GatewayBinding> other = table.servingAnyPhase(platform);
            if (other.isPresent()) {
                return fail(jar, "serves platform '" + platform + "', which plugin '" + other.get().pluginId()
                        + "' already serves; remove one of them");
            }
            redelivers &= PluginCall.run(id, "Gateway.redeliversUnacknowledgedEvents()", loader, startBound,
                    g::redeliversUnacknowledgedEvents);
            bindings.add(new GatewayBinding(id, jar.version(), platform, g, loader));
        }
        table.started(id, bindings, redelivers, loader);
        log.info("plugin {} {} started from {}, serving {}", id, jar.version(), jar.path().getFileName(),
                bindings.stream().map(GatewayBinding::platform).toList());
        return table.status(id).orElseThrow();
    }

    /** Removes everything PF4J and the host registered for a jar that did not start, and reports why. */
    private PluginStatus fail(PluginJar jar, String problem) {
        table.advance(jar.id(), PluginPhase.REJECTED);
        table.forget(jar.id());
        discard(jar.id());
        discardStrays();
        return reject(jar.id(), jar.version(), jar.path(), problem);
    }

    /** Compares semantic versions; text order for anything that is not one. */
    public int compareVersions(String a, String b) {
        try {
            return manager.getVersionManager().compareVersions(a, b);
        } catch (RuntimeException e) {
            return a.compareTo(b);
        }
    }

    /** Stops and unloads a started plugin (its {@code stop()} bounded), and releases everything the host lent it. */
    public void unload(String id) {
        lifecycle.lock();
        try {
            if (table.held(id).filter(h -> h.phase() == PluginPhase.STARTED).isEmpty()) {
                return;
            }
            table.advance(id, PluginPhase.STOPPING);
            discard(id);
            table.advance(id, PluginPhase.UNLOADED);
            table.forget(id);
            discardStrays();
        } finally {
            lifecycle.unlock();
        }
    }

    private void discard(String id) {
        try {
            if (manager.getPlugin(id) != null) {
                manager.discard(id);
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("plugin {} did not unload cleanly: {}", id, rootMessage(e));
        } finally {
            PluginScope scope = scopes.remove(id);
            if (scope != null) {
                List<String> left = scope.close(stopBound);
                if (!left.isEmpty()) {
                    log.warn("plugin {}: threads lent to it still run after {} ms: {}", id, stopBound.toMillis(), left);
                }
            }
        }
    }

    /** Unloads whatever PF4J holds that is not a plugin this runtime is serving or starting. */
    private void discardStrays() {
        for (PluginWrapper w : manager.getPlugins()) {
            if (table.held(w.getPluginId()).isEmpty()) {
                log.warn("plugin {}: PF4J still held it after a failed load; unloading it", w.getPluginId());
                discard(w.getPluginId());
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
            return manager.getVersionManager().checkVersionConstraint(apiVersion, r);
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
                unload(id);
            }
        } finally {
            lifecycle.unlock();
        }
    }
}
