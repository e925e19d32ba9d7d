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
 * @param cluster the cluster as this host sees it; {@code null} when the host runs alone
 */
public record HostStatus(List<ConnectionStatus> connections, List<PluginStatus> plugins, HeartbeatStatus heartbeat,
        List<String> problems, ClusterStatus cluster) {

    /** The status of a host running alone. */
    public HostStatus(List<ConnectionStatus> connections, List<PluginStatus> plugins, HeartbeatStatus heartbeat,
            List<String> problems) {
        this(connections, plugins, heartbeat, problems, null);
    }
}
