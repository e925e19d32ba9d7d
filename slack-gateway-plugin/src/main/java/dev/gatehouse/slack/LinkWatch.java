package dev.gatehouse.slack;

import dev.gatehouse.api.GatewayHealth;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives the connection's state from the SDK's lifecycle, which has no state API of its own, and
 * reports it to {@link GatewayHealth}:
 *
 * <ul>
 *   <li>{@code hello} ⇒ connected (never resumed: Slack cannot resume) and alive, plus the socket
 *       census;</li>
 *   <li>a socket the client closed itself (the superseded one after a refresh, code 1000 "… did it")
 *       and a close of any socket but the current one are ignored. A close of the current session is
 *       a verified loss: unless a newer {@code hello} arrived or a newer session is open by the time a
 *       host thread looks, the connection is reported down and {@link Reconnector} reconnects at
 *       once;</li>
 *   <li>a socket that stopped answering pings ({@link Heartbeat}) is replaced at once, reported
 *       down only if the replacement fails;</li>
 *   <li>a held disconnect message ({@link DisconnectPolicy#HOLD}) ⇒ reconnecting is stopped, the socket
 *       closed and the connection reported down.</li>
 * </ul>
 *
 * <p>One {@code markDisconnected} per loss: the flag resets with the next {@code hello}.
 */
final class LinkWatch {

    private static final Logger log = LoggerFactory.getLogger(LinkWatch.class);

    /** The close reason Tyrus's client gives sockets it closes itself (team note §5). */
    static final String CLOSED_BY_CLIENT = SlackSocket.CLOSED_BY_CLIENT;

    /** What the watch needs of the client. */
    interface Link {
        /** Whether the current session is open; never blocks. */
        boolean currentOpen();

        /** Reconnect now, one attempt at a time ({@link Reconnector#afterLoss}). */
        void reconnect(String why);

        /** No further reconnects. */
        void stopReconnecting();

        /** Closes the current session. */
        void disconnect();
    }

    private final GatewayHealth health;
    private final String subject;
    private final Executor checks;
    private final SocketCensus census;
    /** Count of hellos seen; a close is stale once a newer hello arrived. */
    private final AtomicLong hellos = new AtomicLong();
    private final AtomicBoolean downReported = new AtomicBoolean();
    /** Set once, after the client exists. */
    private volatile Link client;
    private volatile boolean closing;

    /**
     * @param checks the connection's serial executor for confirmations and reports (off the I/O thread)
     */
    LinkWatch(GatewayHealth health, String subject, Executor checks, SocketCensus census) {
        this.health = health;
        this.subject = subject;
        this.checks = checks;
        this.census = census;
    }

    void attach(Link c) {
        this.client = c;
    }

    /** The connection is closing: nothing it sees from now on is reported. */
    void closing() {
        closing = true;
    }

    /** A {@code hello}, on the SDK's message processor thread. */
    void onHello(int serverConnections) {
        long n = hellos.incrementAndGet();
        downReported.set(false);
        SocketCensus.Counts counts = census.onHello();
        health.reportOpenSockets(counts.heldWhenOpened());
        if (serverConnections >= 0) {
            health.reportServerConnectionCount(serverConnections);
        }
        if (counts.open() != counts.heldWhenOpened()) {
            health.reportOpenSockets(counts.open());
        }
        health.markConnected(false);
        health.markAlive();
        log.info("{}: hello #{}: connected; Slack counts {} connection(s) for this app, this client holds {}",
                subject, n, serverConnections, counts.heldWhenOpened());
    }

    /**
     * A socket closed, on an I/O thread: never blocks.
     *
     * @param wasCurrent whether it was the client's current session when it closed
     */
    void onClose(boolean wasCurrent, Integer code, String reason) {
        boolean byClient = CLOSED_BY_CLIENT.equals(reason);
        health.reportOpenSockets(census.onClose(byClient));
        if (closing || byClient) {
            return;
        }
        if (!wasCurrent) {
            log.debug("{}: a superseded socket closed (code {}); the current one is unaffected", subject, code);
            return;
        }
        long seen = hellos.get();
        String cause = "socket closed (code " + code + (reason == null || reason.isBlank() ? "" : ", " + reason) + ")";
        execute(() -> lost(seen, cause));
    }

    /**
     * The current socket stopped answering pings ({@link Heartbeat}) and was given up: replace it at
     * once. Not reported down unless the replacement fails ({@link #onReconnectFailed}): as with a
     * refresh, the new socket is usually open before anyone could act on a report.
     */
    void onDead(String cause) {
        execute(() -> {
            Link c = client;
            if (!closing && c != null) {
                log.info("{}: {}; reconnecting now", subject, cause);
                c.reconnect(cause);
            }
        });
    }

    /** A reconnect attempt failed; the connection is down until one succeeds. */
    void onReconnectFailed(String cause) {
        execute(() -> {
            if (!closing) {
                reportDown(cause);
            }
        });
    }

    private void lost(long seenHellos, String cause) {
        Link c = client;
        if (closing || c == null || hellos.get() != seenHellos || c.currentOpen()) {
            log.debug("{}: {}, but a newer session is up", subject, cause);
            return;
        }
        c.reconnect(cause);
        reportDown(cause + "; reconnecting now");
    }

    /**
     * Slack asked to disconnect for a reason the plugin holds on: called on the I/O thread, acts on a
     * host thread.
     */
    void onHeldDisconnect(String reason) {
        execute(() -> {
            Link c = client;
            if (closing || c == null) {
                return;
            }
            c.stopReconnecting();
            reportDown(DisconnectPolicy.cause(reason));
            c.disconnect();
        });
    }

    private void execute(Runnable task) {
        try {
            checks.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void reportDown(String cause) {
        if (downReported.compareAndSet(false, true)) {
            log.warn("{}: {}", subject, cause);
            health.markDisconnected(cause);
        }
    }
}
