package dev.gatehouse.host.status;

import dev.gatehouse.host.heartbeat.HeartbeatStatus;
import dev.gatehouse.host.plugins.PluginStatus;
import java.util.List;

/**
 * Everything the host can say about itself, as one immutable snapshot.
 *
 * @param connections every configured connection
 * @param plugins every plugin loaded or rejected
 * @param heartbeat the heartbeat file
 * @param problems configuration entries the host could not act on (e.g. a platform no plugin serves)
 */
public record HostStatus(List<ConnectionStatus> connections, List<PluginStatus> plugins, HeartbeatStatus heartbeat,
        List<String> problems) {
}
