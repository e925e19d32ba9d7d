package dev.gatehouse.host.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, validated. Relative paths are already resolved against the configuration
 * file's folder. {@link #toString()} never shows a secret.
 *
 * @param source where it was read from (for messages), e.g. {@code /etc/gatehouse/gatehouse.yaml}
 * @param pluginsDir the plugins folder
 * @param pluginQuietPeriod how long a dropped jar must stay unchanged before it is considered complete
 * @param leakCheckTimeout how long an unloaded plugin's class loader may stay reachable before a leak is suspected
 * @param heartbeatFile the watchdog heartbeat file, if configured
 * @param heartbeatInterval how often the heartbeat file is written at most
 * @param health the connection-health policy
 * @param admin the admin HTTP API settings
 * @param workspaces every workspace's platform entries, in file order
 * @param secrets every secret value found, for redaction; never printed
 * @param backfill how gaps are backfilled, and where the ledger that survives a restart lives
 * @param cluster cluster mode's settings; empty when the host runs alone
 */
public record GatehouseConfig(
        String source,
        Path pluginsDir,
        Duration pluginQuietPeriod,
        Duration leakCheckTimeout,
        Optional<Path> heartbeatFile,
        Duration heartbeatInterval,
        HealthPolicy health,
        AdminSettings admin,
        Map<String, List<PlatformSettings>> workspaces,
        Set<String> secrets,
        BackfillPolicy backfill,
        Optional<ClusterSettings> cluster) {

    /** A configuration of a host running alone. */
    public GatehouseConfig(String source, Path pluginsDir, Duration pluginQuietPeriod, Duration leakCheckTimeout,
            Optional<Path> heartbeatFile, Duration heartbeatInterval, HealthPolicy health, AdminSettings admin,
            Map<String, List<PlatformSettings>> workspaces, Set<String> secrets, BackfillPolicy backfill) {
        this(source, pluginsDir, pluginQuietPeriod, leakCheckTimeout, heartbeatFile, heartbeatInterval, health, admin,
                workspaces, secrets, backfill, Optional.empty());
    }

    /** A configuration with the default backfill policy (in memory only). */
    public GatehouseConfig(String source, Path pluginsDir, Duration pluginQuietPeriod, Duration leakCheckTimeout,
            Optional<Path> heartbeatFile, Duration heartbeatInterval, HealthPolicy health, AdminSettings admin,
            Map<String, List<PlatformSettings>> workspaces, Set<String> secrets) {
        this(source, pluginsDir, pluginQuietPeriod, leakCheckTimeout, heartbeatFile, heartbeatInterval, health, admin,
                workspaces, secrets, BackfillPolicy.defaults());
    }

    /**
     * The admin HTTP API settings.
     *
     * @param enabled whether the API listens
     * @param host the address to bind
     * @param port the port (0 picks a free one)
     * @param token the bearer token required by every request, if set
     */
    public record AdminSettings(boolean enabled, String host, int port, Optional<String> token) {
        @Override
        public String toString() {
            return "AdminSettings[enabled=" + enabled + ", listen=" + host + ":" + port + ", token="
                    + (token.isPresent() ? "set" : "none") + "]";
        }
    }

    /** @return every platform entry of every workspace */
    public List<PlatformSettings> allPlatforms() {
        List<PlatformSettings> out = new ArrayList<>();
        workspaces.values().forEach(out::addAll);
        return out;
    }

    /** @return a copy with another health policy (embedding and tests) */
    public GatehouseConfig withHealth(HealthPolicy policy) {
        return new GatehouseConfig(source, pluginsDir, pluginQuietPeriod, leakCheckTimeout, heartbeatFile, heartbeatInterval,
                policy, admin, workspaces, secrets, backfill, cluster);
    }

    /** @return a copy with another backfill policy (embedding and tests) */
    public GatehouseConfig withBackfill(BackfillPolicy policy) {
        return new GatehouseConfig(source, pluginsDir, pluginQuietPeriod, leakCheckTimeout, heartbeatFile, heartbeatInterval,
                health, admin, workspaces, secrets, policy, cluster);
    }

    /** @return a copy in cluster mode with these settings, or running alone (embedding and tests) */
    public GatehouseConfig withCluster(Optional<ClusterSettings> settings) {
        return new GatehouseConfig(source, pluginsDir, pluginQuietPeriod, leakCheckTimeout, heartbeatFile, heartbeatInterval,
                health, admin, workspaces, secrets, backfill, settings);
    }

    @Override
    public String toString() {
        return "GatehouseConfig[" + source + ", plugins=" + pluginsDir + ", heartbeat=" + heartbeatFile.orElse(null)
                 + ", health=" + health + ", backfill=" + backfill + ", cluster=" + cluster.map(Object::toString).orElse("none") + ", admin=" + admin + ", workspaces=" + allPlatforms() + "]";
    }
}
