package dev.gatehouse.slack;

import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.impl.SocketModeClientTyrusImpl;
import dev.gatehouse.api.GatewayHealth;
import java.io.IOException;
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
 *   <li>a close is only a suspicion. A socket the client closed itself (the superseded one after a
 *       refresh, code 1000 "… did it") is ignored. Any other close is confirmed off the I/O thread:
 *       down only if no newer {@code hello} arrived and the client's <em>current</em> session fails
 *       {@code verifyConnection()} (false at once when it is closed);</li>
 *   <li>a held disconnect message ({@link DisconnectPolicy#HOLD}) ⇒ the SDK's auto-reconnect is
 *       stopped, the socket closed and the connection reported down.</li>
 * </ul>
 *
 * <p>One {@code markDisconnected} per loss: the flag resets with the next {@code hello}.
 */
final class LinkWatch {

    private static final Logger log = LoggerFactory.getLogger(LinkWatch.class);

    /** The close reason Tyrus's client gives sockets it closes itself (team note §5). */
    static final String CLOSED_BY_CLIENT = SocketModeClientTyrusImpl.class.getCanonicalName() + " did it";

    private final GatewayHealth health;
    private final String subject;
    private final Executor checks;
    private final SocketCensus census;
    /** Count of hellos seen; a close is stale once a newer hello arrived. */
    private final AtomicLong hellos = new AtomicLong();
    private final AtomicBoolean downReported = new AtomicBoolean();
    /** Set once, after the client exists. */
    private volatile SocketModeClient client;
    private volatile boolean closing;

    /**
     * @param checks a host thread for confirmations, which may block up to ≈3 s in {@code verifyConnection()}
     */
    LinkWatch(GatewayHealth health, String subject, Executor checks, SocketCensus census) {
        this.health = health;
        this.subject = subject;
        this.checks = checks;
        this.census = census;
    }

    void attach(SocketModeClient c) {
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

    /** A socket closed, on an I/O thread: never blocks. */
    void onClose(Integer code, String reason) {
        boolean byClient = CLOSED_BY_CLIENT.equals(reason);
        health.reportOpenSockets(census.onClose(byClient));
        if (closing || byClient) {
            return;
        }
        long seen = hellos.get();
        try {
            checks.execute(() -> confirm(seen, code, reason));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void confirm(long seenHellos, Integer code, String reason) {
        SocketModeClient c = client;
        if (closing || c == null || hellos.get() != seenHellos) {
            return;
        }
        boolean up = c.verifyConnection();
        if (closing || up || hellos.get() != seenHellos) {
            log.debug("{}: socket closed (code {}) but the current session is up", subject, code);
            return;
        }
        reportDown("socket closed (code " + code + (reason == null || reason.isBlank() ? "" : ", " + reason)
                + ") and the client's current session is down; the SDK reconnects at its next session check");
    }

    /**
     * Slack asked to disconnect for a reason the plugin holds on: called on the I/O thread, acts on a
     * host thread.
     */
    void onHeldDisconnect(String reason) {
        try {
            checks.execute(() -> {
                SocketModeClient c = client;
                if (closing || c == null) {
                    return;
                }
                c.setAutoReconnectEnabled(false);
                reportDown(DisconnectPolicy.cause(reason));
                try {
                    c.disconnect();
                } catch (IOException | RuntimeException e) {
                    log.debug("{}: disconnect after '{}' failed: {}", subject, reason, e.toString());
                }
            });
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
