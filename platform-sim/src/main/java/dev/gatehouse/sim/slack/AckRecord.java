package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * An acknowledgement that matched a delivered envelope.
 *
 * @param envelopeId         the acknowledged envelope
 * @param eventId            its {@code event_id} ({@code null} for interactive and slash commands)
 * @param type               the envelope type
 * @param pushedOnConnection the connection the envelope was written to
 * @param ackedOnConnection  the connection the ack arrived on (may differ: the client acks on its current one)
 * @param latency            time from writing the envelope to receiving the ack
 * @param payload            the ack's {@code payload}, or {@code null} when it had none
 */
public record AckRecord(String envelopeId, String eventId, EnvelopeType type, long pushedOnConnection,
                        long ackedOnConnection, Duration latency, JsonNode payload) {

    /** Slack's ack deadline: later acks count as late. */
    public static final Duration LATE_THRESHOLD = Duration.ofMillis(3000);

    /** Latency in milliseconds. */
    public long latencyMillis() {
        return latency.toMillis();
    }

    /** Whether the ack came after Slack's 3 s deadline. */
    public boolean late() {
        return latency.compareTo(LATE_THRESHOLD) > 0;
    }
}
