package dev.gatehouse.slack;

import dev.gatehouse.api.PluginContext;
import org.pf4j.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack gateway plugin: one jar holding the Slack SDK (Socket Mode on Tyrus) and the
 * {@link SlackGateway} extension. Its plugin-wide duties are the SDK's class-loader-wide statics
 * (their metrics threads are stopped at start, OkHttp's shared task threads at stop) and the threads
 * all its connections share: the Tyrus executors ({@link TyrusPools}) and the plugin's own pools
 * ({@link SlackPools}), and Tyrus's shared Grizzly transport ({@link SlackSocket}, {@link TyrusShared}).
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
        SlackPools.install(context.executors());
        log.info("slack gateway plugin {} started (host API {})", context.pluginId(), context.apiVersion());
    }

    @Override
    public void stop() {
        // Every connection is closed by now: the host closes them before it stops plugins.
        SlackPools.uninstall();
        TyrusPools.uninstall();
        TyrusShared.release();
        SdkStatics.stopSharedHttpThreads();
    }
}
