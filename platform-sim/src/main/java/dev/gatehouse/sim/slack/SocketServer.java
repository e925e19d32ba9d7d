package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.sim.SimThreads;
import dev.gatehouse.sim.net.ProxyLink;
import dev.gatehouse.sim.net.TcpProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.ClosedSelectorException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket Mode WebSocket endpoint (any path; the {@code ticket} query parameter names the app). Sends
 * {@code hello} on open, answers pings unless the connection is half-open, and hands acks to the
 * {@link Dispatcher}. Its own pings are off ({@code setConnectionLostTimeout(0)}), as Slack's client-side
 * liveness check is what is under test.
 *
 * <p>A connection is registered and counted when its handshake is accepted, before the library writes the
 * 101: a client that has connected is therefore always in the counters and open lists. The library calls
 * {@link #onOpen} only after the 101 is written, so the {@code hello} goes out there, and
 * {@link SimConnection#socketAfterHello()} keeps envelopes from overtaking it.
 */
final class SocketServer extends WebSocketServer {
    /** How often a held handshake looks whether it was released. */
    private static final long HOLD_POLL_MILLIS = 20;
    /** The longest a handshake is held, whatever the test forgot. */
    private static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    /** A connection accepted by the handshake, attached to the socket until it opens. */
    private record Opening(SimConnection connection, int openNow) {
    }

    private final AppRegistry registry;
    private final Dispatcher dispatcher;
    private final SimThreads threads;
    private final AtomicLong connectionIds = new AtomicLong();
    private final CountDownLatch started = new CountDownLatch(1);
    /** Set once after the proxy starts (it needs this server's port); read on handshakes. */
    private volatile TcpProxy proxy;

    SocketServer(AppRegistry registry, Dispatcher dispatcher, SimThreads threads) {
        super(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2);
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.threads = threads;
        setConnectionLostTimeout(0);
        setReuseAddr(true);
        setTcpNoDelay(true);
        setDaemon(true);
        int n = 0;
        for (WebSocketWorker worker : decoders) { // created by the super constructor with the library's names
            worker.setName(threads.prefix() + "ws-worker-" + ++n);
        }
    }

    /** Starts the server and waits until it listens; a failed bind never calls onStart, hence the timeout. */
    void startAndAwait() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("WebSocket server did not start listening within 10 s");
        }
    }

    void attachProxy(TcpProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public void onStart() {
        Thread.currentThread().setName(threads.prefix() + "ws-selector"); // the library named it itself
        started.countDown();
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                                                                       ClientHandshake request)
            throws InvalidDataException {
        String ticket = queryParameter(request.getResourceDescriptor(), "ticket");
        AppState app = registry.redeem(ticket);
        if (app == null) {
            log.warn("WebSocket handshake with unknown ticket {} refused", ticket);
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "unknown ticket");
        }
        if (app.rejectHandshakes) {
            app.counters.handshakesRejected.incrementAndGet();
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "handshake rejected by fault injection");
        }
        // Bounded, and ended by the interrupt the server's stop sends its decoder threads.
        if (app.holdHandshakes) {
            hold(app);
        }
        TcpProxy currentProxy = proxy;
        ProxyLink link = currentProxy == null ? null
                : currentProxy.linkForUpstreamPort(conn.getRemoteSocketAddress().getPort());
        ServerHandshakeBuilder response = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        SimConnection connection = new SimConnection(connectionIds.incrementAndGet(), app.app, ticket,
                Instant.now(), conn, link);
        conn.setAttachment(new Opening(connection, app.connectionOpened(connection)));
        return response;
    }

    private static void hold(AppState app) {
        app.handshakesHeld.incrementAndGet();
        try {
            long holdUntil = System.nanoTime() + MAX_HOLD_NANOS;
            while (app.holdHandshakes && System.nanoTime() - holdUntil < 0) {
                Thread.sleep(HOLD_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            app.handshakesHeld.decrementAndGet();
        }
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        Opening opening = conn.getAttachment();
        SimConnection connection = opening.connection();
        AppState app = registry.state(connection.app());
        conn.setAttachment(connection);
        if (sendQuietly(conn, Envelopes.hello(app.app.appId(), opening.openNow()))) {
            app.counters.hellosSent.incrementAndGet();
        }
        connection.markHelloWritten();
        log.debug("{}: connection {} open ({} open now)", app.app.appId(), connection.id(), opening.openNow());
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        SimConnection connection = connectionOf(conn);
        if (connection != null) {
            connection.markClosed(new SimConnection.CloseInfo(Instant.now(), code, reason, remote));
            registry.state(connection.app()).connectionClosed(connection);
            log.debug("{}: connection {} closed {} {}", connection.app().appId(), connection.id(), code, reason);
        }
    }

    /** The connection a socket carries, whether or not {@link #onOpen} has run; null before the handshake. */
    private static SimConnection connectionOf(WebSocket conn) {
        Object attachment = conn.getAttachment();
        if (attachment instanceof Opening opening) {
            return opening.connection();
        }
        return attachment instanceof SimConnection connection ? connection : null;
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (!(conn.getAttachment() instanceof SimConnection connection)) {
            return;
        }
        AppState app = registry.state(connection.app());
        JsonNode frame;
        try {
            frame = SlackEvents.JSON.readTree(message);
        } catch (Exception e) {
            log.debug("{}: ignoring non-JSON frame on connection {}", app.app.appId(), connection.id());
            return;
        }
        if (frame.hasNonNull("envelope_id")) {
            dispatcher.onAck(app, connection, frame.get("envelope_id").asText(), frame.get("payload"));
        }
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata ping) {
        if (conn.getAttachment() instanceof SimConnection connection) {
            registry.state(connection.app()).counters.pings.incrementAndGet();
            if (connection.halfOpen()) {
                return; // the fault: no pong on this connection only
            }
        }
        try {
            super.onWebsocketPing(conn, ping);
        } catch (WebsocketNotConnectedException e) {
            // closed while the ping was decoded: nothing to answer
        }
    }

    /** Sends unless the socket closed meanwhile (a client may vanish at any moment); false if not sent. */
    private static boolean sendQuietly(WebSocket conn, String text) {
        try {
            conn.send(text);
            return true;
        } catch (WebsocketNotConnectedException e) {
            return false;
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        log.debug("WebSocket error on {}: {}", conn == null ? "server" : conn.getAttachment(), ex.toString());
    }

    /** Sends close frames, waits briefly, then drops whatever is still connected. */
    void shutdown(List<SimConnection> stillOpen) throws InterruptedException {
        try {
            stop(500, "simulator closed");
        } catch (ClosedSelectorException e) {
            // The library's own race (seen once under load): stop() marks the server closed before it sends
            // the close frames, and the selector thread may end and close its selector meanwhile, so a close
            // frame's write demand finds it closed. That thread's exit already shut the server down.
            log.debug("WebSocket server stopped while closing its connections: {}", e.toString());
        }
        for (SimConnection connection : stillOpen) {
            if (connection.socket() instanceof org.java_websocket.WebSocketImpl impl) {
                impl.closeConnection(CloseFrame.GOING_AWAY, "simulator closed");
            }
        }
    }

    private static String queryParameter(String resource, String name) {
        try {
            String query = new URI(resource).getRawQuery();
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return pair.substring(eq + 1);
                }
            }
            return null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
