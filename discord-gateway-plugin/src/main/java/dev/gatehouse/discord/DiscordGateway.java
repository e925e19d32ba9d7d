package dev.gatehouse.discord;

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
 * The {@code discord} platform: one JDA gateway connection per workspace and attempt. Discord only
 * resumes a session the same client still holds; a new connection identifies afresh and Discord does
 * not redeliver what was sent meanwhile, hence {@link #redeliversUnacknowledgedEvents()} is false.
 */
@Extension
public class DiscordGateway implements Gateway {

    static final String PLATFORM = "discord";

    private final PluginContext plugin;
    /** Created with the first connection, on the plugin's executors; {@code null} until then. */
    private SharedPools shared;

    /**
     * The host's constructor: the plugin's executors carry the pools all bots share.
     *
     * @param plugin the plugin's host services
     */
    public DiscordGateway(PluginContext plugin) {
        this.plugin = plugin;
    }

    /** For validation outside a host (no connection can be opened). */
    public DiscordGateway() {
        this(null);
    }

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

    /** Discord allows one IDENTIFY per 5 s per bot (without large-bot sharding); a handover waits it out. */
    @Override
    public Duration minimumOpenInterval() {
        return Duration.ofSeconds(5);
    }

    /** {@code probeUrl}, or the REST API's {@code gateway} endpoint (any HTTP answer proves reachability). */
    @Override
    public URI probeUri(GatewaySettings settings) {
        return DiscordSettings.parse(settings).probeUrl();
    }

    /** {@code GET <apiUrl>users/@me} with the bot token; see {@link CredentialProbe}. */
    @Override
    public CredentialCheck checkCredentials(GatewaySettings settings, Duration timeout) {
        if (plugin == null) {
            throw new IllegalStateException("this DiscordGateway was built without the host's PluginContext;"
                    + " credentials are checked by a Gatehouse host, which passes it");
        }
        return new CredentialProbe(DiscordSettings.parse(settings), settings.path()).check(plugin.executors(), timeout);
    }

    @Override
    public GatewayConnection open(GatewayContext context) {
        return DiscordConnection.open(context, sharedPools());
    }

    private synchronized SharedPools sharedPools() {
        if (plugin == null) {
            throw new IllegalStateException("this DiscordGateway was built without the host's PluginContext;"
                    + " connections are opened by a Gatehouse host, which passes it");
        }
        if (shared == null) {
            shared = SharedPools.on(plugin.executors());
        }
        return shared;
    }
}
