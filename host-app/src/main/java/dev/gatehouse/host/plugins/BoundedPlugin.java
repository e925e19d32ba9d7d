package dev.gatehouse.host.plugins;

import java.time.Duration;
import java.util.function.Supplier;
import org.pf4j.Plugin;

/**
 * What PF4J holds as a plugin's {@code Plugin}: the plugin's own class is constructed and started when
 * PF4J starts it, and stopped when PF4J stops it, each through {@link PluginCall} within its bound. PF4J
 * therefore never runs plugin code on the calling thread, and a constructor or {@code start()} that
 * hangs makes the start fail after the bound instead of blocking the host.
 */
final class BoundedPlugin extends Plugin {

    private final String pluginId;
    private final String className;
    private final ClassLoader loader;
    private final Supplier<Duration> startBound;
    private final Supplier<Duration> stopBound;
    private final Supplier<Plugin> create;
    /** Set once the plugin's own {@code start()} returned; read by {@link #stop()}. */
    private volatile Plugin started;

    BoundedPlugin(String pluginId, String className, ClassLoader loader, Supplier<Duration> startBound,
            Supplier<Duration> stopBound, Supplier<Plugin> create) {
        this.pluginId = pluginId;
        this.className = className;
        this.loader = loader;
        this.startBound = startBound;
        this.stopBound = stopBound;
        this.create = create;
    }

    @Override
    public void start() {
        Plugin p = PluginCall.run(pluginId, "new " + simpleName(), loader, startBound.get(), create::get);
        PluginCall.run(pluginId, "start()", loader, startBound.get(), () -> {
            p.start();
            return null;
        });
        started = p;
    }

    @Override
    public void stop() {
        Plugin p = started;
        started = null;
        if (p != null) {
            PluginCall.run(pluginId, "stop()", loader, stopBound.get(), () -> {
                p.stop();
                return null;
            });
        }
    }

    private String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    @Override
    public String toString() {
        return "Plugin[" + pluginId + ": " + className + "]";
    }
}
