package dev.gatehouse.host.config;

import dev.gatehouse.api.Durations;
import java.time.Duration;

/**
 * Cluster mode: several hosts share the configured connections through a ZooKeeper ensemble, each
 * connection owned by at most one of them at a time. Absent from the configuration, the host runs alone.
 *
 * @param zookeeper the ensemble's connect string, e.g. {@code zk1:2181,zk2:2181,zk3:2181}
 * @param namespace the ZooKeeper folder of this deployment (hosts of one deployment share it)
 * @param hostId this host's name in the cluster: unique and stable
 * @param sessionTimeout the ZooKeeper session timeout: how long a silent host keeps its connections
 *        before the others take them over
 */
public record ClusterSettings(String zookeeper, String namespace, String hostId, Duration sessionTimeout) {

    /** The default session timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** How much sooner than the session could expire a fenced host's connections must be closed. */
    public static final Duration SAFETY_MARGIN = Duration.ofSeconds(1);
    /** How many times (close timeout + margin) the session timeout must be at least. */
    public static final int SESSION_TO_CLOSE_RATIO = 3;

    /**
     * Why a host could not keep the promise "closed before the session can expire" with these settings,
     * or {@code null} when it can: a host fences itself (closes what it owns) once it has not heard from
     * ZooKeeper for {@code sessionTimeout - (closeTimeout + margin)}; that must leave room for a normal
     * round of pings, so the session timeout must be at least 3 x (closeTimeout + 1s).
     */
    public static String unsafeWith(Duration sessionTimeout, Duration closeTimeout) {
        Duration needed = closeTimeout.plus(SAFETY_MARGIN).multipliedBy(SESSION_TO_CLOSE_RATIO);
        if (sessionTimeout.compareTo(needed) >= 0) {
            return null;
        }
        return "cluster.sessionTimeout: " + Durations.format(sessionTimeout) + " is shorter than " + SESSION_TO_CLOSE_RATIO
                + " x (health.closeTimeout " + Durations.format(closeTimeout) + " + " + Durations.format(SAFETY_MARGIN) + ") = "
                + Durations.format(needed) + ": a host cut off from ZooKeeper could not close its connections before another"
                + " host takes them over; raise cluster.sessionTimeout to " + Durations.format(needed)
                + " or more, or lower health.closeTimeout";
    }

    /**
     * The close bound cluster mode uses when the configuration sets none: the longest the session
     * timeout allows (10 s gives 2.33 s), at most the single-host default.
     */
    public static Duration defaultCloseTimeout(Duration sessionTimeout, Duration singleHostDefault) {
        Duration most = Duration.ofMillis(sessionTimeout.dividedBy(SESSION_TO_CLOSE_RATIO).minus(SAFETY_MARGIN).toMillis());
        return most.compareTo(singleHostDefault) < 0 ? most : singleHostDefault;
    }

    @Override
    public String toString() {
        return "ClusterSettings[zookeeper=" + zookeeper + ", namespace=" + namespace + ", hostId=" + hostId
                + ", sessionTimeout=" + Durations.format(sessionTimeout) + "]";
    }
}
