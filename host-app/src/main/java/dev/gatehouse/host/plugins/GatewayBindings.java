package dev.gatehouse.host.plugins;

import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import java.util.List;
import java.util.Optional;

/** Which loaded gateway serves a platform: what connections need of the plugin runtime. */
public interface GatewayBindings {

    /** The gateway serving {@code platform}, if a started plugin serves it. */
    Optional<GatewayBinding> gateway(String platform);

    /** The platforms served now. */
    List<String> platforms();
}
