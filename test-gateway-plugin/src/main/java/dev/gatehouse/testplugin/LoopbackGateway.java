package dev.gatehouse.testplugin;

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
 * The {@code loopback} platform: a line protocol over one TCP socket to {@code 127.0.0.1:<port>}.
 * The server drives the health signals (see {@link LoopbackConnection}); tests use it to prove the
 * host with a real plugin jar in a real PF4J class loader.
 */
@Extension
public class LoopbackGateway implements Gateway {

    private final PluginContext plugin;

    public LoopbackGateway(PluginContext plugin) {
        this.plugin = plugin;
    }

    @Override
    public String platform() {
        return "loopback";
    }

    @Override
    public void validate(GatewaySettings settings) {
        int port = settings.integer("port", -1);
        if (port < 1 || port > 65535) {
            throw settings.invalid("port", "expected the loopback server's TCP port (1-65535)");
        }
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("credential");
    }

    /** The loopback server redelivers unacknowledged events on the next connection, like Slack. */
    @Override
    public boolean redeliversUnacknowledgedEvents() {
        return true;
    }

    @Override
    public URI probeUri(GatewaySettings settings) {
        return settings.uri("probeUrl", URI.create("http://127.0.0.1:" + settings.integer("port", 0) + "/probe"));
    }

    @Override
    public CredentialCheck checkCredentials(GatewaySettings settings, Duration timeout) throws Exception {
        return LoopbackCheck.check(settings, timeout);
    }

    @Override
    public GatewayConnection open(GatewayContext context) throws Exception {
        return LoopbackConnection.open(context, plugin.pluginId());
    }
}
