package dev.gatehouse.host.cluster;

import dev.gatehouse.host.config.ClusterSettings;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Makes the {@link Ownership} of cluster mode. Found with {@link java.util.ServiceLoader} on the host's
 * class path, so that a host running alone needs no coordination library: the gatehouse distribution
 * ships one (host-cluster, on ZooKeeper); an embedding application adds it as a dependency.
 */
public interface OwnershipProvider {

    /**
     * @param settings the configuration's cluster section
     * @param closeTimeout how long the host's close of a connection may take at most, now (a configuration
     *        reload may change it; the fence starts
     *        this much, plus a margin, before the lease could end)
     */
    Ownership create(ClusterSettings settings, Supplier<Duration> closeTimeout);
}
