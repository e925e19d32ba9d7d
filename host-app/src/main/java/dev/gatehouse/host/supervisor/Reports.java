package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import java.time.Instant;

/**
 * What a supervisor tells the world — log lines, listener calls, the exit request — each queued as an
 * effect of the running task, so that it runs after the state change it reports and never on the
 * thread that sent a signal. Confined to the owning supervisor's mailbox.
 */
final class Reports {

    private final ConnectionKey key;
    private final Mailbox mailbox;
    private final EpochLog log;
    private final SupervisorListener listener;
    private final ProcessExit exit;
    private final Tally tally;

    Reports(ConnectionKey key, Mailbox mailbox, EpochLog log, SupervisorListener listener, ProcessExit exit, Tally tally) {
        this.key = key;
        this.mailbox = mailbox;
        this.log = log;
        this.listener = listener;
        this.exit = exit;
        this.tally = tally;
    }

    void log(long epoch, boolean error, String format, Object... args) {
        mailbox.effect(log.line(epoch, error, format, args));
    }

    void transition(long epoch, ConnectionState from, ConnectionState to, String cause) {
        log(epoch, false, "{} -> {} ({})", from, to, cause);
        mailbox.effect(() -> listener.onTransition(key, epoch, from, to, cause));
    }

    void reconnect(ReconnectKind kind) {
        tally.reconnect(kind);
        mailbox.effect(() -> listener.onReconnect(key, kind));
    }

    void stale(boolean networkUp) {
        mailbox.effect(() -> listener.onStale(key, networkUp));
    }

    /** A disconnection ended: its length, and its outage report if it ended on a fresh session past the threshold. */
    void gap(long epoch, Downtime.Gap gap) {
        mailbox.effect(() -> listener.onDowntime(key, gap.length()));
        if (gap.outage() != null) {
            OutageEvent o = gap.outage();
            tally.lastOutage = o;
            log(epoch, true, "outage: down from {} to {} ({} s) on a fresh session; events may have been lost",
                    o.downFrom(), o.upAt(), gap.length().toSeconds());
            mailbox.effect(() -> listener.onOutage(o));
        }
    }

    /** A session came up: after the gap's outage report, before the transition to CONNECTED (backfill starts here). */
    void sessionUp(long epoch, boolean resumed, Instant downFrom, Downtime.Gap gap) {
        OutageEvent outage = gap == null ? null : gap.outage();
        mailbox.effect(() -> listener.onSessionUp(key, epoch, resumed, downFrom, outage));
    }

    /** Too many consecutive failed attempts: logged at ERROR, then the listener, then the exit request. */
    void gaveUp(long epoch, int failures, String cause) {
        String reason = key + ": " + failures + " consecutive failed connection attempts, the last: " + cause;
        log(epoch, true, "giving up after {} consecutive failed attempts (last: {})", failures, cause);
        tally.lastError = "gave up after " + failures + " consecutive failed attempts; the last: " + cause;
        mailbox.effect(() -> listener.onGiveUp(key, reason));
        mailbox.effect(() -> exit.exit(ExitCodes.RECONNECTS_EXHAUSTED, reason));
    }
}
