package dev.gatehouse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The simulator accounts a scale child connects with, handed over in a file: the parent registers them in
 * its simulators, the child (a fresh JVM) only connects. The last account of each platform is the
 * warm-up one, connected and closed before the baseline so class loading is not counted per connection.
 *
 * @param slackApiUrl the Slack simulator's Web API prefix
 * @param discordRestUrl the Discord simulator's REST base
 * @param discordGatewayUrl the Discord simulator's gateway
 * @param slack app and bot tokens per Slack app
 * @param discord tokens per Discord bot
 */
record ScaleAccounts(String slackApiUrl, String discordRestUrl, String discordGatewayUrl, List<SlackTokens> slack,
        List<String> discord) {

    /** One Slack app's tokens. */
    record SlackTokens(String appToken, String botToken) {
    }

    void write(Path file) throws IOException {
        Report.MAPPER.writeValue(file.toFile(), this);
    }

    static ScaleAccounts read(Path file) throws IOException {
        return Report.MAPPER.readValue(file.toFile(), ScaleAccounts.class);
    }

    SlackTokens slackWarmUp() {
        return slack.get(slack.size() - 1);
    }

    String discordWarmUp() {
        return discord.get(discord.size() - 1);
    }
}
