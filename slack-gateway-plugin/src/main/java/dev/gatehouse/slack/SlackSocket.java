package dev.gatehouse.slack;

import com.slack.api.Slack;
import com.slack.api.socket_mode.impl.SocketModeClientTyrusImpl;
import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.websocket.ClientEndpoint;
import javax.websocket.CloseReason;
import javax.websocket.DeploymentException;
import javax.websocket.OnClose;
import javax.websocket.OnMessage;
import javax.websocket.OnOpen;
import javax.websocket.PongMessage;
import javax.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.ThreadPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's Tyrus Socket Mode client with the session handling the plugin needs, and without the
 * parts that made recovery wait:
 *
 * <ul>
 *   <li>no session monitor (the 8-argument constructor turns it off): {@link Reconnector} is the only
 *       thing that reconnects, so it can act the moment a loss is known instead of at the SDK's next
 *       5 s tick;</li>
 *   <li>the current session is the plugin's to see: {@link #ping()} and {@link #lastPongNanos()} let
 *       {@link Heartbeat} judge a silent socket without the SDK's blocking 3 s
 *       {@code verifyConnection()};</li>
 *   <li>{@code onOpen} no longer pings the old session before adopting the new one (team note, trap I:
 *       a 3.1 s stall during a half-open recovery); {@link #connect()} adopts the session it opened;</li>
 *   <li>every WebSocket shares one Grizzly transport per plugin copy of Tyrus
 *       ({@link ClientProperties#SHARED_CONTAINER}) instead of starting three threads of its own; it
 *       idles out {@link #SHARED_IDLE_SECONDS} after the last socket closed, so an unloaded plugin's
 *       class loader is not held by it.</li>
 * </ul>
 *
 * <p>Tyrus finds the endpoint methods with {@code getClass().getMethods()}, so the annotated overrides
 * here replace the SDK's, and the inherited {@code @OnMessage onMessage(String)} and {@code @OnError}
 * stay in effect. Proxies are not supported (the plugin never configures one).
 */
@ClientEndpoint
public class SlackSocket extends SocketModeClientTyrusImpl {

    private static final Logger log = LoggerFactory.getLogger(SlackSocket.class);

    /** The SDK requires a URL at construction; every connect first asks {@code apps.connections.open} for one. */
    private static final String NOT_YET_ISSUED = "wss://wss.slack.invalid/not-yet-issued";
    /** Grizzly's workers only hand frames over ({@code onMessage} queues them), so a few serve all sockets. */
    static final int GRIZZLY_WORKERS = 4;
    /** Workers above the first end after this long idle, so a burst of reconnects leaves no threads behind. */
    static final int GRIZZLY_IDLE_SECONDS = 2;
    /** How long the shared Grizzly transport outlives its last socket. */
    static final int SHARED_IDLE_SECONDS = 1;
    /** The reason the SDK gives sockets it closes itself; {@link LinkWatch} ignores those closes. */
    static final String CLOSED_BY_CLIENT = SocketModeClientTyrusImpl.class.getCanonicalName() + " did it";

    private static final long NO_PONG = Long.MIN_VALUE;

    private final LongSupplier nanoTime;
    private final Executor closer;
    /** The session frames are sent on; replaced by each connect, {@code null} before the first. */
    private final AtomicReference<Session> current = new AtomicReference<>();
    /** When the last pong of the current session arrived, on {@link #nanoTime}, or {@link #NO_PONG}. */
    private final AtomicLong lastPong = new AtomicLong(NO_PONG);
    private volatile SessionClosed closed;
    /** Set by {@link #retire}: no session is adopted any more, and one a handshake opens late is closed. */
    private volatile boolean retired;

    /**
     * @param queue the inbound frame queue the message processor polls
     * @param closer runs closes of superseded sessions, which may block on a dead socket
     */
    SlackSocket(Slack slack, String appToken, SocketModeMessageQueue queue, Executor closer, LongSupplier nanoTime)
            throws URISyntaxException {
        super(slack, appToken, NOT_YET_ISSUED, 1, queue, false, false, DEFAULT_SESSION_MONITOR_INTERVAL_MILLISECONDS);
        this.closer = closer;
        this.nanoTime = nanoTime;
    }

    /**
     * Opens a WebSocket to the current URL and makes it the current session; the one it replaces is
     * closed afterwards (make-before-break). Throws on failure, unlike the SDK's, so the caller knows.
     *
     * @throws UncheckedIOException if the handshake failed (the SDK's signature allows no checked one)
     */
    @Override
    public void connect() {
        ClientManager manager = ClientManager.createClient();
        Map<String, Object> properties = manager.getProperties();
        properties.put(ClientProperties.SHARED_CONTAINER, true);
        properties.put(ClientProperties.SHARED_CONTAINER_IDLE_TIMEOUT, SHARED_IDLE_SECONDS);
        // Read when the shared transport is created: without it Grizzly grows a worker per busy socket.
        properties.put(ClientProperties.WORKER_THREAD_POOL_CONFIG, ThreadPoolConfig.defaultConfig()
                .setPoolName("slack-grizzly").setCorePoolSize(1).setMaxPoolSize(GRIZZLY_WORKERS)
                .setKeepAliveTime(GRIZZLY_IDLE_SECONDS, TimeUnit.SECONDS).setDaemon(true));
        if (retired) {
            throw new UncheckedIOException(new IOException("the connection is closed; no new WebSocket"));
        }
        Session opened;
        try {
            opened = manager.connectToServer(this, getWssUri());
        } catch (DeploymentException | IOException e) {
            throw new UncheckedIOException(new IOException("WebSocket handshake with " + getWssUri().getHost()
                    + " failed: " + e.getMessage(), e));
        }
        if (!adopt(opened)) {
            throw new UncheckedIOException(new IOException("the connection was closed while the WebSocket handshake"
                    + " was under way; the new socket was closed"));
        }
    }

    /**
     * Makes {@code session} the current one and closes the one it replaces; after {@link #retire} closes it
     * instead. Written and read in the opposite order to {@code retire}, so that of two racing, at least one
     * sees the other: a session adopted as the close begins is closed by one of them.
     *
     * @return whether it was adopted (false: the socket is retired, the session was closed)
     */
    private boolean adopt(Session session) {
        Session old = current.getAndSet(session);
        if (old != session) {
            lastPong.set(NO_PONG);
        }
        if (old != null && old != session) {
            closeLater(old);
        }
        if (retired) {
            current.compareAndSet(session, null);
            closeQuietly(session);
            return false;
        }
        return true;
    }

    /**
     * The connection is closing for good: closes the current session, and from now on any session a
     * handshake still under way opens (a reconnect the close did not wait for to the end). Idempotent.
     */
    void retire() {
        retired = true;
        Session s = current.getAndSet(null);
        if (s != null) {
            closeQuietly(s);
        }
    }

    private void closeLater(Session old) {
        try {
            closer.execute(() -> closeQuietly(old));
        } catch (RejectedExecutionException e) {
            closeQuietly(old);
        }
    }

    /** Whether the current session is open. Never blocks (the SDK's version pings for up to 3 s). */
    @Override
    public boolean verifyConnection() {
        Session s = current.get();
        return s != null && s.isOpen();
    }

    /** Closes the current session; a later {@link #connect()} may open another. */
    @Override
    public void disconnect() {
        setAutoReconnectEnabled(false);
        Session s = current.get();
        if (s != null) {
            closeQuietly(s);
        }
    }

    /**
     * Gives up the current session if it is still {@code session}: no frame is sent on it any more, its
     * close no longer counts as the current one's, and it is closed before its replacement opens. Tyrus
     * marks the session closed before it writes the close frame, so this does not wait on a black-holed
     * socket's write.
     */
    void abandon(Session session) {
        if (session != null && current.compareAndSet(session, null)) {
            closeLater(session);
        }
    }

    @Override
    public void sendWebSocketMessage(String message) {
        Session s = current.get();
        if (s == null) {
            throw new IllegalStateException("no WebSocket session yet");
        }
        s.getAsyncRemote().sendText(message);
    }

    /**
     * Sends a ping on the current session, without waiting.
     *
     * @return the session pinged, or {@code null} if there is no open one
     */
    Session ping() {
        Session s = current.get();
        if (s == null || !s.isOpen()) {
            return null;
        }
        try {
            s.getAsyncRemote().sendPing(ByteBuffer.wrap(pingPayload(s).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            log.debug("ping on session {} not sent: {}", s.getId(), e.toString());
        }
        return s;
    }

    /** Whether the current session answered one of this plugin's pings at or after {@code sinceNanos}. */
    boolean pongSince(long sinceNanos) {
        long pong = lastPong.get();
        return pong != NO_PONG && pong - sinceNanos >= 0;
    }

    /** The current session, or {@code null}. */
    Session currentSession() {
        return current.get();
    }

    /** Adopts the new session at once, so the {@code hello} it brings is acknowledged on it. */
    @OnOpen
    @Override
    public void onOpen(Session session) {
        log.debug("WebSocket session {} open", session.getId());
        adopt(session);
    }

    @OnClose
    @Override
    public void onClose(Session session, CloseReason reason) {
        boolean wasCurrent = current.get() == session;
        runCloseListenersAndAutoReconnectAsNecessary(reason.getCloseCode().getCode(), reason.getReasonPhrase());
        SessionClosed listener = closed;
        if (listener != null) {
            listener.closed(session, wasCurrent, reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    /** Counts only pongs that answer this plugin's ping on the current session. */
    @OnMessage
    @Override
    public void onPong(PongMessage message) {
        Session s = current.get();
        ByteBuffer data = message.getApplicationData();
        if (s != null && pingPayload(s).equals(StandardCharsets.UTF_8.decode(data.duplicate()).toString())) {
            lastPong.set(nanoTime.getAsLong());
        }
    }

    /** Called on the I/O thread when a session closed, with whether it was the current one. */
    @FunctionalInterface
    interface SessionClosed {
        void closed(Session session, boolean wasCurrent, int code, String reason);
    }

    /** Sets the one close listener that learns which session closed; set before the first connect. */
    void onSessionClosed(SessionClosed listener) {
        this.closed = listener;
    }

    private static String pingPayload(Session s) {
        return "gatehouse-" + s.getId();
    }

    private static void closeQuietly(Session session) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, CLOSED_BY_CLIENT));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("closing WebSocket session {} failed: {}", session.getId(), e.toString());
        }
    }
}
