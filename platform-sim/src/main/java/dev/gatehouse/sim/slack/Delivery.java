package dev.gatehouse.sim.slack;

import java.time.Instant;

/**
 * One envelope sent to one connection: a first delivery or a redelivery. Returned by every push.
 *
 * @param envelopeId   the envelope's id; new for every delivery
 * @param eventId      the Events API {@code event_id}, shared by all deliveries of one event; {@code null}
 *                     for interactive and slash-command envelopes
 * @param type         the envelope type
 * @param appId        the app it was pushed to
 * @param connectionId the {@link SimConnection#id()} it was written to
 * @param retryAttempt 0 for the first delivery, 1..n for redeliveries
 * @param sentAt       when it was written
 */
public record Delivery(String envelopeId, String eventId, EnvelopeType type, String appId, long connectionId,
                       int retryAttempt, Instant sentAt) {
}
