package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /channels/{id}/messages} as Discord pages it: after/before/limit, newest first, 429. */
class RestHistoryTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private DiscordSimulator sim;
    private SimBot bot;
    private SimUser alice;
    private SimChannel general;

    @BeforeEach
    void start() {
        sim = DiscordSimulator.start();
        bot = sim.registerBot("history-token", "history-bot");
        alice = sim.createUser("alice");
        general = sim.defaultGuild().defaultChannel();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sim.restBaseUrl().replaceAll("/$", "") + "/channels/" + general.id()
                        + "/messages" + query)).header("Authorization", "Bot history-token").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(HttpResponse<String> r) throws Exception {
        List<String> out = new ArrayList<>();
        new ObjectMapper().readTree(r.body()).forEach(m -> out.add(m.get("id").asText()));
        return out;
    }

    @Test
    void messagesSentWithNoSessionArePagedAfterASnowflakeNewestFirst() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            DispatchReceipt r = bot.guildMessage(general, alice, "m" + i);
            assertThat(r.outcome()).isEqualTo(DispatchReceipt.Outcome.NO_SESSION);
            sent.add(r.entityId());
        }

        HttpResponse<String> first = get("?after=" + sent.get(0) + "&limit=2");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(ids(first)).containsExactly(sent.get(2), sent.get(1));
        HttpResponse<String> second = get("?after=" + sent.get(2) + "&limit=2");
        assertThat(ids(second)).containsExactly(sent.get(4), sent.get(3));
        assertThat(ids(get("?after=" + sent.get(4) + "&limit=2"))).isEmpty();
        assertThat(ids(get("?limit=2"))).containsExactly(sent.get(4), sent.get(3));
        JsonNode m = new ObjectMapper().readTree(second.body()).get(0);
        assertThat(m.path("content").asText()).isEqualTo("m4");
        assertThat(m.path("author").path("id").asText()).isEqualTo(alice.id());
    }

    @Test
    void aSimulatorWithASmallMessageHistoryKeepsOnlyTheNewestMessages() throws Exception {
        try (DiscordSimulator small = DiscordSimulator.builder().messageHistory(3).start()) {
            SimBot b = small.registerBot("small-token", "small-bot");
            SimUser bob = small.createUser("bob");
            SimChannel channel = small.defaultGuild().defaultChannel();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(b.guildMessage(channel, bob, "m" + i).entityId());
            }
            HttpResponse<String> all = http.send(HttpRequest.newBuilder(URI.create(small.restBaseUrl().replaceAll("/$", "")
                            + "/channels/" + channel.id() + "/messages?limit=100")).header("Authorization", "Bot small-token")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(ids(all)).containsExactly(sent.get(4), sent.get(3), sent.get(2));
        }
    }

    @Test
    void aSnowflakeMadeOfAnInstantSelectsWhatCameAfterIt() throws Exception {
        String before = bot.guildMessage(general, alice, "old").entityId();
        long createdMillis = (Long.parseLong(before) >> 22) + 1_420_070_400_000L;
        long instant = createdMillis + 1;
        // Snowflakes of one millisecond only count up: "later" must be made at or after the instant asked about.
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() >= instant);
        String later = bot.guildMessage(general, alice, "new").entityId();
        // "after" is exclusive and the first snowflake of a millisecond has zero low bits: one below it.
        String after = Long.toString(((instant - 1_420_070_400_000L) << 22) - 1);
        assertThat(ids(get("?after=" + after + "&limit=100"))).contains(later).doesNotContain(before);
    }

    @Test
    void limitOutsideOneToAHundredIsRefusedAndThe429FaultCarriesRetryAfter() throws Exception {
        assertThat(get("?limit=101").statusCode()).isEqualTo(400);
        sim.rateLimit(1, Duration.ofMillis(1500));
        HttpResponse<String> limited = get("?limit=10");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(new ObjectMapper().readTree(limited.body()).path("retry_after").asDouble()).isEqualTo(1.5);
        assertThat(get("?limit=10").statusCode()).isEqualTo(200);
    }
}
