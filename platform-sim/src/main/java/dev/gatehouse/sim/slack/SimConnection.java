package dev.gatehouse.sim.slack;

import dev.gatehouse.sim.net.ProxyLink;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;

/**
 * One WebSocket a client opened to the simulator: a live handle to target pushes, disconnects and faults
 * at, and a record of how it ended.
 *
 * <p>Identity is the simulator-wide {@link #id()}, increasing in opening order.
 */
public final class SimConnection implements Recipient {

    /**
     * How a connection ended.
     *
     * @param at       when the simulator saw it close
     * @param code     the WebSocket close code (1006 for a connection lost without a close frame)
     * @param reason   the close reason text
     * @param byClient whether the client initiated the close
     */
    public record CloseInfo(Instant at, int code, String reason, boolean byClient) {
    }

    /**
     * How long a write waits for the {@code hello} of a connection still opening. The hello is written on the
     * same library thread right after the 101, so this bounds only a connection that never opens.
     */
    private static final Duration HELLO_WAIT = Duration.ofSeconds(5);

    private final long id;
    private final SimSlackApp app;
    private final String ticket;
    private final Instant openedAt;
    private final WebSocket socket;
    /** Set for connections routed through the proxy, {@code null} for direct ones. */
    private final ProxyLink proxyLink;

    /** Set once by the WebSocket server thread on close; read by anyone. */
    private volatile CloseInfo closeInfo;
    /** Written by fault controls, read by the WebSocket worker answering pings. */
    private volatile boolean halfOpen;
    /** Released once the {@code hello} is written or the connection closed. */
    private final CountDownLatch helloWritten = new CountDownLatch(1);

    SimConnection(long id, SimSlackApp app, String ticket, Instant openedAt, WebSocket socket,
                  ProxyLink proxyLink) {
        this.id = id;
        this.app = app;
        this.ticket = ticket;
        this.openedAt = openedAt;
        this.socket = socket;
        this.proxyLink = proxyLink;
    }

    /** Simulator-wide connection id, increasing in opening order. */
    public long id() {
        return id;
    }

    /** The app whose ticket opened this connection. */
    public SimSlackApp app() {
        return app;
    }

    /** The {@code apps.connections.open} ticket in the URL the client connected to. */
    public String ticket() {
        return ticket;
    }

    /** When the simulator accepted the WebSocket handshake. */
    public Instant openedAt() {
        return openedAt;
    }

    /** Whether the simulator still considers the connection open. */
    public boolean isOpen() {
        return closeInfo == null;
    }

    /** How the connection ended, or empty while it is open. */
    public Optional<CloseInfo> closeInfo() {
        return Optional.ofNullable(closeInfo);
    }

    /** Whether the connection goes through the simulator's TCP proxy (required for a black hole). */
    public boolean proxied() {
        return proxyLink != null;
    }

    /** Whether pings on this connection are currently left unanswered. */
    public boolean halfOpen() {
        return halfOpen;
    }

    /** Whether this connection's proxy path currently holds all traffic. */
    public boolean blackHoled() {
        return proxyLink != null && proxyLink.blackHoled();
    }

    @Override
    public String toString() {
        return "SimConnection[" + id + " of " + app.appId() + (proxied() ? ", proxied" : "")
                + (isOpen() ? ", open" : ", closed " + closeInfo.code()) + "]";
    }

    WebSocket socket() {
        return socket;
    }

    /**
     * The socket, once the {@code hello} went out on it: Slack writes nothing before the hello, and a
     * connection is registered before the library has opened it.
     */
    WebSocket socketAfterHello() {
        try {
            helloWritten.await(HELLO_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return socket;
    }

    void markHelloWritten() {
        helloWritten.countDown();
    }

    ProxyLink proxyLink() {
        return proxyLink;
    }

    void setHalfOpen(boolean halfOpen) {
        this.halfOpen = halfOpen;
    }

    void markClosed(CloseInfo info) {
        this.closeInfo = info;
        helloWritten.countDown();
    }
}
