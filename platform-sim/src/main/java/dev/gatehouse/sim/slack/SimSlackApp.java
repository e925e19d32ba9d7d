package dev.gatehouse.sim.slack;

import java.util.Objects;

/**
 * One Slack app installed in one workspace, as registered with {@link SlackSimulator#registerApp}.
 *
 * <p>An immutable identity: the simulator keeps its state (connections, faults, counters) keyed by it.
 * Requests authenticate with either token; the token used decides the {@link TokenKind}.
 *
 * @param appToken  app-level token ({@code xapp-…}), accepted by {@code apps.connections.open}
 * @param botToken  bot token ({@code xoxb-…})
 * @param teamId    workspace id, e.g. {@code T00000001}
 * @param teamName  workspace name returned by {@code auth.test}
 * @param appId     app id, e.g. {@code A00000001}; also in the WebSocket URL and {@code hello}
 * @param botUserId the bot's user id, e.g. {@code U00000001}
 * @param botId     the bot id, e.g. {@code B00000001}
 */
public record SimSlackApp(String appToken, String botToken, String teamId, String teamName, String appId,
                          String botUserId, String botId) implements Recipient {
    public SimSlackApp {
        Objects.requireNonNull(appToken, "appToken");
        Objects.requireNonNull(botToken, "botToken");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(botUserId, "botUserId");
        Objects.requireNonNull(botId, "botId");
    }

    /** Never prints the tokens. */
    @Override
    public String toString() {
        return "SimSlackApp[" + appId + " in " + teamId + "]";
    }
}
