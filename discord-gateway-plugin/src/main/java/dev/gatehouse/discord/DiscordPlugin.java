package dev.gatehouse.discord;

import dev.gatehouse.api.PluginContext;
import org.pf4j.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Discord gateway plugin. Its one job at the plugin level is the end of its life: when the host
 * unloads it, the threads of the OkHttp copy bundled in this jar must end too, or they keep the
 * plugin's class loader reachable (see {@link OkHttpThreads}).
 */
public class DiscordPlugin extends Plugin {

    private static final Logger log = LoggerFactory.getLogger(DiscordPlugin.class);

    private final PluginContext context;

    public DiscordPlugin(PluginContext context) {
        this.context = context;
    }

    @Override
    public void start() {
        log.info("discord gateway plugin {} started (JDA {}, host API {})", context.pluginId(),
                net.dv8tion.jda.api.JDAInfo.VERSION, context.apiVersion());
    }

    /** Called by PF4J when the plugin stops or unloads, after the host closed every connection. */
    @Override
    public void stop() {
        OkHttpThreads.stop();
        log.info("discord gateway plugin {} stopped", context.pluginId());
    }
}
