package dev.gatehouse.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.socket_mode.listener.WebSocketMessageListener;
import dev.gatehouse.api.GatewayHealth;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's listener for every text frame, on the SDK's message processor thread (the SDK calls
 * it for everything but {@code disconnect}). Routes {@code hello} to {@link LinkWatch} and the
 * envelopes the gateway handles to {@link InboundEnvelopes}; every frame is a sign of life. Does no
 * I/O and never waits.
 */
final class Frames implements WebSocketMessageListener {

    private static final Logger log = LoggerFactory.getLogger(Frames.class);

    private final LinkWatch link;
    private final InboundEnvelopes envelopes;
    private final GatewayHealth health;
    /** When the frame being handled arrived on the socket ({@link ObservedQueue#lastPollReceivedNanos}). */
    private final LongSupplier receivedNanos;
    private final String subject;

    Frames(LinkWatch link, InboundEnvelopes envelopes, GatewayHealth health, LongSupplier receivedNanos,
           String subject) {
        this.link = link;
        this.envelopes = envelopes;
        this.health = health;
        this.receivedNanos = receivedNanos;
        this.subject = subject;
    }

    @Override
    public void handle(String message) {
        JsonObject frame;
        try {
            JsonElement parsed = JsonParser.parseString(message);
            if (!parsed.isJsonObject()) {
                return;
            }
            frame = parsed.getAsJsonObject();
        } catch (RuntimeException e) {
            log.debug("{}: unparsable frame ignored: {}", subject, e.toString());
            return;
        }
        String type = String.valueOf(Json.text(frame, "type"));
        switch (type) {
            case "hello" -> link.onHello(Json.integer(frame, "num_connections", -1));
            case "events_api", "interactive" -> envelopes.onEnvelope(type, frame, receivedNanos.getAsLong());
            case "slash_commands" -> envelopes.acknowledgeOnly(type, frame);
            default -> health.markAlive(); // future types: nothing to acknowledge that is known
        }
    }
}
