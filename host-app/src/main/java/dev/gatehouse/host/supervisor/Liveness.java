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

    /** Any sign of life: a frame, an event, a (re)connection. */
    void alive(long nowNanos) {
        lastAliveNanos = nowNanos;
    }

    boolean isStale(Attempt a, ConnectionState state, Downtime downtime, long nowNanos, Duration staleAfter) {
        if (a == null || a.phase != Phase.LIVE) {
            return false;
        }
        if (!a.hookable) {
            return nowNanos - lastAliveNanos > staleAfter.toNanos();
        }
        return state == DISCONNECTED && downtime.isDown() && downtime.downFor(nowNanos).compareTo(staleAfter) > 0;
    }

    /** Why a stale connection is stale, for logs and the forced reconnect's cause. */
    String why(Attempt a, Downtime downtime, long nowNanos, Duration staleAfter) {
        return a.hookable
                ? "down for " + downtime.downFor(nowNanos).toSeconds() + " s (stale after " + staleAfter.toSeconds() + " s)"
                : "no sign of life for " + Duration.ofNanos(nowNanos - lastAliveNanos).toSeconds()
                        + " s (transport not hookable)";
    }
}
