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
 * @param pins the connections an operator moved to a host ({@code gatehouse cluster move}), that host as {@code hostId}
 */
public record ClusterStatus(String hostId, List<String> members, String zookeeper, List<Owner> owners, String fenced,
        List<Owner> pins) {

    /**
     * One connection's owner, with the connection's state as that host last published it ({@code null}
     * when not known; at most {@code sessionTimeout / 6} old).
     */
    public record Owner(String workspace, String platform, String hostId, String state) {
        public Owner(String workspace, String platform, String hostId) {
            this(workspace, platform, hostId, null);
        }
    }

    public ClusterStatus {
        members = List.copyOf(members);
        owners = List.copyOf(owners);
        pins = List.copyOf(pins);
    }

    /** Without pins. */
    public ClusterStatus(String hostId, List<String> members, String zookeeper, List<Owner> owners, String fenced) {
        this(hostId, members, zookeeper, owners, fenced, List.of());
    }

    /** The host that owns a connection, or {@code null} if none does. */
    public String ownerOf(String workspace, String platform) {
        Owner o = find(owners, workspace, platform);
        return o == null ? null : o.hostId();
    }

    /** The connection's state as its owner last published it, or {@code null}. */
    public String ownerStateOf(String workspace, String platform) {
        Owner o = find(owners, workspace, platform);
        return o == null ? null : o.state();
    }

    /** The host a connection is pinned to, or {@code null}. */
    public String pinOf(String workspace, String platform) {
        Owner o = find(pins, workspace, platform);
        return o == null ? null : o.hostId();
    }

    private static Owner find(List<Owner> list, String workspace, String platform) {
        for (Owner o : list) {
            if (o.workspace().equals(workspace) && o.platform().equals(platform)) {
                return o;
            }
        }
        return null;
    }
}
