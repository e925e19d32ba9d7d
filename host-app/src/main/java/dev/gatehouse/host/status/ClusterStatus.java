package dev.gatehouse.host.status;

import java.util.List;

/**
 * What one host knows of its cluster.
 *
 * @param hostId this host's id
 * @param members the live hosts, sorted
 * @param zookeeper this host's link to ZooKeeper: CONNECTING, CONNECTED, SUSPENDED or LOST
 * @param owners every connection that has an owner, as this host last saw it
 * @param fenced why this host holds no lease right now, or {@code null}
 */
public record ClusterStatus(String hostId, List<String> members, String zookeeper, List<Owner> owners, String fenced) {

    /** One connection's owner. */
    public record Owner(String workspace, String platform, String hostId) {
    }

    public ClusterStatus {
        members = List.copyOf(members);
        owners = List.copyOf(owners);
    }

    /** The host that owns a connection, or {@code null} if none does. */
    public String ownerOf(String workspace, String platform) {
        for (Owner o : owners) {
            if (o.workspace().equals(workspace) && o.platform().equals(platform)) {
                return o.hostId();
            }
        }
        return null;
    }
}
