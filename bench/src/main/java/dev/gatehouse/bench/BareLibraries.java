package dev.gatehouse.bench;

import com.slack.api.SlackConfig;
import com.slack.api.audit.AuditConfig;
import com.slack.api.methods.MethodsConfig;
import com.slack.api.scim.SCIMConfig;
import com.slack.api.scim2.SCIM2Config;
import java.util.List;

/**
 * State the bare Slack SDK keeps for the whole JVM: its static default configurations start metrics
 * threads when their classes load, and no client owns them. Stopped when the benchmark ends, so a run
 * inside a test JVM leaves nothing behind.
 */
final class BareLibraries {

    private BareLibraries() {
    }

    static void stopStaticThreads() {
        try {
            List.of(MethodsConfig.DEFAULT_SINGLETON.getMetricsDatastore(), AuditConfig.DEFAULT_SINGLETON.getMetricsDatastore(),
                    SCIMConfig.DEFAULT_SINGLETON.getMetricsDatastore(), SCIM2Config.DEFAULT_SINGLETON.getMetricsDatastore(),
                    SlackConfig.DEFAULT.getMethodsConfig().getMetricsDatastore(),
                    SlackConfig.DEFAULT.getAuditConfig().getMetricsDatastore(),
                    SlackConfig.DEFAULT.getSCIMConfig().getMetricsDatastore(),
                    SlackConfig.DEFAULT.getSCIM2Config().getMetricsDatastore())
                    .forEach(store -> store.setStatsEnabled(false));
        } catch (RuntimeException | LinkageError e) {
            System.err.println("gatehouse-bench: could not stop the Slack SDK's static metrics threads: " + e);
        }
    }
}
