package dev.gatehouse.slack;

import com.google.gson.JsonObject;
import dev.gatehouse.api.GatewayHealth;
import dev.gatehouse.api.InboundSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the envelopes ({@code events_api} and {@code interactive}): maps each to an event, hands it to the host and acknowledges it through the
 * {@link Acknowledger}. Envelopes that carry nothing for the bot (another bot's message, an unmapped
 * event type) are acknowledged at once, so Slack never retries them.
 *
 * <p>Envelopes that reach a closing connection are handled like any other: Slack never redelivers a
 * button click, so dropping one would lose it. The host takes events until the connection's close
 * returned; whatever it refuses stays unacknowledged, and Slack redelivers Events API envelopes.
 */
final class InboundEnvelopes {

    private static final Logger log = LoggerFactory.getLogger(InboundEnvelopes.class);

    private final EventMapper mapper;
    private final InboundSink sink;
    private final Acknowledger acks;
    private final GatewayHealth health;
    private final String subject;

    InboundEnvelopes(EventMapper mapper, InboundSink sink, Acknowledger acks, GatewayHealth health, String subject) {
        this.mapper = mapper;
        this.sink = sink;
        this.acks = acks;
        this.health = health;
        this.subject = subject;
    }

    /**
     * Acknowledges an envelope the gateway does not map (slash commands) with an empty response, as
     * Bolt's unmatched-request handler did, so Slack shows the user no error.
     */
    void acknowledgeOnly(String type, JsonObject frame) {
        health.markAlive();
        String envelopeId = Json.text(frame, "envelope_id");
        if (envelopeId != null) {
            log.debug("{}: {} envelope {} acknowledged without a payload", subject, type, envelopeId);
            acks.ackNow(envelopeId);
        }
    }

    /** Handles one envelope, received on the socket at {@code receivedNanos} (the connection's ticker). */
    void onEnvelope(String type, JsonObject frame, long receivedNanos) {
        String envelopeId = Json.text(frame, "envelope_id");
        if (envelopeId == null) {
            return;
        }
        health.markAlive();
        EventMapper.Mapped mapped;
        try {
            mapped = mapper.map(type, Json.object(frame, "payload"));
        } catch (RuntimeException e) {
            // Retrying cannot make a payload mappable: acknowledge it rather than have Slack resend it.
            log.warn("{}: {} envelope {} could not be mapped ({}); acknowledged and dropped", subject, type, envelopeId,
                    e.toString());
            acks.ackNow(envelopeId);
            return;
        }
        if (mapped.event() == null) {
            log.debug("{}: {} envelope {} skipped: {}", subject, type, envelopeId, mapped.skipped());
            acks.ackNow(envelopeId);
            return;
        }
        acks.ackWhenTaken(envelopeId, sink.deliver(mapped.event()), receivedNanos);
    }
}
