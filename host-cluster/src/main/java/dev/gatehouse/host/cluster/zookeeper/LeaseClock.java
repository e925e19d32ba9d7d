package dev.gatehouse.host.cluster.zookeeper;

import java.time.Duration;

/**
 * When this host must have closed what it owns, judged by its own monotonic clock (never the
 * server's): the ZooKeeper ensemble cannot expire this host's session before {@code sessionTimeout}
 * has passed since it last heard from the host, and it heard from the host no earlier than the send of
 * the last request the host got an answer to. The host starts closing its connections {@code lead}
 * (its close bound plus a margin) before that, so they are closed before any other host can own them,
 * even if the host never hears from ZooKeeper again.
 *
 * <p>{@code lag} covers the server that answered telling the ensemble's leader about the session late
 * (followers report session activity once per ping, every tickTime/2, at most a quarter of any
 * session timeout the ensemble accepts).
 */
final class LeaseClock {

    private long leadNanos;
    private long sessionNanos;
    /** Send time of the last answered request; valid only if {@link #confirmed}. */
    private long confirmedSend;
    private boolean confirmed;

    /**
     * @param sessionTimeout the requested session timeout (the negotiated one, if shorter, replaces it)
     * @param lead how long before the earliest possible expiry the host starts closing its connections
     */
    LeaseClock(Duration sessionTimeout, Duration lead) {
        this.sessionNanos = sessionTimeout.toNanos();
        this.leadNanos = lead.toNanos();
    }

    /** A new lead (the host's close bound changed with a configuration reload). */
    synchronized void lead(Duration lead) {
        leadNanos = lead.toNanos();
    }

    /** The session timeout the server granted (it may shorten the requested one). */
    synchronized void negotiated(Duration timeout) {
        if (timeout.toNanos() > 0) {
            sessionNanos = Math.min(sessionNanos, timeout.toNanos());
        }
    }

    /** A request sent at {@code sentNanos} was answered on the current session. */
    synchronized void answered(long sentNanos) {
        if (!confirmed || sentNanos - confirmedSend > 0) {
            confirmedSend = sentNanos;
            confirmed = true;
        }
    }

    /** The session ended (expired or closed): nothing is held under it any more. */
    synchronized void sessionEnded() {
        confirmed = false;
    }

    /** The instant (in ticker nanos) from which this host may hold nothing. Only meaningful if {@link #held}. */
    synchronized long fenceAt() {
        long lag = sessionNanos / 4;
        return confirmedSend + sessionNanos - lag - leadNanos;
    }

    /** Whether a lease may be held at {@code nowNanos}. */
    synchronized boolean held(long nowNanos) {
        return confirmed && nowNanos - fenceAt() < 0;
    }

    /** The session timeout in force. */
    synchronized Duration sessionTimeout() {
        return Duration.ofNanos(sessionNanos);
    }
}
