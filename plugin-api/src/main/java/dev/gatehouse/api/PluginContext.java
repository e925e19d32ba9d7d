package dev.gatehouse.api;

/**
 * Host services for a whole plugin, passed to the constructor of its {@code org.pf4j.Plugin} class
 * and of its {@link Gateway} extension when they declare a constructor taking this type. Use it for
 * resources shared by all of the plugin's connections (an HTTP client, a scheduler); the host releases
 * everything created through it when the plugin stops.
 */
public interface PluginContext {

    /**
     * The plugin's id from its manifest.
     *
     * @return the plugin id
     */
    String pluginId();

    /**
     * The version of this API the host implements.
     *
     * @return a semantic version such as {@code 1.0.0}
     */
    String apiVersion();

    /**
     * Executors scoped to this plugin, shut down by the host when the plugin stops or unloads.
     *
     * @return the plugin's executors
     */
    GatewayExecutors executors();
}
