package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gatehouse.api.ButtonClickEvent;
import dev.gatehouse.api.MessageDeletedEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.ReactionAddedEvent;
import org.junit.jupiter.api.Test;

class EventMapperTest {

    private static final BotIdentity ME = new BotIdentity("UBOT", "BBOT", "T1");
    private final EventMapper mapper = new EventMapper(ME);

    private static JsonObject callback(String eventId, String eventJson) {
        return JsonParser.parseString("{\"type\":\"event_callback\",\"event_id\":\"" + eventId + "\",\"event\":" + eventJson + "}")
                .getAsJsonObject();
    }

    private EventMapper.Mapped event(String eventId, String eventJson) {
        return mapper.map("events_api", callback(eventId, eventJson));
    }

    @Test
    void aPersonsMessageBecomesAMessageEventKeyedByChannelAndTs() {
        EventMapper.Mapped m = event("Ev1", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"hi\","
                + "\"ts\":\"100.000001\",\"channel_type\":\"channel\"}");
        assertThat(m.event()).isEqualTo(new MessageEvent("msg:C1:100.000001", "C1", "100.000001", null, "U1", "hi", false,
                false));
    }

    @Test
    void threadRepliesCarryTheirThreadAndDirectMessagesAreMarked() {
        MessageEvent reply = (MessageEvent) event("Ev1", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"re\",\"ts\":\"101.1\",\"thread_ts\":\"100.1\"}").event();
        assertThat(reply.threadId()).isEqualTo("100.1");
        MessageEvent dm = (MessageEvent) event("Ev2", "{\"type\":\"message\",\"channel\":\"D1\",\"user\":\"U1\","
                + "\"text\":\"psst\",\"ts\":\"102.1\",\"channel_type\":\"im\"}").event();
        assertThat(dm.directMessage()).isTrue();
        assertThat(dm.mention()).isFalse();
    }

    @Test
    void mentionsOfTheBotAreFlaggedInBothSlackForms() {
        assertThat(((MessageEvent) event("Ev1", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"<@UBOT> hi\",\"ts\":\"1.1\"}").event()).mention()).isTrue();
        assertThat(((MessageEvent) event("Ev2", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"hey <@UBOT|bot>\",\"ts\":\"1.2\"}").event()).mention()).isTrue();
        assertThat(((MessageEvent) event("Ev3", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"hey <@UOTHER>\",\"ts\":\"1.3\"}").event()).mention()).isFalse();
    }

    @Test
    void anAppMentionAndItsMessageEventMapToTheSameEventSoTheHostHandlesItOnce() {
        MessageEvent viaMessage = (MessageEvent) event("EvA", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"<@UBOT> status?\",\"ts\":\"5.5\",\"channel_type\":\"channel\"}").event();
        MessageEvent viaMention = (MessageEvent) event("EvB", "{\"type\":\"app_mention\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"<@UBOT> status?\",\"ts\":\"5.5\",\"event_ts\":\"5.5\"}").event();
        assertThat(viaMention).isEqualTo(viaMessage);
        assertThat(viaMention.mention()).isTrue();
        assertThat(viaMention.eventId()).isEqualTo(EventMapper.messageKey("C1", "5.5"));
    }

    @Test
    void ourOwnAndOtherBotsMessagesAreSkipped() {
        assertThat(event("Ev1", "{\"type\":\"message\",\"channel\":\"C1\",\"bot_id\":\"BBOT\",\"user\":\"UBOT\","
                + "\"text\":\"x\",\"ts\":\"1.1\"}").skipped()).isEqualTo("our own message");
        assertThat(event("Ev2", "{\"type\":\"message\",\"subtype\":\"bot_message\",\"channel\":\"C1\",\"bot_id\":\"BX\","
                + "\"text\":\"x\",\"ts\":\"1.2\"}").skipped()).isEqualTo("another bot's message");
        assertThat(event("Ev3", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"UBOT\",\"text\":\"x\",\"ts\":\"1.3\"}")
                .skipped()).isEqualTo("our own message");
    }

