package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.status.OutageEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * When a connection went down and how it is doing over time: the start of the current disconnection,
 * the flap detector's window, and the instant of the last deliberate stop (a plugin swap counts the
 * time since as downtime). Confined to the owning supervisor's mailbox.
 */
final class Downtime {

    private long sinceNanos = -1;
    private Instant since;
    private long stoppedAtNanos = -1;
    private Instant stoppedAt;
    private FlapDetector flap = new FlapDetector(0);
    /** Report the next fresh (not resumed) session as an outage whatever the gap: set by a plugin swap. */
    private boolean reportNextFreshSession;

    /** Starts observing again: after a swap the time since the stop counts as down, otherwise forgotten. */
    void restart(long nowNanos, boolean continueDowntime, boolean reportFreshSession) {
        reportNextFreshSession = reportFreshSession;
        if (continueDowntime && stoppedAtNanos >= 0 && sinceNanos < 0) {
            sinceNanos = stoppedAtNanos;
            since = stoppedAt;
        } else if (!continueDowntime) {
            sinceNanos = -1;
            since = null;
        }
        flap = new FlapDetector(nowNanos);
    }

    void stopped(long nowNanos, Instant at) {
        stoppedAtNanos = nowNanos;
        stoppedAt = at;
    }

    /** The transport went down (idempotent: the first instant counts). */
    void down(long nowNanos, Instant at) {
        if (sinceNanos < 0) {
            sinceNanos = nowNanos;
            since = at;
        }
        flap.down(nowNanos);
    }

    boolean isDown() {
        return sinceNanos >= 0;
    }

    /** How long the current disconnection lasts at {@code nowNanos}. */
    Duration downFor(long nowNanos) {
        return Duration.ofNanos(nowNanos - sinceNanos);
    }

    /** The wall-clock start of the current disconnection, or {@code null}. */
    Instant since() {
        return since;
    }

    /**
     * A disconnection that ended.
     *
     * @param length how long it lasted
     * @param outage its report, if it ended on a fresh session after more than the report threshold (or
     *     after a plugin swap); {@code null} otherwise
     */
    record Gap(Duration length, OutageEvent outage) {
    }

    /**
     * The transport is up again; the disconnection, if any, is over.
     *
     * @return the gap, or {@code null} if the connection was not down
     */
    Gap up(ConnectionKey key, long nowNanos, Instant at, boolean resumed, Duration reportAfter) {
        Gap gap = null;
        if (isDown()) {
            Duration length = downFor(nowNanos);
            boolean outage = !resumed && (length.compareTo(reportAfter) > 0 || reportNextFreshSession);
            gap = new Gap(length, outage ? new OutageEvent(key.workspace(), key.platform(), since, at, length) : null);
        }
        reportNextFreshSession = false;
        sinceNanos = -1;
        since = null;
        flap.up(nowNanos);
        return gap;
    }

    FlapDetector flap() {
        return flap;
    }
}
