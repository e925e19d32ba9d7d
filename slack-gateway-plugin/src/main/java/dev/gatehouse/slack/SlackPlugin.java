package dev.gatehouse.slack;

import dev.gatehouse.api.PluginContext;
import org.pf4j.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack gateway plugin: one jar holding the Slack SDK (Bolt Socket Mode on Tyrus) and the
 * {@link SlackGateway} extension. Its only plugin-wide duties are the SDK's class-loader-wide
 * statics: their metrics threads are stopped at start, OkHttp's shared task threads at stop; and
 * the Tyrus executors all its connections share ({@link TyrusPools}).
 */
public class SlackPlugin extends Plugin {

    private static final Logger log = LoggerFactory.getLogger(SlackPlugin.class);

    private final PluginContext context;

    public SlackPlugin(PluginContext context) {
        this.context = context;
    }

    @Override
    public void start() {
        SdkStatics.stopStaticMetricsThreads();
        TyrusPools.install(context.executors());
        log.info("slack gateway plugin {} started (host API {})", context.pluginId(), context.apiVersion());
    }

    @Override
    public void stop() {
        // Every connection is closed by now: the host closes them before it stops plugins.
        TyrusPools.uninstall();
        SdkStatics.stopSharedHttpThreads();
    }
}
