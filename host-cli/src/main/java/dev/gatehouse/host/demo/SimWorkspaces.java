package dev.gatehouse.host.demo;

import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.util.Map;

/** The {@code workspaces:} section of a configuration pointing at the simulators (the demos' and the cluster tests'). */
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
}
