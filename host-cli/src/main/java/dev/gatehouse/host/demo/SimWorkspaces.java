package dev.gatehouse.host.demo;

import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Configurations pointing at the simulators: the demos', the cluster tests' and the cluster benchmark's. */
public final class SimWorkspaces {

    private SimWorkspaces() {
    }

    /** One workspace per Slack app and per Discord bot, keyed by workspace id, indented under {@code workspaces:}. */
    public static String yaml(SlackSimulator slack, Map<String, SimSlackApp> apps, DiscordSimulator discord, Map<String, SimBot> bots) {
        StringBuilder ws = new StringBuilder();
        apps.forEach((w, app) -> ws.append("""
                  %s:
                    slack:
                      appToken: %s
                      botToken: %s
                      apiUrl: %s
                """.formatted(w, app.appToken(), app.botToken(), slack.apiUrl())));
        bots.forEach((w, bot) -> ws.append("""
                  %s:
                    discord:
                      token: %s
                      apiUrl: %s
                      gatewayUrl: %s
                """.formatted(w, bot.token(), discord.restBaseUrl(), discord.gatewayUrl())));
        return ws.toString();
    }

    /**
     * A whole host configuration on loopback: the plugins folder, an admin API on a free port, quick health
     * checks, a {@code cluster} section unless {@code zookeeper} is null, and {@code workspaces} (from {@link #yaml}).
     */
    public static String hostYaml(Path plugins, String zookeeper, String namespace, String hostId, Duration sessionTimeout,
            String workspaces) {
        String cluster = zookeeper == null ? "" : """
                cluster:
                  zookeeper: %s
                  namespace: %s
                  hostId: %s
                  sessionTimeout: %dms
                """.formatted(zookeeper, namespace, hostId, sessionTimeout.toMillis());
        return """
                plugins:
                  dir: %s
                admin:
                  listen: 127.0.0.1:0
                health:
                  checkInterval: 2s
                  fastCheckInterval: 1s
                  staleAfter: 30s
                  backoffBase: 1s
                  backoffCap: 5s
                  openTimeout: 15s
                %sworkspaces:
                %s""".formatted(plugins.toAbsolutePath(), cluster, workspaces);
    }
}
