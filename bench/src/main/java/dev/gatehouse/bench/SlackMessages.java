package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.sim.slack.Recipient;
import dev.gatehouse.sim.slack.SlackEvents;
import dev.gatehouse.sim.slack.SlackSimulator;

/**
 * Pushes a person's channel message. Its {@code ts} is the key every client sees: Gatehouse hands it to the
 * bot as the message id (its event id is {@code msg:<channel>:<ts>}), Bolt as the event's {@code ts}.
 */
final class SlackMessages {

    /** A pushed message: {@code ts} to match arrivals, {@code eventId} to match the simulator's ack records. */
    record Pushed(String ts, String eventId) {
    }

    private SlackMessages() {
    }

    /**
     * @throws IllegalStateException if the app has no open socket (the simulator cannot accept the event)
     */
    static Pushed push(SlackSimulator sim, Recipient to, String channel, String text) {
        ObjectNode event = SlackEvents.message(channel, "U0SENDER", text);
        String ts = event.get("ts").asText();
        return new Pushed(ts, sim.pushEventsApi(to, event).eventId());
    }
}
