package dev.gatehouse.host.config;

import java.time.Duration;

/**
 * The connection-health policy, the {@code health:} section of the configuration. One instance applies
 * to every supervisor; defaults follow the system this re-designs (see README, "Policy").
 *
 * @param checkInterval how often each supervisor evaluates its connection
 * @param fastCheckInterval the evaluation period while the platform's network is down
 * @param staleAfter continuous disconnection after which the host forces a reconnect (for a transport
 *     that is not hookable: time without any sign of life)
 * @param maxReconnectAttempts consecutive failed attempts after which the process exits
 * @param backoffBase backoff after the first failed attempt (doubles per attempt, full jitter)
 * @param backoffCap the largest backoff
 * @param closeTimeout how long closing a connection may take before it counts as hung
 * @param openTimeout how long opening may take until the plugin reports "connected"
 * @param outageReportAfter a non-resumed reconnect after at least this long down is reported as an outage
 * @param probeTimeout timeout of the network probe
 * @param flapDetection whether flap detection is on
 * @param flapWindow the sliding window of flap detection
 * @param flapDownRatio the share of the window a connection must be down to count as flapping
 * @param stormGuard whether the storm guard is on
 * @param stormMaxDisconnects more socket losses than this within {@code stormWindow} is a storm
 * @param stormWindow the storm guard's window
 */
public record HealthPolicy(
        Duration checkInterval,
        Duration fastCheckInterval,
        Duration staleAfter,
        int maxReconnectAttempts,
        Duration backoffBase,
        Duration backoffCap,
        Duration closeTimeout,
        Duration openTimeout,
        Duration outageReportAfter,
        Duration probeTimeout,
        boolean flapDetection,
        Duration flapWindow,
        double flapDownRatio,
        boolean stormGuard,
        int stormMaxDisconnects,
        Duration stormWindow) {

    /** The defaults: 60 s ticks, 10 s while the network is down, stale after 180 s, 6 attempts, 10 s…300 s backoff. */
    public static HealthPolicy defaults() {
        return new HealthPolicy(
                Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(180), 6,
                Duration.ofSeconds(10), Duration.ofSeconds(300), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(10), Duration.ofSeconds(5),
                true, Duration.ofMinutes(10), 0.5,
                true, 10, Duration.ofSeconds(60));
    }

    /** A copy with another close bound. */
    public HealthPolicy withCloseTimeout(Duration d) {
        return new HealthPolicy(checkInterval, fastCheckInterval, staleAfter, maxReconnectAttempts, backoffBase, backoffCap, d,
                openTimeout, outageReportAfter, probeTimeout, flapDetection, flapWindow, flapDownRatio, stormGuard,
                stormMaxDisconnects, stormWindow);
    }

    /** Every duration scaled by one factor (for simulations and benchmarks). */
    public HealthPolicy scaled(double factor) {
        return new HealthPolicy(s(checkInterval, factor), s(fastCheckInterval, factor), s(staleAfter, factor),
                maxReconnectAttempts, s(backoffBase, factor), s(backoffCap, factor), s(closeTimeout, factor),
                s(openTimeout, factor), s(outageReportAfter, factor), s(probeTimeout, factor), flapDetection,
                s(flapWindow, factor), flapDownRatio, stormGuard, stormMaxDisconnects, s(stormWindow, factor));
    }

    private static Duration s(Duration d, double factor) {
        return Duration.ofNanos(Math.max(1_000_000L, (long) (d.toNanos() * factor)));
    }
}