    @Test
    void editsJoinsAndOtherSubtypesAreNotNewMessages() {
        assertThat(event("Ev1", "{\"type\":\"message\",\"subtype\":\"message_changed\",\"channel\":\"C1\",\"ts\":\"1.1\"}")
                .event()).isNull();
        assertThat(event("Ev2", "{\"type\":\"message\",\"subtype\":\"thread_broadcast\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"x\",\"ts\":\"1.2\",\"thread_ts\":\"1.0\"}").event()).isInstanceOf(MessageEvent.class);
    }

    @Test
    void deletionsAndReactionsKeepSlacksEventId() {
        assertThat(event("EvD", "{\"type\":\"message\",\"subtype\":\"message_deleted\",\"hidden\":true,\"channel\":\"C1\","
                + "\"ts\":\"9.9\",\"deleted_ts\":\"5.5\"}").event()).isEqualTo(new MessageDeletedEvent("EvD", "C1", "5.5"));
        assertThat(event("EvR", "{\"type\":\"reaction_added\",\"user\":\"U1\",\"reaction\":\"eyes\","
                + "\"item\":{\"type\":\"message\",\"channel\":\"C1\",\"ts\":\"5.5\"},\"event_ts\":\"9.9\"}").event())
                .isEqualTo(new ReactionAddedEvent("EvR", "C1", "5.5", "U1", "eyes"));
    }

    @Test
    void reactionsByTheBotOrOnFilesAreSkipped() {
        assertThat(event("Ev1", "{\"type\":\"reaction_added\",\"user\":\"UBOT\",\"reaction\":\"eyes\","
                + "\"item\":{\"type\":\"message\",\"channel\":\"C1\",\"ts\":\"5.5\"}}").skipped()).isEqualTo("our own reaction");
        assertThat(event("Ev2", "{\"type\":\"reaction_added\",\"user\":\"U1\",\"reaction\":\"eyes\","
                + "\"item\":{\"type\":\"file\",\"file\":\"F1\"}}").event()).isNull();
    }

    @Test
    void unmappedEventTypesAreSkippedWithTheReason() {
        assertThat(event("Ev1", "{\"type\":\"channel_created\",\"channel\":{\"id\":\"C9\"}}").skipped())
                .isEqualTo("event type channel_created is not mapped");
        assertThat(mapper.map("events_api", JsonParser.parseString("{\"type\":\"event_callback\"}").getAsJsonObject())
                .event()).isNull();
    }

    @Test
    void aButtonClickBecomesAButtonClickEventKeyedByItsTrigger() {
        JsonObject payload = JsonParser.parseString("{\"type\":\"block_actions\",\"user\":{\"id\":\"U1\"},"
                + "\"trigger_id\":\"T.1\",\"container\":{\"type\":\"message\",\"message_ts\":\"7.7\",\"channel_id\":\"C1\"},"
                + "\"channel\":{\"id\":\"C1\"},\"message\":{\"ts\":\"7.7\"},"
                + "\"actions\":[{\"type\":\"button\",\"action_id\":\"approve\",\"value\":\"42\",\"action_ts\":\"8.8\"}]}")
                .getAsJsonObject();
        assertThat(mapper.map("interactive", payload).event())
                .isEqualTo(new ButtonClickEvent("action:T.1", "C1", "7.7", "U1", "approve", "42"));
    }

    @Test
    void otherInteractionsAreSkipped() {
        assertThat(mapper.map("interactive", JsonParser.parseString("{\"type\":\"view_submission\"}").getAsJsonObject())
                .event()).isNull();
        assertThat(mapper.map("interactive", JsonParser.parseString("{\"type\":\"block_actions\",\"user\":{\"id\":\"U1\"},"
                + "\"channel\":{\"id\":\"C1\"},\"actions\":[{\"type\":\"static_select\",\"action_id\":\"pick\"}]}")
                .getAsJsonObject()).event()).isNull();
    }
}
