package dev.gatehouse.host.plugins;

import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.api.PluginContext;
import dev.gatehouse.host.exec.HostExecutors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the host holds for one loaded plugin: its {@link PluginContext}, its executors and its
 * extension instances. Dropped as a whole when the plugin unloads, so nothing of the host keeps the
 * plugin's class loader reachable.
 */
final class PluginScope implements PluginContext {

    private final String pluginId;
    private final String apiVersion;
    private final HostExecutors executors;
    /** Extension singletons by class name. */
    final Map<String, Object> extensions = new ConcurrentHashMap<>();
    /** Why the last extension could not be created, or {@code null}: PF4J only logs it. */
    volatile String extensionFailure;

    PluginScope(String pluginId, String apiVersion, ClassLoader loader) {
        this.pluginId = pluginId;
        this.apiVersion = apiVersion;
        this.executors = new HostExecutors(pluginId, loader, null, null, -1);
    }

    @Override
    public String pluginId() {
        return pluginId;
    }

    @Override
    public String apiVersion() {
        return apiVersion;
    }

    @Override
    public GatewayExecutors executors() {
        return executors;
    }

    List<String> close(Duration bound) {
        extensions.clear();
        return executors.shutdown(bound);
    }

    @Override
    public String toString() {
        return "PluginContext[" + pluginId + "]";
    }
}
