package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayHealth;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what JDA shows of its gateway socket into facts for the host's {@link GatewayHealth}: one
 * "disconnected" per socket loss (the host's storm guard counts them), "connected" per session start,
 * "alive" per heartbeat ACK and dispatch, "fatal" for close codes retrying cannot fix. It also watches
 * for what JDA notices late or never:
 * <ul>
 *   <li>a zombie socket, no heartbeat ACK for {@code zombieMultiple} observed intervals (JDA waits 3,
 *       and on a black-holed socket another 10–20 s for its close handshake): reported, then the socket
 *       is dropped so JDA resumes at once;</li>
 *   <li>a loss JDA never explained (no {@code SessionDisconnectEvent} within a second);</li>
 *   <li>a stuck session: the host was told "connected" but JDA's own status has not been CONNECTED for
 *       {@code loginTimeout}. This reads JDA's status itself, not its events, so it also catches a
 *       sequence of events this class did not foresee (a level-triggered safety net behind the
 *       per-socket reports).</li>
 * </ul>
 * Decisions about reconnecting stay with the host. Methods are called from JDA's threads (the listener
 * runs where JDA fires the event, see {@link GatewayEvents}) and the plugin's watch; state is guarded
 * by {@code this}, and nothing under the lock blocks or takes a lock of JDA's. Health calls are made
 * under the lock so the host sees them in decision order; {@link GatewayHealth} never blocks or calls back.
 */
final class TransportMonitor {

    private static final Logger log = LoggerFactory.getLogger(TransportMonitor.class);
    /** SessionDisconnectEvent follows status DISCONNECTED within microseconds; after this, report without it. */
    static final long UNEXPLAINED_LOSS_NANOS = Duration.ofSeconds(1).toNanos();
    /** Liveness from dispatches is reported at most this often; far below any staleness bound of the host. */
    static final long ALIVE_SPACING_NANOS = Duration.ofMillis(100).toNanos();
    private static final long NEVER = Long.MIN_VALUE;

    private final String label;
    private final GatewayHealth health;
    private final Runnable dropSocket;
    private final LongSupplier nanos;
    private final double zombieMultiple;
    private final long loginTimeoutNanos;
    private final IntFunction<Optional<String>> fatalCloses;
    private final Supplier<JDA.Status> jdaStatus;

    /** When a dispatch was last reported as liveness; written by the read thread only, volatile for the next socket's. */
    private volatile long lastAliveNanos = NEVER;

    // Everything below is guarded by this.
    private final HeartbeatCadence cadence = new HeartbeatCadence();
    private boolean socketOpen;
    private long lastAckNanos;
    /** The current (or last) socket's loss was reported: at most one report per socket. */
    private boolean lossReported;
    /** When the socket closed without its loss reported yet, or -1. */
    private long pendingLossSince = -1;
    /** The last thing told to the host was "connected". */
    private boolean reportedConnected;
    /** Since when JDA's status is not CONNECTED although the host was told "connected", or -1. */
    private long notConnectedSince = -1;
    /** Our own close began, or JDA shut down: nothing more to report. */
    private boolean finished;

    /**
     * @param label e.g. {@code discord/acme epoch 3}, for log lines
     * @param dropSocket closes JDA's current gateway socket so that JDA reconnects (resumes) at once
     * @param nanos the monotonic clock
     * @param fatalCloses what to fix for a close code that rules out retrying, or empty
     * @param jdaStatus JDA's current status, read directly
     */
    TransportMonitor(String label, GatewayHealth health, Runnable dropSocket, LongSupplier nanos, double zombieMultiple,
            Duration loginTimeout, IntFunction<Optional<String>> fatalCloses, Supplier<JDA.Status> jdaStatus) {
        this.label = label;
        this.health = health;
        this.dropSocket = dropSocket;
        this.nanos = nanos;
        this.zombieMultiple = zombieMultiple;
        this.loginTimeoutNanos = loginTimeout.toNanos();
        this.fatalCloses = fatalCloses;
        this.jdaStatus = jdaStatus;
    }

    /** JDA's status changed ({@code StatusChangeEvent} fires only on a change). */
    synchronized void status(JDA.Status now) {
        switch (now) {
            case IDENTIFYING_SESSION -> socketOpened();
            case DISCONNECTED -> socketClosed();
            case WAITING_TO_RECONNECT, RECONNECT_QUEUED -> reportPendingLoss("gateway socket closed; JDA is reconnecting");
            default -> {
                // the other statuses say nothing about the socket that the ones above do not
            }
        }
    }

