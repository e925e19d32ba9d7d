package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.sim.discord.WebSocketCodec.Frame;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal WebSocket client speaking the gateway protocol frame by frame, for assertions JDA cannot
 * make (exact frames, sequence numbers, silence). Uses the simulator's codec in client (masking) mode.
 */
final class RawGatewayClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String statusLine;

    private RawGatewayClient(Socket socket, InputStream in, OutputStream out, String statusLine) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.statusLine = statusLine;
    }

    /** Opens TCP and sends the upgrade; reads the response head with a timeout. */
    static RawGatewayClient connect(int port, String path, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(upgradeRequest(port, path));
            out.flush();
            List<String> head = WebSocketCodec.readHeadLines(in);
            return new RawGatewayClient(socket, in, out, head.get(0));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The HTTP upgrade request a WebSocket client sends first. */
    static byte[] upgradeRequest(int port, String path) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + path + "?encoding=json&v=10 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    String statusLine() {
        return statusLine;
    }

    void send(String json) throws IOException {
        WebSocketCodec.writeFrame(out, WebSocketCodec.OP_TEXT, json.getBytes(StandardCharsets.UTF_8), true);
        out.flush();
    }

    void identify(String token, int intents) throws IOException {
        send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"intents\":" + intents
                + ",\"properties\":{\"os\":\"linux\",\"browser\":\"raw\",\"device\":\"raw\"}}}");
    }

    void resume(String token, String sessionId, long seq) throws IOException {
        send("{\"op\":6,\"d\":{\"token\":\"" + token + "\",\"session_id\":\"" + sessionId + "\",\"seq\":" + seq + "}}");
    }

    void heartbeat(long seq) throws IOException {
        send("{\"op\":1,\"d\":" + seq + "}");
    }

    void close(int code, String reason) throws IOException {
        WebSocketCodec.writeFrame(out, WebSocketCodec.OP_CLOSE, WebSocketCodec.closePayload(code, reason), true);
        out.flush();
    }

    /** The next frame, failing if none arrives within {@code timeout}. */
    Frame frame(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return WebSocketCodec.readFrame(in);
    }

    /** The next frame as JSON (it must be a text frame). */
    JsonNode json(Duration timeout) throws IOException {
        Frame frame = frame(timeout);
        if (frame.opcode() != WebSocketCodec.OP_TEXT) {
            throw new IOException("expected a text frame, got opcode " + frame.opcode() + " " + frame.closeCode());
        }
        return MAPPER.readTree(frame.payload());
    }

    /** Empty if nothing at all arrives within {@code window}: the connection is silent but open. */
    Optional<Frame> nothingFor(Duration window) throws IOException {
        socket.setSoTimeout((int) window.toMillis());
        try {
            return Optional.of(WebSocketCodec.readFrame(in));
        } catch (SocketTimeoutException silent) {
            return Optional.empty();
        }
    }

    /** True if the server closed TCP (EOF) within {@code timeout}, frames before it ignored. */
    boolean closedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (in.read() >= 0) {
                // skip whatever was still in flight
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
