package dev.gatehouse.slack;

import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.PluginContext;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code slack} platform: one Socket Mode client per workspace and connection attempt.
 * Settings (under {@code workspaces.<id>.slack}) are described in {@link SlackSettings}.
 */
@Extension
public class SlackGateway implements Gateway {

    private final PluginContext plugin;

    /**
     * The host's constructor: a credential check runs the SDK on the plugin's executors.
     *
     * @param plugin the plugin's host services
     */
    public SlackGateway(PluginContext plugin) {
        this.plugin = plugin;
    }

    /** For validation outside a host (credentials cannot be checked). */
    public SlackGateway() {
        this(null);
    }

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

    /** {@code auth.test} with the bot token and {@code apps.connections.open} with the app token; see {@link CredentialProbe}. */
    @Override
    public CredentialCheck checkCredentials(GatewaySettings settings, Duration timeout) throws Exception {
        if (plugin == null) {
            throw new IllegalStateException("this SlackGateway was built without the host's PluginContext;"
                    + " credentials are checked by a Gatehouse host, which passes it");
        }
        return new CredentialProbe(SlackSettings.from(settings), settings.path()).check(plugin.executors(), timeout);
    }

    @Override
    public GatewayConnection open(GatewayContext context) throws Exception {
        return SlackConnection.open(context);
    }
}
