package dev.gatehouse.slack;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewaySettings;
import java.net.URI;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code slack} platform: one Bolt Socket Mode client per workspace and connection attempt.
 * Settings (under {@code workspaces.<id>.slack}) are described in {@link SlackSettings}.
 */
@Extension
public class SlackGateway implements Gateway {

    @Override
    public String platform() {
        return "slack";
    }

    @Override
    public void validate(GatewaySettings settings) {
        SlackSettings.from(settings);
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of(SlackSettings.APP_TOKEN, SlackSettings.BOT_TOKEN);
    }

    /** Slack retries Events API envelopes that were not acknowledged, so a short deliberate gap loses nothing. */
    @Override
    public boolean redeliversUnacknowledgedEvents() {
        return true;
    }

    @Override
    public URI probeUri(GatewaySettings settings) {
        return SlackSettings.from(settings).probeUri();
    }

    @Override
    public GatewayConnection open(GatewayContext context) throws Exception {
        return SlackConnection.open(context);
    }
}
