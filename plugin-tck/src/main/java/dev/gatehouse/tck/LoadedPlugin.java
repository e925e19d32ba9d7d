package dev.gatehouse.tck;

import dev.gatehouse.api.Gateway;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.PluginState;

/**
 * A plugin under test, loaded and started: through PF4J from its jar, or made by a factory in the
 * test's class loader. {@link #unload(Duration)} stops it and releases everything the kit holds of it.
 */
final class LoadedPlugin {

    private TckPluginManager manager;
    private final String pluginId;
    private Gateway gateway;
    private final TckExecutors executors;
    private final WeakReference<ClassLoader> loader;
    private final boolean isolated;

    private LoadedPlugin(TckPluginManager manager, String pluginId, Gateway gateway, TckExecutors executors,
            ClassLoader loader, boolean isolated) {
        this.manager = manager;
        this.pluginId = pluginId;
        this.gateway = gateway;
        this.executors = executors;
        this.loader = new WeakReference<>(loader);
        this.isolated = isolated;
    }

    static LoadedPlugin load(PluginSource source, Duration bound) throws Exception {
        if (source instanceof PluginSource.Factory f) {
            ClassLoader own = LoadedPlugin.class.getClassLoader();
            TckPluginContext ctx = new TckPluginContext("conformance", TckPluginContext.API_VERSION,
                    new TckExecutors("plugin", own));
            Gateway g = Bounded.call("new gateway", bound, own, () -> f.factory().apply(ctx));
            return new LoadedPlugin(null, ctx.pluginId(), g, ctx.executors, own, false);
        }
        PluginSource.Jar jar = (PluginSource.Jar) source;
        TckPluginManager m = new TckPluginManager(jar.path().toAbsolutePath().getParent());
        String id = m.loadPlugin(jar.path().toAbsolutePath());
        if (id == null) {
            throw new AssertionError("PF4J could not load " + jar.path() + ": check its manifest (Plugin-Id, Plugin-Class, "
                    + "Plugin-Requires) — the plugin parent POM writes them from plugin.id and plugin.class");
        }
        ClassLoader pluginLoader = m.getPlugin(id).getPluginClassLoader();
        PluginState state = Bounded.call("plugin start", bound, pluginLoader, () -> m.startPlugin(id));
        if (state != PluginState.STARTED) {
            throw new AssertionError("plugin " + id + " did not start (state " + state + "): "
                    + m.getPlugin(id).getFailedException());
        }
        List<Gateway> gateways = Bounded.call("extension lookup", bound, pluginLoader, () -> m.getExtensions(Gateway.class, id));
        if (gateways.size() != 1) {
            throw new AssertionError("plugin " + id + " has " + gateways.size() + " Gateway extensions, expected 1: annotate "
                    + "the class with @org.pf4j.Extension and build with <proc>full</proc> so that META-INF/extensions.idx "
                    + "is written (javac 23+ runs no class-path annotation processor otherwise)");
        }
        return new LoadedPlugin(m, id, gateways.get(0), m.context(id, pluginLoader).executors, pluginLoader, true);
    }

    Gateway gateway() {
        return gateway;
    }

    ClassLoader loader() {
        return loader.get();
    }

    boolean isolated() {
        return isolated;
    }

    /**
     * Stops and unloads the plugin, then stops the plugin-wide executors, as the host does.
     *
     * @return names of executor threads still alive afterwards
     * @throws Exception if the plugin's stop threw or did not return within {@code bound}
     */
    List<String> unload(Duration bound) throws Exception {
        List<String> alive = new ArrayList<>();
        try {
            if (manager != null) {
                TckPluginManager m = manager;
                Bounded.call("plugin stop", bound, loader.get(), () -> m.stopPlugin(pluginId));
                m.unloadPlugin(pluginId);
            }
        } finally {
            manager = null;
            gateway = null;
            alive.addAll(executors.shutdown(bound));
        }
        return alive;
    }

    /** The plugin's class loader, weakly: cleared once nothing keeps the plugin alive. */
    WeakReference<ClassLoader> loaderReference() {
        return loader;
    }
}
