package dev.gatehouse.slack;

import static dev.gatehouse.slack.Json.array;
import static dev.gatehouse.slack.Json.object;
import static dev.gatehouse.slack.Json.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.gatehouse.api.ButtonClickEvent;
import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageDeletedEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.ReactionAddedEvent;
import java.util.Set;

/**
 * Maps Socket Mode envelope payloads to the plugin API's events; a pure function of the payload and
 * the bot's identity.
 *
 * <p><b>Event ids.</b> The host deduplicates on {@link InboundEvent#eventId()}. Reactions and deletions
 * use Slack's {@code event_id}, which redeliveries repeat. Messages are different: for one message
 * that mentions the bot, Slack sends a {@code message} event <em>and</em> an {@code app_mention}
 * event with different {@code event_id}s. Both are mapped to the same {@link MessageEvent} with the
 * id {@code msg:<channel>:<ts>} — a message's identity in Slack, repeated by redeliveries just like
 * {@code event_id} — so the host hands whichever arrives first to the bot and treats the other as a
 * duplicate. Dropping one of the two kinds instead would lose mentions for apps subscribed to only
 * one of them. Button clicks, which Slack never redelivers, use the interaction's {@code trigger_id}.
 */
final class EventMapper {

    /** A mapped event, or why the envelope carries nothing for the bot (it is acknowledged either way). */
    record Mapped(InboundEvent event, String skipped) {
        static Mapped of(InboundEvent e) {
            return new Mapped(e, null);
        }

        static Mapped skip(String why) {
            return new Mapped(null, why);
        }
    }

    /** Message subtypes that are still a person's new message; every other subtype is an edit, join, … */
    private static final Set<String> PERSON_SUBTYPES = Set.of("thread_broadcast", "file_share", "me_message");

    private final BotIdentity me;

    EventMapper(BotIdentity me) {
        this.me = me;
    }

    /**
     * @param envelopeType {@code events_api} or {@code interactive}
     * @param payload the envelope's {@code payload}
     */
    Mapped map(String envelopeType, JsonObject payload) {
        if (payload == null) {
            return Mapped.skip("no payload");
        }
        return switch (envelopeType) {
            case "events_api" -> event(text(payload, "event_id"), object(payload, "event"));
            case "interactive" -> interaction(payload);
            default -> Mapped.skip("envelope type " + envelopeType + " is not mapped");
        };
    }

    private Mapped event(String eventId, JsonObject event) {
        if (eventId == null || event == null) {
            return Mapped.skip("events_api payload without event_id or event");
        }
        String type = String.valueOf(text(event, "type"));
        return switch (type) {
            case "message" -> message(eventId, event);
            case "app_mention" -> personMessage(event, true);
            case "reaction_added" -> reaction(eventId, event);
            default -> Mapped.skip("event type " + type + " is not mapped");
        };
    }

    private Mapped message(String eventId, JsonObject event) {
        String subtype = text(event, "subtype");
        if ("message_deleted".equals(subtype)) {
            String channel = text(event, "channel");
            String deleted = text(event, "deleted_ts");
            return channel == null || deleted == null ? Mapped.skip("message_deleted without channel or deleted_ts")
                    : Mapped.of(new MessageDeletedEvent(eventId, channel, deleted));
        }
        if ("bot_message".equals(subtype) || text(event, "bot_id") != null) {
            return Mapped.skip(me.botId() != null && me.botId().equals(text(event, "bot_id"))
                    ? "our own message" : "another bot's message");
        }
        if (subtype != null && !PERSON_SUBTYPES.contains(subtype)) {
            return Mapped.skip("message subtype " + subtype + " is not a new message");
        }
        return personMessage(event, false);
    }

    private Mapped personMessage(JsonObject event, boolean appMention) {
        String user = text(event, "user");
        String channel = text(event, "channel");
        String ts = text(event, "ts");
        if (user == null || channel == null || ts == null) {
            return Mapped.skip("message without user, channel or ts");
        }
        if (user.equals(me.userId())) {
            return Mapped.skip("our own message");
        }
        String text = text(event, "text");
        boolean mention = appMention || mentionsMe(text);
        boolean im = "im".equals(text(event, "channel_type")) || (appMention && channel.startsWith("D"));
        return Mapped.of(new MessageEvent(messageKey(channel, ts), channel, ts, text(event, "thread_ts"), user, text,
                mention, im));
    }

    /** The event id of a message, shared by its {@code message} and {@code app_mention} events. */
    static String messageKey(String channel, String ts) {
        return "msg:" + channel + ":" + ts;
    }

    private boolean mentionsMe(String text) {
        return text != null && me.userId() != null
                && (text.contains("<@" + me.userId() + ">") || text.contains("<@" + me.userId() + "|"));
    }

    private Mapped reaction(String eventId, JsonObject event) {
        JsonObject item = object(event, "item");
        String user = text(event, "user");
        if (item == null || !"message".equals(text(item, "type"))) {
            return Mapped.skip("reaction on something other than a message");
        }
        if (user != null && user.equals(me.userId())) {
            return Mapped.skip("our own reaction");
        }
        String channel = text(item, "channel");
        String ts = text(item, "ts");
        String reaction = text(event, "reaction");
        if (user == null || channel == null || ts == null || reaction == null) {
            return Mapped.skip("reaction_added without user, channel, ts or reaction");
        }
        return Mapped.of(new ReactionAddedEvent(eventId, channel, ts, user, reaction));
    }

    private Mapped interaction(JsonObject payload) {
        if (!"block_actions".equals(text(payload, "type"))) {
            return Mapped.skip("interaction type " + text(payload, "type") + " is not mapped");
        }
        JsonObject button = firstButton(array(payload, "actions"));
        JsonObject container = object(payload, "container");
        String channel = text(object(payload, "channel"), "id");
        channel = channel != null ? channel : text(container, "channel_id");
        String user = text(object(payload, "user"), "id");
        String actionId = button == null ? null : text(button, "action_id");
        if (button == null || channel == null || user == null || actionId == null) {
            return Mapped.skip("block_actions without a button click in a channel");
        }
        String messageTs = text(container, "message_ts");
        messageTs = messageTs != null ? messageTs : text(object(payload, "message"), "ts");
        String trigger = text(payload, "trigger_id");
        String id = "action:" + (trigger != null ? trigger : channel + ":" + text(button, "action_ts"));
        return Mapped.of(new ButtonClickEvent(id, channel, messageTs, user, actionId, text(button, "value")));
    }

    /** Slack puts one action in a block_actions payload; the first button is the click. */
    private static JsonObject firstButton(JsonArray actions) {
        if (actions != null) {
            for (JsonElement a : actions) {
                if (a.isJsonObject() && "button".equals(text(a.getAsJsonObject(), "type"))) {
                    return a.getAsJsonObject();
                }
            }
        }
        return null;
    }
}
