package dev.gatehouse.testplugin;

import dev.gatehouse.api.PluginContext;
import org.pf4j.Plugin;

/** The test plugin's entry point; receives the host's services through its constructor. */
public class LoopbackPlugin extends Plugin {

    private final PluginContext context;

    public LoopbackPlugin(PluginContext context) {
        this.context = context;
    }

    @Override
    public void start() {
        org.slf4j.LoggerFactory.getLogger(LoopbackPlugin.class).info("loopback plugin {} started", context.pluginId());
    }
}