    /** JDA set IDENTIFYING_SESSION: a WebSocket was upgraded and JDA sent IDENTIFY or RESUME. */
    private void socketOpened() {
        if (finished) {
            return;
        }
        reportPendingLoss("gateway socket closed");
        long now = nanos.getAsLong();
        socketOpen = true;
        lastAckNanos = now; // the first heartbeat goes out right on HELLO: count from the open
        cadence.newSocket();
        lossReported = false;
        health.reportOpenSockets(1);
    }

    /** JDA set DISCONNECTED: the socket is gone; the reason follows in a SessionDisconnectEvent. */
    private void socketClosed() {
        if (!socketOpen) {
            return;
        }
        socketOpen = false;
        health.reportOpenSockets(0);
        if (!lossReported && !finished) {
            pendingLossSince = nanos.getAsLong();
        }
    }

    /** JDA's SessionDisconnectEvent: the loss, with its reason; JDA is about to reconnect. */
    synchronized void lossExplained(String cause) {
        reportPendingLoss(cause);
    }

    /** ReadyEvent / SessionRecreateEvent (fresh session: events may be lost) or SessionResumeEvent. */
    synchronized void sessionStarted(boolean resumed) {
        if (finished) {
            return;
        }
        reportedConnected = true;
        notConnectedSince = -1;
        health.markConnected(resumed);
    }

    /** A GatewayPingEvent: one per heartbeat ACK. */
    synchronized void heartbeatAcked() {
        long now = nanos.getAsLong();
        lastAckNanos = now;
        cadence.ack(now);
        health.markAlive();
    }

    /**
     * Any dispatch: proof of inbound life. Reported at most once per {@link #ALIVE_SPACING_NANOS}: each
     * report is a task for the host's supervisor, and a burst of dispatches proves no more than its first.
     * Called on JDA's read thread only (one socket at a time), so the field needs no lock.
     */
    void dispatched() {
        long now = nanos.getAsLong();
        long last = lastAliveNanos;
        if (last == NEVER || now - last >= ALIVE_SPACING_NANOS) {
            lastAliveNanos = now;
            health.markAlive();
        }
    }

    /** JDA shut down on its own (its ShutdownEvent outside our close): fatal, or at least down for good. */
    synchronized void shutDown(int closeCode) {
        if (finished) {
            return;
        }
        finished = true;
        socketOpen = false;
        health.reportOpenSockets(0);
        Optional<String> fix = fatalCloses.apply(closeCode);
        if (fix.isPresent()) {
            log.error("{}: {}", label, fix.get());
            health.markFatal(fix.get());
        } else {
            disconnected("JDA shut down after close code " + closeCode + " and will not reconnect by itself");
        }
    }

    /** Our close began: whatever JDA reports from now on is the shutdown we asked for. */
    synchronized void closing() {
        finished = true;
    }

    /** Periodic check (a few times per second) for what JDA notices late or never. */
    void check() {
        boolean drop;
        synchronized (this) {
            drop = checkLocked(nanos.getAsLong());
        }
        if (drop) {
            dropSocket.run();
        }
    }

    private boolean checkLocked(long now) {
        if (finished) {
            return false;
        }
        if (pendingLossSince >= 0 && now - pendingLossSince > UNEXPLAINED_LOSS_NANOS) {
            reportPendingLoss("gateway socket closed (JDA gave no reason)");
        }
        long interval = cadence.intervalNanos();
        long silent = now - lastAckNanos;
        if (socketOpen && !lossReported && interval > 0 && silent > zombieMultiple * interval) {
            lossReported = true;
            String cause = String.format("zombie gateway socket: no heartbeat ACK for %d ms (%.1f x the observed"
                    + " heartbeat interval of %d ms); dropping it so JDA resumes", millis(silent), zombieMultiple,
                    millis(interval));
            log.warn("{}: {}", label, cause);
            disconnected(cause);
            return true;
        }
        checkStuck(now);
        return false;
    }

    private void checkStuck(long now) {
        JDA.Status current = reportedConnected ? jdaStatus.get() : JDA.Status.CONNECTED;
        if (current == JDA.Status.CONNECTED) {
            notConnectedSince = -1;
        } else if (notConnectedSince < 0) {
            notConnectedSince = now;
        } else if (now - notConnectedSince > loginTimeoutNanos) {
            disconnected("JDA has had no confirmed Discord session for " + millis(now - notConnectedSince) / 1000
                    + " s (status " + current + ")");
        }
    }

    private void reportPendingLoss(String cause) {
        if (pendingLossSince < 0) {
            return;
        }
        pendingLossSince = -1;
        lossReported = true;
        disconnected(cause);
    }

    private void disconnected(String cause) {
        reportedConnected = false;
        notConnectedSince = -1;
        log.info("{}: disconnected: {}", label, cause);
        health.markDisconnected(cause);
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }
}
