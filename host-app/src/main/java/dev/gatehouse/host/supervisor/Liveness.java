package dev.gatehouse.host.supervisor;

import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.supervisor.Attempt.Phase;
import java.time.Duration;

/**
 * Whether a live connection is stale, and why. A hookable transport is stale once it has been
 * continuously disconnected past {@code staleAfter}, whatever the event traffic (an idle but connected
 * bot is never stale); only a transport that could not be hooked is judged by the time since its last
 * sign of life. Confined to the owning supervisor's mailbox.
 */
final class Liveness {

    private long lastAliveNanos;

    /** A sign of life the supervisor saw itself: a (re)connection, a hand-over. */
    void alive(long nowNanos) {
        lastAliveNanos = nowNanos;
    }

    /** The later of what the supervisor saw and the plugin's latest {@link HealthHandle#markAlive} on this attempt. */
    private long lastAlive(Attempt a) {
        long marked = a.handle.lastAliveNanos();
        return marked == HealthHandle.NEVER || marked - lastAliveNanos < 0 ? lastAliveNanos : marked;
    }

    boolean isStale(Attempt a, ConnectionState state, Downtime downtime, long nowNanos, Duration staleAfter) {
        if (a == null || a.phase != Phase.LIVE) {
            return false;
        }
        if (!a.hookable) {
            return nowNanos - lastAlive(a) > staleAfter.toNanos();
        }
        return state == DISCONNECTED && downtime.isDown() && downtime.downFor(nowNanos).compareTo(staleAfter) > 0;
    }

    /** Why a stale connection is stale, for logs and the forced reconnect's cause. */
    String why(Attempt a, Downtime downtime, long nowNanos, Duration staleAfter) {
        return a.hookable
                ? "down for " + downtime.downFor(nowNanos).toSeconds() + " s (stale after " + staleAfter.toSeconds() + " s)"
                : "no sign of life for " + Duration.ofNanos(nowNanos - lastAlive(a)).toSeconds()
                        + " s (transport not hookable)";
    }
}
