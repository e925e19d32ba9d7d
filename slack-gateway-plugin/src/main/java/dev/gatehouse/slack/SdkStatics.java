package dev.gatehouse.slack;

import com.slack.api.SlackConfig;
import com.slack.api.audit.AuditConfig;
import com.slack.api.methods.MethodsConfig;
import com.slack.api.rate_limits.metrics.MetricsDatastore;
import com.slack.api.scim.SCIMConfig;
import com.slack.api.scim2.SCIM2Config;
import java.util.List;
import okhttp3.internal.concurrent.TaskRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's class-loader-wide state that no connection owns. The SDK classes live in this plugin's
 * class loader, so each of these exists once per loaded plugin, not per connection.
 */
final class SdkStatics {

    private static final Logger log = LoggerFactory.getLogger(SdkStatics.class);

    private SdkStatics() {
    }

    /**
     * Stops the eight {@code slack-api-metrics} threads the SDK's static default configurations start
     * when their classes initialise (team note §6, step 6). Nothing of ours uses those configurations;
     * {@code Slack.close()} cannot stop them. Idempotent.
     */
    static void stopStaticMetricsThreads() {
        List<MetricsDatastore> stores = List.of(
                MethodsConfig.DEFAULT_SINGLETON.getMetricsDatastore(),
                AuditConfig.DEFAULT_SINGLETON.getMetricsDatastore(),
                SCIMConfig.DEFAULT_SINGLETON.getMetricsDatastore(),
                SCIM2Config.DEFAULT_SINGLETON.getMetricsDatastore(),
                SlackConfig.DEFAULT.getMethodsConfig().getMetricsDatastore(),
                SlackConfig.DEFAULT.getAuditConfig().getMetricsDatastore(),
                SlackConfig.DEFAULT.getSCIMConfig().getMetricsDatastore(),
                SlackConfig.DEFAULT.getSCIM2Config().getMetricsDatastore());
        stores.forEach(store -> store.setStatsEnabled(false));
    }

    /**
     * Ends OkHttp's shared {@code OkHttp TaskRunner} threads (connection-pool housekeeping, one pool per
     * class loader) when the plugin stops, instead of letting them idle for a minute with this
     * plugin's class loader as context. OkHttp 4.12 is bundled, so its internal API is pinned.
     * {@code Okio Watchdog}, the other per-loader daemon, never starts: the client uses no OkHttp
     * timeout ({@link BoundedReadSockets}).
     */
    static void stopSharedHttpThreads() {
        try {
            if (TaskRunner.INSTANCE.getBackend() instanceof TaskRunner.RealBackend backend) {
                backend.shutdown();
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("could not stop OkHttp's shared task threads: {}", e.toString());
        }
    }
}
