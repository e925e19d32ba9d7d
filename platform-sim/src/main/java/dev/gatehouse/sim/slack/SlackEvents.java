package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builders of Events API {@code event} objects in Slack's shapes, for {@link SlackSimulator#pushEventsApi}.
 * The returned nodes are fresh and may be extended (e.g. with {@code thread_ts}) before pushing.
 */
public final class SlackEvents {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Last issued timestamp in microseconds since the epoch; only ever increases. */
    private static final AtomicLong LAST_TS_MICROS = new AtomicLong();

    private SlackEvents() {
    }

    /**
     * A new Slack message timestamp ({@code "<seconds>.<micros>"}), unique within this JVM and increasing,
     * close to the wall clock.
     */
    public static String nextTs() {
        long now = System.currentTimeMillis() * 1000;
        long micros = LAST_TS_MICROS.updateAndGet(last -> Math.max(last + 1, now));
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    /** A plain channel {@code message} event. */
    public static ObjectNode message(String channel, String user, String text) {
        String ts = nextTs();
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "message");
        event.put("channel", channel);
        event.put("user", user);
        event.put("text", text);
        event.put("ts", ts);
        event.put("event_ts", ts);
        event.put("channel_type", "channel");
        return event;
    }

    /** An {@code app_mention} event; {@code text} should contain {@code <@botUserId>} as Slack's would. */
    public static ObjectNode appMention(String channel, String user, String text) {
        String ts = nextTs();
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "app_mention");
        event.put("user", user);
        event.put("text", text);
        event.put("ts", ts);
        event.put("channel", channel);
        event.put("event_ts", ts);
        return event;
    }

    /** A {@code reaction_added} event on the message {@code messageTs} in {@code channel}. */
    public static ObjectNode reactionAdded(String channel, String user, String reaction, String messageTs) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "reaction_added");
        event.put("user", user);
        event.put("reaction", reaction);
        ObjectNode item = event.putObject("item");
        item.put("type", "message");
        item.put("channel", channel);
        item.put("ts", messageTs);
        event.put("event_ts", nextTs());
        return event;
    }

    /** A {@code message} event with subtype {@code message_deleted} for the message {@code deletedTs}. */
    public static ObjectNode messageDeleted(String channel, String deletedTs) {
        String ts = nextTs();
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "message");
        event.put("subtype", "message_deleted");
        event.put("hidden", true);
        event.put("channel", channel);
        event.put("ts", ts);
        event.put("deleted_ts", deletedTs);
        event.put("event_ts", ts);
        event.put("channel_type", "channel");
        ObjectNode previous = event.putObject("previous_message");
        previous.put("type", "message");
        previous.put("text", "(deleted)");
        previous.put("ts", deletedTs);
        return event;
    }
}
