package dev.gatehouse.sim.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code conversations.history} as Slack pages it: newest first, exclusive oldest, cursors, has_more, 429. */
class SlackHistoryTest {

    private static SlackSimulator sim;
    private static WebApi api;

    @BeforeAll
    static void startSimulator() {
        sim = SlackSimulator.start();
        api = new WebApi(HttpClient.newHttpClient(), sim.apiUrl());
    }

    @AfterAll
    static void closeSimulator() {
        sim.close();
    }

    private static List<String> ts(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.path("messages").forEach(m -> out.add(m.path("ts").asText()));
        return out;
    }

    @Test
    void messagesPostedWhileNoConnectionIsOpenArePagedNewestFirstAfterOldest() throws Exception {
        SimSlackApp app = sim.registerApp();
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            posted.add(sim.postMessage(app, "C1", "U1", "m" + i));
        }
        sim.postMessage(app, "C2", "U1", "elsewhere");

        WebApi.Answer first = api.post("conversations.history", app.botToken(),
                Map.of("channel", "C1", "oldest", posted.get(1), "limit", "3"));
        assertThat(first.ok()).isTrue();
        assertThat(ts(first.body())).containsExactly(posted.get(6), posted.get(5), posted.get(4));
        assertThat(first.body().path("has_more").asBoolean()).isTrue();
        String cursor = first.body().path("response_metadata").path("next_cursor").asText();
        assertThat(cursor).isNotBlank();

        WebApi.Answer second = api.post("conversations.history", app.botToken(),
                Map.of("channel", "C1", "oldest", posted.get(1), "limit", "3", "cursor", cursor));
        assertThat(ts(second.body())).containsExactly(posted.get(3), posted.get(2));
        assertThat(second.body().path("has_more").asBoolean()).isFalse();
        assertThat(second.body().path("response_metadata").path("next_cursor").asText()).isEmpty();
        assertThat(second.body().path("messages").get(0).path("user").asText()).isEqualTo("U1");
        assertThat(second.body().path("messages").get(0).path("text").asText()).isEqualTo("m3");
    }

    @Test
    void theBotsOwnPostsAreInTheHistoryWithItsBotId() throws Exception {
        SimSlackApp app = sim.registerApp();
        api.post("chat.postMessage", app.botToken(), Map.of("channel", "C7", "text", "from the bot"));
        WebApi.Answer h = api.post("conversations.history", app.botToken(), Map.of("channel", "C7"));
        assertThat(h.body().path("messages").get(0).path("bot_id").asText()).isEqualTo(app.botId());
    }

    @Test
    void unknownChannelsAndAppTokensAreRefusedAndA429FaultCarriesRetryAfter() throws Exception {
        SimSlackApp app = sim.registerApp();
        sim.postMessage(app, "C1", "U1", "hello");
        assertThat(api.post("conversations.history", app.botToken(), Map.of("channel", "C404")).error())
                .isEqualTo("channel_not_found");
        assertThat(api.post("conversations.history", app.appToken(), Map.of("channel", "C1")).error())
                .isEqualTo("not_allowed_token_type");

        sim.failMethod(app, "conversations.history", MethodFault.rateLimited(2), 1);
        WebApi.Answer limited = api.post("conversations.history", app.botToken(), Map.of("channel", "C1"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isEqualTo("2");
        assertThat(api.post("conversations.history", app.botToken(), Map.of("channel", "C1")).ok()).isTrue();
    }
}
