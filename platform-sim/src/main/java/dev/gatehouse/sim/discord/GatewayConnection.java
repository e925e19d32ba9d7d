package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.sim.discord.WebSocketCodec.Frame;
import dev.gatehouse.sim.discord.WebSocketCodec.HttpHead;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway socket, served by its own thread ({@link #run()}): the HTTP upgrade, HELLO, then the
 * op-code protocol (heartbeat, identify, resume) and the faults applied to it. Other threads write
 * dispatches through {@link #sendDispatch} and apply faults through {@link #inject}.
 *
 * <p>Closing is always graceful on the TCP level unless a RST is asked for: after the close handshake,
 * or to drop with a FIN, the server shuts its output and reads on until the client closes (or the close
 * timeout passes), so the kernel never turns the close into a reset. A connection counts as closed from
 * the moment the server is done with it — before the client can reconnect — so "max open at once" per
 * bot measures the client, not thread scheduling.
 */
final class GatewayConnection implements SimConnection, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConnection.class);
    /** How often a held handshake looks whether it was released. */
    private static final int HOLD_POLL_MILLIS = 20;

    /** Close codes after which Discord does not let the session be resumed. */
    private static boolean endsSession(int closeCode) {
        return closeCode == 4004 || closeCode == 4007 || closeCode == 4009 || (closeCode >= 4010 && closeCode <= 4014);
    }

    private final long id;
    private final Socket socket;
    private final SimContext context;
    private final AcceptMode acceptMode;
    /** The server's accept mode now, which ends a {@link AcceptMode#HOLD_HANDSHAKE hold}. */
    private final Supplier<AcceptMode> currentMode;
    private final Instant acceptedAt = Instant.now();

    private final Object writeLock = new Object();
    private OutputStream out;        // guarded by writeLock
    private boolean closeSent;       // guarded by writeLock: our close frame (or echo) is out
    private boolean outputShut;      // guarded by writeLock: FIN sent, nothing more may be written

    private final Object accountingLock = new Object();
    private volatile SimBot bot;           // written under accountingLock, once, by the connection thread
    private volatile boolean counted = true; // written under accountingLock: still counted as open

    private volatile String path = "";            // written by the connection thread during the upgrade
    private volatile GatewaySession session;      // the session this socket serves, if any
    private volatile Instant sessionAt;           // when READY or RESUMED was sent on it, once
    private volatile boolean noAcks;              // StopAcks fault on this connection
    private volatile boolean frozen;              // BlackHole fault on this connection

    GatewayConnection(long id, Socket socket, SimContext context, AcceptMode acceptMode, Supplier<AcceptMode> currentMode) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.acceptMode = acceptMode;
        this.currentMode = currentMode;
    }

    // ---- SimConnection --------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public Optional<SimBot> bot() {
        return Optional.ofNullable(bot);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Instant acceptedAt() {
        return acceptedAt;
    }

    /** The session calls this right before it writes READY or RESUMED on this connection. */
    void sessionAnswered() {
        sessionAt = Instant.now();
    }

    @Override
    public Optional<Instant> sessionAt() {
        return Optional.ofNullable(sessionAt);
    }

    @Override
    public boolean isOpen() {
        return counted;
    }

    @Override
    public boolean inject(GatewayFault fault) {
        if (!isOpen()) {
            return false;
        }
        LOG.info("{}: injecting {}", this, fault);
        if (fault instanceof GatewayFault.Fin) {
            dropWithFin();
        } else if (fault instanceof GatewayFault.Rst) {
            dropWithReset();
        } else if (fault instanceof GatewayFault.Close close) {
            GatewaySession current = session;
            if (current != null && endsSession(close.code())) {
                context.endSession(current);
            }
            sendClose(close.code(), close.reason());
        } else if (fault instanceof GatewayFault.Reconnect) {
            sendText(Payloads.reconnect());
        } else if (fault instanceof GatewayFault.InvalidSession invalid) {
            GatewaySession current = session;
            if (current != null && !invalid.resumable()) {
                context.endSession(current);
            }
            sendText(Payloads.invalidSession(invalid.resumable()));
        } else if (fault instanceof GatewayFault.HeartbeatRequest) {
            sendText(Payloads.heartbeatRequest());
        } else if (fault instanceof GatewayFault.StopAcks) {
            noAcks = true;
        } else if (fault instanceof GatewayFault.BlackHole) {
            frozen = true;
        } else {
            throw new IllegalArgumentException("unknown fault " + fault);
        }
        return true;
    }

    /** Lifts the standing faults of this connection (ACKs stopped, black hole). */
    void clearFaults() {
        noAcks = false;
        frozen = false;
    }

    @Override
    public String toString() {
        SimBot b = bot;
        return "discord-sim conn#" + id + (b == null ? "" : " bot=" + b.username());
    }

    // ---- the connection thread ------------------------------------------------------------------

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            synchronized (writeLock) {
                out = new BufferedOutputStream(socket.getOutputStream());
            }
            if (acceptMode == AcceptMode.STALL_HANDSHAKE) {
                LOG.debug("{}: stalling the handshake", this);
                drain(in);
                return;
            }
            if (!upgrade(in)) {
                return;
            }
            sendText(Payloads.hello(context.config().heartbeatInterval()));
            if (acceptMode == AcceptMode.CLOSE_AFTER_HELLO) {
                readFirstFrameOnly(in);
                dropWithFin();
            }
            readLoop(in);
        } catch (IOException e) {
            LOG.debug("{}: ended ({})", this, e.toString());
        } catch (RuntimeException e) {
            LOG.error("{}: failed", this, e);
        } finally {
            terminate();
        }
    }

    private boolean upgrade(InputStream in) throws IOException {
        HttpHead head = WebSocketCodec.readRequestHead(in);
        path = head.path();
        if (!head.isWebSocketUpgrade()) {
            LOG.warn("{}: not a WebSocket upgrade: {} {}", this, head.method(), head.target());
            writeRaw(WebSocketCodec.badRequest("expected a WebSocket upgrade"));
            return false;
        }
        if (!head.query().contains("encoding=json") && head.query().contains("encoding=")) {
            LOG.warn("{}: only encoding=json is simulated, got ?{}", this, head.query());
        }
        if (acceptMode == AcceptMode.HOLD_HANDSHAKE && !holdUntilReleased(in)) {
            return false;
        }
        writeRaw(WebSocketCodec.switchingProtocols(head.header("sec-websocket-key")));
        context.globalStats().handshake();
        LOG.debug("{}: upgraded on {}", this, head.target());
        return true;
    }

    /**
     * For {@link AcceptMode#HOLD_HANDSHAKE}: waits until the accept mode changes, reading meanwhile (a
     * client sends nothing before the 101) so that a client giving up is noticed; false if it did.
     */
    private boolean holdUntilReleased(InputStream in) throws IOException {
        LOG.debug("{}: holding the handshake", this);
        socket.setSoTimeout(HOLD_POLL_MILLIS);
        try {
            while (currentMode.get() == AcceptMode.HOLD_HANDSHAKE) {
                try {
                    if (in.read() < 0) {
                        LOG.debug("{}: the client closed while its handshake was held", this);
                        return false;
                    }
                } catch (SocketTimeoutException e) {
                    // still held: look at the mode again
                }
            }
        } finally {
            socket.setSoTimeout(0);
        }
        LOG.debug("{}: handshake released", this);
        return true;
    }

    /** For {@link AcceptMode#CLOSE_AFTER_HELLO}: reads the client's first frame only to count and attribute it. */
    private void readFirstFrameOnly(InputStream in) throws IOException {
        socket.setSoTimeout(500);
        try {
            Frame frame = WebSocketCodec.readFrame(in);
            if (frame.opcode() == WebSocketCodec.OP_TEXT) {
                JsonNode message = Payloads.MAPPER.readTree(frame.payload());
                int op = message.path("op").asInt(-1);
                Optional<SimBot> sender = context.botByToken(message.path("d").path("token").asText(null));
                if (op == 2) {
                    context.globalStats().identify();
                    sender.ifPresent(b -> {
                        attribute(b);
                        b.counters().identify();
                    });
                } else if (op == 6) {
                    context.globalStats().resume();
                    sender.ifPresent(b -> {
                        attribute(b);
                        b.counters().resume();
                    });
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("{}: no first frame within 500 ms", this);
        } catch (JsonProcessingException e) {
            LOG.debug("{}: first frame is not JSON", this);
        } finally {
            socket.setSoTimeout(0);
        }
    }

    private void readLoop(InputStream in) throws IOException {
        ByteArrayOutputStream fragments = null;
        int fragmentedOpcode = 0;
        while (true) {
            Frame frame = WebSocketCodec.readFrame(in);
            if (frame.isControl()) {
                onControlFrame(frame);
                continue;
            }
            byte[] payload;
            int opcode;
            if (frame.opcode() == WebSocketCodec.OP_CONTINUATION) {
                if (fragments == null) {
                    sendClose(1002, "continuation without a start");
                    continue;
                }
                fragments.write(frame.payload());
                if (!frame.fin()) {
                    continue;
                }
                payload = fragments.toByteArray();
                opcode = fragmentedOpcode;
                fragments = null;
            } else if (!frame.fin()) {
                fragments = new ByteArrayOutputStream();
                fragments.write(frame.payload());
                fragmentedOpcode = frame.opcode();
                continue;
            } else {
                payload = frame.payload();
                opcode = frame.opcode();
            }
            if (isFrozen() || isFinishing()) {
                continue; // a black hole reads and drops; a closing socket ignores data
            }
            if (opcode == WebSocketCodec.OP_TEXT) {
                onText(new String(payload, StandardCharsets.UTF_8));
            } else {
                sendClose(4002, "Error while decoding payload.");
            }
        }
    }

    private void onControlFrame(Frame frame) throws IOException {
        switch (frame.opcode()) {
            case WebSocketCodec.OP_CLOSE -> {
                if (isFrozen()) {
                    LOG.debug("{}: black hole, leaving close {} unanswered", this, frame.closeCode());
                    return;
                }
                LOG.debug("{}: client close {} '{}'", this, frame.closeCode(), frame.closeReason());
                markClosed(); // a closing connection delivers nothing more: no longer live for the stats
                synchronized (writeLock) {
                    if (!closeSent && !outputShut) {
                        closeSent = true;
                        byte[] echo = frame.closeCode() == 1005
                                ? new byte[0] : WebSocketCodec.closePayload(frame.closeCode(), "");
                        WebSocketCodec.writeFrame(out, WebSocketCodec.OP_CLOSE, echo, false);
                        out.flush();
                    }
                }
                finishGracefully();
            }
            case WebSocketCodec.OP_PING -> {
                if (!isFrozen()) {
                    writeFrame(WebSocketCodec.OP_PONG, frame.payload());
                }
            }
            case WebSocketCodec.OP_PONG -> {
                // unsolicited pongs are allowed and mean nothing
            }
            default -> sendClose(1002, "unknown control opcode " + frame.opcode());
        }
    }

    private void onText(String text) {
        JsonNode message;
        try {
            message = Payloads.MAPPER.readTree(text);
        } catch (IOException e) {
            sendClose(4002, "Error while decoding payload.");
            return;
        }
        int op = message.path("op").asInt(-1);
        JsonNode d = message.path("d");
        switch (op) {
            case 1 -> onHeartbeat();
            case 2 -> onIdentify(d);
            case 6 -> onResume(d);
            case 3, 4, 8 -> {
                // presence, voice state, member requests: accepted and ignored once authenticated
                if (session == null) {
                    sendClose(4003, "Not authenticated.");
                }
            }
            default -> sendClose(4001, "Unknown opcode.");
        }
    }

    private void onHeartbeat() {
        SimBot b = bot;
        context.globalStats().heartbeat();
        if (b != null) {
            b.counters().heartbeat();
        }
        if (noAcks || context.stopAcks(b)) {
            return;
        }
        if (sendText(Payloads.heartbeatAck())) {
            context.globalStats().ack();
            if (b != null) {
                b.counters().ack();
            }
        }
    }

    private void onIdentify(JsonNode d) {
        context.globalStats().identify();
        if (session != null) {
            sendClose(4005, "Already authenticated.");
            return;
        }
        Optional<SimBot> found = context.botByToken(d.path("token").asText(null));
        if (found.isEmpty() || !attribute(found.get())) {
            LOG.info("{}: IDENTIFY with an unknown token, closing 4004", this);
            sendClose(4004, "Authentication failed.");
            return;
        }
        SimBot b = found.get();
        b.counters().identify();
        if (b.identifyTooSoon(System.nanoTime())) {
            LOG.info("{}: IDENTIFY within the bot's identify interval, op 9 false", this);
            sendText(Payloads.invalidSession(false));
            return;
        }
        IdentifyReply reply = context.identifyReply(b);
        LOG.debug("{}: IDENTIFY, replying {}", this, reply);
        switch (reply) {
            case READY -> session = context.startSession(b, d.path("intents").asInt(0), this);
            case CLOSE_4004 -> sendClose(4004, "Authentication failed.");
            case CLOSE_4014 -> sendClose(4014, "Disallowed intent(s).");
            case INVALID_SESSION -> sendText(Payloads.invalidSession(false));
        }
    }

    private void onResume(JsonNode d) {
        context.globalStats().resume();
        if (session != null) {
            sendClose(4005, "Already authenticated.");
            return;
        }
        Optional<SimBot> found = context.botByToken(d.path("token").asText(null));
        if (found.isEmpty() || !attribute(found.get())) {
            LOG.info("{}: RESUME with an unknown token, closing 4004", this);
            sendClose(4004, "Authentication failed.");
            return;
        }
        SimBot b = found.get();
        b.counters().resume();
        GatewaySession target = context.session(d.path("session_id").asText(null))
                .filter(s -> s.bot() == b)
                .orElse(null);
        if (target == null || context.rejectResume(b)) {
            LOG.debug("{}: RESUME refused ({}), op 9 false", this, target == null ? "unknown session" : "rejectResume");
            if (target != null) {
                context.endSession(target);
            }
            sendText(Payloads.invalidSession(false));
            return;
        }
        long clientSequence = d.path("seq").asLong(0);
        session = target;
        GatewaySession.ResumeResult result = target.resume(this, clientSequence, context.resumedDataNull(b));
        LOG.debug("{}: RESUME from s={}: {}", this, clientSequence, result);
        switch (result) {
            case RESUMED -> {
                // replayed and confirmed inside the session
            }
            case INVALID -> {
                session = null;
                context.endSession(target);
                sendText(Payloads.invalidSession(false));
            }
            case INVALID_SEQUENCE -> {
                session = null;
                context.endSession(target);
                sendClose(4007, "Invalid seq.");
            }
        }
    }

    /** Ties this connection to a bot on its first IDENTIFY/RESUME; false if it already belongs to another. */
    private boolean attribute(SimBot b) {
        synchronized (accountingLock) {
            if (bot != null) {
                return bot == b;
            }
            bot = b;
            // A connection already closed (dropped before its first frame was read) is the bot's, but was never open as such.
            b.counters().accepted(counted);
            b.counters().handshake();
            return true;
        }
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Sends an op 0 frame and counts it; false if the socket is frozen, closing or broken. */
    boolean sendDispatch(String frame) {
        boolean sent = sendText(frame);
        if (sent) {
            context.globalStats().dispatch();
            SimBot b = bot;
            if (b != null) {
                b.counters().dispatch();
            }
        }
        return sent;
    }

    void countReplay() {
        context.globalStats().replay();
        SimBot b = bot;
        if (b != null) {
            b.counters().replay();
        }
    }

    private boolean sendText(String json) {
        if (isFrozen()) {
            return false;
        }
        return writeFrame(WebSocketCodec.OP_TEXT, json.getBytes(StandardCharsets.UTF_8));
    }

    private boolean writeFrame(int opcode, byte[] payload) {
        synchronized (writeLock) {
            if (closeSent || outputShut || out == null) {
                return false;
            }
            try {
                WebSocketCodec.writeFrame(out, opcode, payload, false);
                out.flush();
                return true;
            } catch (IOException e) {
                LOG.debug("{}: write failed ({})", this, e.toString());
                closeSocket(); // the connection thread notices and cleans up
                return false;
            }
        }
    }

    private void writeRaw(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Sends a close frame unless one is out already; TCP closes once the client echoes it (or on timeout). */
    private void sendClose(int code, String reason) {
        synchronized (writeLock) {
            if (closeSent || outputShut || out == null) {
                return;
            }
            closeSent = true;
            try {
                WebSocketCodec.writeFrame(out, WebSocketCodec.OP_CLOSE, WebSocketCodec.closePayload(code, reason), false);
                out.flush();
            } catch (IOException e) {
                closeSocket();
            }
        }
        LOG.debug("{}: sent close {} '{}'", this, code, reason);
        markClosed(); // as for a client close: live ends when the close handshake starts, not at TCP's end
        detachFromSession();
        schedule(this::finishGracefully, context.config().closeTimeout());
    }

    // ---- ending ---------------------------------------------------------------------------------

    private void dropWithFin() {
        markClosed();
        detachFromSession();
        synchronized (writeLock) {
            outputShut = true;
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                closeSocket();
            }
        }
        schedule(this::closeSocket, context.config().closeTimeout());
    }

    private void dropWithReset() {
        markClosed();
        detachFromSession();
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            LOG.debug("{}: could not set SO_LINGER 0 ({})", this, e.toString());
        }
        closeSocket();
    }

    /** The close handshake is over (or timed out): FIN, then read on until the client closes. */
    private void finishGracefully() {
        if (socket.isClosed()) {
            return;
        }
        synchronized (writeLock) {
            if (outputShut) {
                return;
            }
        }
        dropWithFin();
    }

    /** Called by the connection thread as it ends, and by the simulator when it closes. */
    void terminate() {
        closeSocket();
        markClosed();
        detachFromSession();
        context.removeConnection(this);
    }

    private void markClosed() {
        synchronized (accountingLock) {
            if (!counted) {
                return;
            }
            counted = false;
            context.globalStats().closed();
            SimBot b = bot;
            if (b != null) {
                b.counters().closed();
            }
        }
    }

    private void detachFromSession() {
        GatewaySession current = session;
        if (current != null) {
            current.detach(this);
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{}: close failed ({})", this, e.toString());
        }
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            context.timer().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeSocket(); // the simulator is closing
        }
    }

    private boolean isFrozen() {
        return frozen || context.blackHole(bot);
    }

    private boolean isFinishing() {
        synchronized (writeLock) {
            return closeSent || outputShut;
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard until the peer closes
        }
    }
}
