package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A bare Socket Mode client on the JDK's WebSocket, for checking the simulator's wire behaviour without
 * the Slack SDK in the way. Records frames; never acks on its own.
 */
final class WsProbe implements WebSocket.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final List<String> pongs = new CopyOnWriteArrayList<>();
    final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    /** Connects to {@code url}; fails if the handshake is refused. */
    static WsProbe connect(HttpClient http, String url) throws Exception {
        WsProbe probe = new WsProbe();
        probe.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), probe).get(5, TimeUnit.SECONDS);
        return probe;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void ack(String envelopeId) {
        send("{\"envelope_id\":\"" + envelopeId + "\"}");
    }

    void ping(String payload) {
        socket.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))).join();
    }

    void abort() {
        socket.abort();
    }

    boolean closed() {
        return !closeCodes.isEmpty() || !errors.isEmpty();
    }

    /** Messages of one {@code type} (hello, events_api, disconnect …). */
    List<JsonNode> ofType(String type) {
        return messages.stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (partial) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    errors.add(e);
                }
                partial.setLength(0);
            }
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(StandardCharsets.UTF_8.decode(message).toString());
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCodes.add(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        errors.add(error);
    }
}
