package dev.gatehouse.host.plugins;

import dev.gatehouse.api.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's plugins: loads every jar of the plugins folder through PF4J, one at a time, and keeps
 * the {@link Gateway} each one serves. A broken jar is reported with the reason and skipped; the
 * others load. Every lifecycle call is serialised (PF4J is not thread-safe).
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

    private record Loaded(PluginJar jar, List<GatewayBinding> gateways) {
    }

    private final Path dir;
    private final String apiVersion;
    private final Duration stopBound;
    private final Map<String, PluginScope> scopes = new ConcurrentHashMap<>();
    private final GatehousePluginManager manager;
    /** Guarded by this. By plugin id, in load order. */
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();
    /** Guarded by this. Jars that were not loaded, with the reason. */
    private final List<PluginStatus> rejected = new ArrayList<>();

    public PluginRuntime(Path dir, String apiVersion, Duration stopBound) {
        this.dir = dir;
        this.apiVersion = apiVersion;
        this.stopBound = stopBound;
        this.manager = new GatehousePluginManager(dir, apiVersion, scopes::get);
    }

    /** Loads every {@code *.jar} directly in the plugins folder; returns the status of each. */
    public synchronized List<PluginStatus> loadAll() {
        List<Path> jars;
        try (Stream<Path> s = Files.list(dir)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            log.error("plugins folder {} cannot be read: {}; no plugin loaded", dir, e.toString());
            rejected.add(new PluginStatus(dir.getFileName().toString(), null, "REJECTED", List.of(), null,
                    "plugins folder " + dir + " cannot be read (" + e.getMessage() + "); create it or fix plugins.dir", false));
            return statuses();
        }
        List<PluginJar> valid = new ArrayList<>();
        for (Path jar : jars) {
            try {
                valid.add(PluginJar.inspect(jar));
            } catch (PluginJar.InvalidJarException e) {
                reject(e.id() == null ? jar.getFileName().toString() : e.id(), e.version(), jar, e.problem());
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
    }

    /** Loads and starts one plugin jar; returns its status (STARTED, or REJECTED with the reason). */
    public synchronized PluginStatus load(PluginJar jar) {
        String file = jar.path().getFileName().toString();
        Loaded existing = loaded.get(jar.id());
        if (existing != null) {
            return reject(jar.id(), jar.version(), jar.path(), "duplicate plugin id '" + jar.id() + "': version "
                    + existing.jar().version() + " is already loaded from " + existing.jar().path().getFileName()
                    + "; remove one of the two jars");
        }
        if (jar.bundlesApi()) {
            log.warn("plugin {} ({}) bundles dev.gatehouse.api classes; the host's copy is used instead."
                    + " Declare plugin-api with provided scope.", jar.id(), file);
        }
        String id;
        try {
            id = manager.loadPlugin(jar.path());
        } catch (RuntimeException | LinkageError e) {
            return reject(jar.id(), jar.version(), jar.path(), "cannot be loaded: " + rootMessage(e));
        }
        PluginWrapper w = manager.getPlugin(id);
        if (w == null) {
            return reject(jar.id(), jar.version(), jar.path(), "cannot be loaded (see the log)");
        }
        ClassLoader loader = w.getPluginClassLoader();
        scopes.put(id, new PluginScope(id, apiVersion, loader));
        if (w.getPluginState() == PluginState.DISABLED) {
            String requires = w.getDescriptor().getRequires();
            unloadQuietly(id);
            return reject(jar.id(), jar.version(), jar.path(), "requires host API '" + requires + "' but this host implements "
                    + apiVersion + "; install a build of the plugin made for this host");
        }
        PluginState state = withLoader(loader, () -> manager.startPlugin(id));
        if (state != PluginState.STARTED) {
            Throwable t = w.getFailedException();
            unloadQuietly(id);
            return reject(jar.id(), jar.version(), jar.path(), "failed to start: " + (t == null ? state : rootMessage(t)));
        }
        List<Gateway> gateways;
        try {
            gateways = withLoader(loader, () -> manager.getExtensions(Gateway.class, id));
        } catch (RuntimeException e) {
            unloadQuietly(id);
            return reject(jar.id(), jar.version(), jar.path(), "its Gateway extension cannot be created: " + rootMessage(e));
        }
        if (gateways.isEmpty()) {
            unloadQuietly(id);
            return reject(jar.id(), jar.version(), jar.path(), "declares no usable Gateway extension (is the class annotated"
                    + " @Extension, public, and built against this host's plugin-api?)");
        }
        List<GatewayBinding> bindings = new ArrayList<>();
        for (Gateway g : gateways) {
            String platform;
            try {
                platform = withLoader(loader, g::platform);
            } catch (RuntimeException e) {
                unloadQuietly(id);
                return reject(jar.id(), jar.version(), jar.path(), "Gateway.platform() threw " + rootMessage(e));
            }
            Optional<GatewayBinding> other = gateway(platform);
            if (other.isPresent()) {
                unloadQuietly(id);
                return reject(jar.id(), jar.version(), jar.path(), "serves platform '" + platform + "', which plugin '"
                        + other.get().pluginId() + "' already serves; remove one of them");
            }
            bindings.add(new GatewayBinding(id, jar.version(), platform, g, loader));
        }
        loaded.put(id, new Loaded(jar, List.copyOf(bindings)));
        log.info("plugin {} {} started from {}, serving {}", id, jar.version(), file,
                bindings.stream().map(GatewayBinding::platform).toList());
        return status(id);
    }

    /** Compares semantic versions; text order for anything that is not one. */
    public int compareVersions(String a, String b) {
        try {
            return manager.getVersionManager().compareVersions(a, b);
        } catch (RuntimeException e) {
            return a.compareTo(b);
        }
    }

    /** Stops and unloads a plugin, and releases everything the host lent it. */
    public synchronized void unload(String id) {
        if (loaded.remove(id) != null) {
            unloadQuietly(id);
        }
    }

    private void unloadQuietly(String id) {
        PluginWrapper w = manager.getPlugin(id);
        try {
            if (w != null) {
                withLoader(w.getPluginClassLoader(), () -> manager.unloadPlugin(id));
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("plugin {} did not unload cleanly: {}", id, rootMessage(e));
        } finally {
            PluginScope scope = scopes.remove(id);
            if (scope != null) {
                scope.close(stopBound);
            }
        }
    }

    /** The gateway serving a platform, if a started plugin serves it. */
    public synchronized Optional<GatewayBinding> gateway(String platform) {
        return loaded.values().stream().flatMap(l -> l.gateways().stream()).filter(g -> g.platform().equals(platform)).findFirst();
    }

    /** The jar a started plugin was loaded from. */
    public synchronized Optional<PluginJar> loadedJar(String id) {
        Loaded l = loaded.get(id);
        return l == null ? Optional.empty() : Optional.of(l.jar());
    }

    /** The started plugin loaded from this file, if any. */
    public synchronized Optional<String> pluginAt(Path jar) {
        return loaded.entrySet().stream().filter(e -> e.getValue().jar().path().equals(jar)).map(Map.Entry::getKey).findFirst();
    }

    /** The ids of the started plugins. */
    public synchronized List<String> pluginIds() {
        return List.copyOf(loaded.keySet());
    }

    /** The platforms a started plugin serves. */
    public synchronized List<String> platformsOf(String id) {
        Loaded l = loaded.get(id);
        return l == null ? List.of() : l.gateways().stream().map(GatewayBinding::platform).toList();
    }

    /** Whether every gateway of a started plugin says its platform redelivers unacknowledged events. */
    public synchronized boolean redeliversUnacknowledgedEvents(String id) {
        Loaded l = loaded.get(id);
        if (l == null || l.gateways().isEmpty()) {
            return false;
        }
        return l.gateways().stream().allMatch(g -> {
            try {
                return withLoader(g.loader(), g.gateway()::redeliversUnacknowledgedEvents);
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        });
    }

    /** The class loader of a started plugin. */
    public synchronized Optional<ClassLoader> loaderOf(String id) {
        Loaded l = loaded.get(id);
        return l == null || l.gateways().isEmpty() ? Optional.empty() : Optional.of(l.gateways().get(0).loader());
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
    public synchronized void forgetRejection(Path jar) {
        rejected.removeIf(s -> jar.getFileName().toString().equals(s.jar()));
    }

    /** The platforms the started plugins serve. */
    public synchronized List<String> platforms() {
        return loaded.values().stream().flatMap(l -> l.gateways().stream()).map(GatewayBinding::platform).toList();
    }

    /** Every plugin loaded or rejected. */
    public synchronized List<PluginStatus> statuses() {
        List<PluginStatus> out = new ArrayList<>();
        loaded.keySet().forEach(id -> out.add(status(id)));
        out.addAll(rejected);
        return out;
    }

    private PluginStatus status(String id) {
        Loaded l = loaded.get(id);
        PluginWrapper w = manager.getPlugin(id);
        return new PluginStatus(id, l.jar().version(), w == null ? "UNLOADED" : w.getPluginState().toString(),
                l.gateways().stream().map(GatewayBinding::platform).toList(), l.jar().path().getFileName().toString(), null, false);
    }

    private PluginStatus reject(String id, String version, Path jar, String problem) {
        log.error("plugin jar {} rejected: {}", jar.getFileName(), problem);
        PluginStatus s = new PluginStatus(id, version, "REJECTED", List.of(), jar.getFileName().toString(), problem, false);
        rejected.add(s);
        return s;
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
    public synchronized void close() {
        for (String id : new ArrayList<>(loaded.keySet())) {
            unload(id);
        }
    }
}
