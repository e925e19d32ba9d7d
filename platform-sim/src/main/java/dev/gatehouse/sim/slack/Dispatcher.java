package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes envelopes to connections, matches acks to them, and redelivers unacked Events API envelopes the way
 * Slack does: a new {@code envelope_id}, the same {@code event_id}, {@code retry_attempt}+1 and
 * {@code retry_reason:"timeout"}, on whichever open connection is next in the round-robin.
 *
 * <p>Slack spaces its retries at roughly 0 s, 1 min and 5 min; here each retry follows the previous
 * delivery's ack timeout, so tests see all of them quickly.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Unacked deliveries are forgotten after this long (Slack's last retry comes about 5 min in). */
    private static final Duration RETENTION = Duration.ofMinutes(6);

    /** One Events API event across all its deliveries. */
    private static final class EventTrack {
        final String eventId;
        final JsonNode payload;
        /** Guarded by {@code this}. */
        int retries;
        /** Guarded by {@code this}. */
        boolean settled;

        EventTrack(String eventId, JsonNode payload) {
            this.eventId = eventId;
            this.payload = payload;
        }
    }

    /** A delivery awaiting its ack. */
    private static final class InFlight {
        final Delivery delivery;
        final AppState app;
        final long sentNanos;
        final EventTrack event;
        /** Set once right after the delivery is written; read by the ack path to cancel it. */
        volatile ScheduledFuture<?> timeout;

        InFlight(Delivery delivery, AppState app, long sentNanos, EventTrack event) {
            this.delivery = delivery;
            this.app = app;
            this.sentNanos = sentNanos;
            this.event = event;
        }
    }

    private final ScheduledExecutorService scheduler;
    private final Duration ackTimeout;
    private final boolean redelivery;
    private final int maxRedeliveries;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong eventSequence = new AtomicLong();

    Dispatcher(ScheduledExecutorService scheduler, Duration ackTimeout, boolean redelivery, int maxRedeliveries) {
        this.scheduler = scheduler;
        this.ackTimeout = ackTimeout;
        this.redelivery = redelivery;
        this.maxRedeliveries = maxRedeliveries;
        long sweepMillis = Duration.ofSeconds(10).toMillis();
        scheduler.scheduleWithFixedDelay(this::forgetStale, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Pushes an Events API {@code event} in a new {@code event_callback}, tracked for redelivery. */
    Delivery pushEvent(AppState app, SimConnection target, JsonNode event) {
        String eventId = String.format(Locale.ROOT, "Ev%010d", eventSequence.incrementAndGet());
        JsonNode payload = Envelopes.eventCallback(app.app, event, eventId, Instant.now().getEpochSecond());
        EventTrack track = new EventTrack(eventId, payload);
        return requireSent(app, target, send(app, target, EnvelopeType.EVENTS_API, payload, track, 0, ""));
    }

    /** Pushes an interactive or slash-command payload; these are never redelivered. */
    Delivery pushPayload(AppState app, SimConnection target, EnvelopeType type, JsonNode payload) {
        return requireSent(app, target, send(app, target, type, payload, null, 0, ""));
    }

    /** Handles {@code {"envelope_id":…}} received on {@code connection}. */
    void onAck(AppState app, SimConnection connection, String envelopeId, JsonNode payload) {
        InFlight flight = envelopeId == null ? null : inFlight.get(envelopeId);
        if (flight == null || flight.app != app || !inFlight.remove(envelopeId, flight)) {
            app.counters.unknownAcks.incrementAndGet();
            log.debug("{}: ack for unknown envelope {} on connection {}", app.app.appId(), envelopeId,
                    connection.id());
            return;
        }
        ScheduledFuture<?> timeout = flight.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (flight.event != null) {
            synchronized (flight.event) {
                flight.event.settled = true;
            }
        }
        Delivery delivery = flight.delivery;
        AckRecord ack = new AckRecord(delivery.envelopeId(), delivery.eventId(), delivery.type(),
                delivery.connectionId(), connection.id(), Duration.ofNanos(System.nanoTime() - flight.sentNanos),
                payload);
        app.acks.add(ack);
        app.counters.acks.incrementAndGet();
        if (ack.late()) {
            app.counters.lateAcks.incrementAndGet();
        }
    }

    private Delivery requireSent(AppState app, SimConnection target, Delivery delivery) {
        if (delivery == null) {
            throw new IllegalStateException(target != null
                    ? target + " is not open"
                    : app.app.appId() + " has no open connection to push to");
        }
        return delivery;
    }

    /** Writes one envelope; {@code null} when no candidate connection accepted it. */
    private Delivery send(AppState app, SimConnection target, EnvelopeType type, JsonNode payload, EventTrack event,
                          int retryAttempt, String retryReason) {
        List<SimConnection> candidates = target != null ? List.of(target) : app.roundRobinOrder();
        String envelopeId = UUID.randomUUID().toString();
        String text = Envelopes.envelope(type, envelopeId, payload, retryAttempt, retryReason);
        String eventId = event == null ? null : event.eventId;
        for (SimConnection connection : candidates) {
            if (!connection.isOpen()) {
                continue;
            }
            Delivery delivery = new Delivery(envelopeId, eventId, type, app.app.appId(), connection.id(),
                    retryAttempt, Instant.now());
            // Registered before writing: the client may ack before send() returns.
            InFlight flight = new InFlight(delivery, app, System.nanoTime(), event);
            inFlight.put(envelopeId, flight);
            try {
                connection.socketAfterHello().send(text);
            } catch (WebsocketNotConnectedException e) {
                inFlight.remove(envelopeId);
                continue;
            }
            app.deliveries.add(delivery);
            app.counters.envelopesPushed.incrementAndGet();
            if (event != null && redelivery) {
                flight.timeout = scheduler.schedule(() -> onAckTimeout(envelopeId),
                        ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return delivery;
        }
        return null;
    }

    private void onAckTimeout(String envelopeId) {
        InFlight flight = inFlight.get(envelopeId);
        if (flight == null) {
            return; // acked meanwhile
        }
        EventTrack event = flight.event;
        AppState app = flight.app;
        int attempt;
        synchronized (event) {
            if (event.settled) {
                return;
            }
            if (event.retries >= maxRedeliveries) {
                event.settled = true;
                app.counters.eventsAbandoned.incrementAndGet();
                log.debug("{}: event {} abandoned after {} redeliveries", app.app.appId(), event.eventId,
                        event.retries);
                return;
            }
            attempt = ++event.retries;
        }
        Delivery redelivered = send(app, null, EnvelopeType.EVENTS_API, event.payload, event, attempt, "timeout");
        if (redelivered != null) {
            app.counters.redeliveries.incrementAndGet();
            return;
        }
        // No open connection: Slack keeps the event; try again after another timeout without using a retry.
        synchronized (event) {
            event.retries--;
        }
        flight.timeout = scheduler.schedule(() -> onAckTimeout(envelopeId), ackTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void forgetStale() {
        long cutoff = System.nanoTime() - RETENTION.toNanos();
        inFlight.values().removeIf(flight -> flight.sentNanos - cutoff < 0);
    }
}
