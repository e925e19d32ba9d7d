package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The messages of one app's channels, for {@code conversations.history}: every {@code message} event
 * pushed (delivered or not) and every {@code chat.postMessage}. Answers like Slack: newest first,
 * {@code oldest}/{@code latest} exclusive unless {@code inclusive}, at most {@code limit} per page
 * (default 100, at most 999), {@code has_more}, and an opaque {@code next_cursor}
 * ({@code base64("next_ts:<ts>")}) that continues further back. Bounded per channel.
 */
final class ChannelHistory {

    static final int MAX_PER_CHANNEL = 10_000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 999;

    /** By channel, then by ts; ts strings of this JVM all have the same width, so text order is time order. */
    private final Map<String, NavigableMap<String, ObjectNode>> channels = new ConcurrentHashMap<>();

    /** Keeps a {@code message} event (subtypes other than deletions included); ignores anything else. */
    void record(JsonNode event) {
        if (!"message".equals(event.path("type").asText()) || "message_deleted".equals(event.path("subtype").asText())
                || !event.hasNonNull("channel") || !event.hasNonNull("ts")) {
            return;
        }
        ObjectNode stored = SlackEvents.JSON.createObjectNode();
        stored.put("type", "message");
        for (String f : new String[] {"subtype", "user", "bot_id", "text", "ts", "thread_ts"}) {
            if (event.hasNonNull(f)) {
                stored.set(f, event.get(f));
            }
        }
        NavigableMap<String, ObjectNode> m = channels.computeIfAbsent(event.get("channel").asText(),
                c -> new ConcurrentSkipListMap<>());
        m.put(event.get("ts").asText(), stored);
        while (m.size() > MAX_PER_CHANNEL) {
            m.pollFirstEntry();
        }
    }

    /** The body of a {@code conversations.history} answer, or {@code null} for an unknown channel. */
    ObjectNode page(String channel, String oldest, String latest, boolean inclusive, int limit, String cursor) {
        NavigableMap<String, ObjectNode> m = channels.get(channel);
        if (m == null) {
            return null;
        }
        NavigableMap<String, ObjectNode> range = m;
        if (oldest != null) {
            range = range.tailMap(oldest, inclusive);
        }
        if (latest != null) {
            range = range.headMap(latest, inclusive);
        }
        if (cursor != null) {
            range = range.headMap(decode(cursor), true);
        }
        int n = Math.min(Math.max(1, limit), MAX_LIMIT);
        ObjectNode body = SlackEvents.JSON.createObjectNode();
        body.put("ok", true);
        ArrayNode messages = body.putArray("messages");
        Iterator<ObjectNode> newestFirst = range.descendingMap().values().iterator();
        while (newestFirst.hasNext() && messages.size() < n) {
            messages.add(newestFirst.next().deepCopy());
        }
        boolean more = newestFirst.hasNext();
        body.put("has_more", more);
        body.put("pin_count", 0);
        ObjectNode meta = body.putObject("response_metadata");
        meta.put("next_cursor", more ? encode(newestFirst.next().get("ts").asText()) : "");
        return body;
    }

    private static String encode(String ts) {
        return Base64.getEncoder().encodeToString(("next_ts:" + ts).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        String s = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!s.startsWith("next_ts:")) {
            throw new IllegalArgumentException("invalid_cursor");
        }
        return s.substring("next_ts:".length());
    }
}
