package dev.gatehouse.tck;

import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.api.PluginContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The plugin-wide services the kit passes to a plugin's constructors. */
final class TckPluginContext implements PluginContext {

    /** The plugin-api version this kit was built against. */
    static final String API_VERSION = readApiVersion();

    private final String pluginId;
    private final String apiVersion;
    final TckExecutors executors;

    TckPluginContext(String pluginId, String apiVersion, TckExecutors executors) {
        this.pluginId = pluginId;
        this.apiVersion = apiVersion;
        this.executors = executors;
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

    private static String readApiVersion() {
        try (InputStream in = TckPluginContext.class.getResourceAsStream("tck.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("apiVersion", "1.0.0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
