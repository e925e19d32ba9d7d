package dev.gatehouse.host.cluster.zookeeper;

import dev.gatehouse.host.cluster.Ownership;
import dev.gatehouse.host.cluster.OwnershipProvider;
import dev.gatehouse.host.config.ClusterSettings;
import dev.gatehouse.host.time.Ticker;
import java.time.Duration;
import java.util.function.Supplier;

/** Cluster mode on ZooKeeper; found by the host with {@link java.util.ServiceLoader}. */
public final class ZooKeeperOwnershipProvider implements OwnershipProvider {

    @Override
    public Ownership create(ClusterSettings settings, Supplier<Duration> closeTimeout) {
        return new ZooKeeperOwnership(settings, closeTimeout, Ticker.system());
    }
}
