package dev.gatehouse.host.cluster;

import dev.gatehouse.host.backfill.LedgerStore;
import dev.gatehouse.host.status.ClusterStatus;
import dev.gatehouse.host.supervisor.ConnectionKey;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which connections this host may run. Running alone, all of them; in a cluster, those whose lease
 * this host holds, so that no connection ever has two owners. The host opens a connection only while
 * {@link #holds} says its lease is valid, and closes it when the lease is revoked.
 *
 * <p>Implementations never call the host under a lock of their own and never wait on the host without
 * a bound; the host never calls them under its registry's lock.
 */
public interface Ownership extends AutoCloseable {

    /** Why a connection's ownership changed here (the {@code reason} label of {@code gatehouse_ownership_changes_total}). */
    enum Change {
        /** This host took the connection. */
        GRANTED,
        /** Handed to another host to balance the shares (a host joined, or this one has more than its share). */
        MOVED,
        /** This host is no longer configured to run it. */
        UNCONFIGURED,
        /** This host lost its lease (cut off from ZooKeeper, or its session ended): closed before another host can own it. */
        FENCED,
        /** This host is leaving the cluster (shutting down). */
        LEAVING;

        /** The metric label. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the ownership asks of the host. */
    interface Owner {
        /**
         * This host now owns the connection, under the lease {@code fence} (a number that grows with each
         * new lease on that connection): open it if it is enabled.
         */
        void grant(ConnectionKey key, long fence);

        /**
         * This host must give the connection up: close it. Completes once its close returned; only then
         * may another host own it (unless the lease ran out meanwhile: then the lease clock's bound holds).
         */
        CompletionStage<Void> revoke(ConnectionKey key, Change why, String reason);

        /** The state of each connection this host runs now (for the other hosts' status). Cheap; never blocks. */
        default Map<ConnectionKey, String> states() {
            return Map.of();
        }
    }

    /**
     * Joins: from now on the owner is granted and revoked connections among {@code wanted}. Returns at
     * once; what keeps this host from owning anything (no ensemble, its id taken) shows in {@link #status()}.
     */
    void start(Owner owner, Set<ConnectionKey> wanted);

    /** The connections this host is configured to run changed (added, removed, enabled, disabled). */
    void wanted(Set<ConnectionKey> keys);

    /** Whether this host still holds the lease it was granted {@code key} under. Cheap; called before each open. */
    boolean holds(ConnectionKey key, long fence);

    /** What this host knows of the cluster now; never blocks on the network. */
    ClusterStatus status();

    /**
     * Where the backfill ledgers live when the hosts share them (cluster mode); empty: each host keeps its
     * own (the state folder). Writes succeed only for connections this host owns or is handing over.
     */
    default Optional<LedgerStore> ledgerStore() {
        return Optional.empty();
    }

    /**
     * An operator's move: pins the connection to host {@code hostId}, which then owns it (handed over as
     * a planned move: closed where it runs, then opened there) for as long as that host is a member, so
     * the balancing leaves it there; {@code null} removes the pin and lets the cluster place it again.
     * Completes once the cluster has recorded it; fails with {@link IllegalArgumentException} for a host
     * that is not a member, {@link IllegalStateException} when this host cannot do it now (alone, or not
     * connected to ZooKeeper).
     */
    default CompletionStage<Void> pin(ConnectionKey key, String hostId) {
        return CompletableFuture.failedFuture(new IllegalStateException(
                "this host runs alone (no cluster section): there is no other host to move a connection to"));
    }

    /** Revokes every connection (waiting for their closes, bounded), then leaves the cluster. */
    @Override
    void close();

    /** A host running alone: owns everything, forever (the registry makes each connection owned as it is added). */
    Ownership ALONE = new Ownership() {
        @Override
        public void start(Owner owner, Set<ConnectionKey> wanted) {
        }

        @Override
        public void wanted(Set<ConnectionKey> keys) {
        }

        @Override
        public boolean holds(ConnectionKey key, long fence) {
            return true;
        }

        @Override
        public ClusterStatus status() {
            return null;
        }

        @Override
        public void close() {
        }
    };
}
