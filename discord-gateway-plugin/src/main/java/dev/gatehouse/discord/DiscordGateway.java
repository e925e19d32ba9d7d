package dev.gatehouse.discord;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewaySettings;
import java.net.URI;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code discord} platform: one JDA gateway connection per workspace and attempt. Discord only
 * resumes a session the same client still holds; a new connection identifies afresh and Discord does
 * not redeliver what was sent meanwhile, hence {@link #redeliversUnacknowledgedEvents()} is false.
 */
@Extension
public class DiscordGateway implements Gateway {

    static final String PLATFORM = "discord";

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public void validate(GatewaySettings settings) {
        DiscordSettings.parse(settings);
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of(DiscordSettings.TOKEN);
    }

    @Override
    public boolean redeliversUnacknowledgedEvents() {
        return false;
    }

    /** {@code probeUrl}, or the REST API's {@code gateway} endpoint (any HTTP answer proves reachability). */
    @Override
    public URI probeUri(GatewaySettings settings) {
        return DiscordSettings.parse(settings).probeUrl();
    }

    @Override
    public GatewayConnection open(GatewayContext context) {
        return DiscordConnection.open(context);
    }
}
