package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start, endpoints, control surface and shutdown of the simulator itself. */
class SimulatorLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<String> simulatorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("sim-discord-"))
                .toList();
    }

    private record HttpResult(int status, String body) {
    }

    private static HttpResult http(String method, String url, String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        try {
            connection.setRequestMethod(method);
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            if (token != null) {
                connection.setRequestProperty("Authorization", "Bot " + token);
            }
            int status = connection.getResponseCode();
            InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            return new HttpResult(status, body);
        } finally {
            connection.disconnect();
        }
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void endpointsAreOnLoopbackEphemeralPorts() {
        try (DiscordSimulator sim = DiscordSimulator.start()) {
            assertThat(sim.restBaseUrl()).isEqualTo("http://127.0.0.1:" + sim.restPort() + "/api/v10/");
            assertThat(sim.gatewayUrl()).isEqualTo("ws://127.0.0.1:" + sim.gatewayPort() + "/");
            assertThat(sim.gatewayPort()).isNotEqualTo(sim.restPort()).isPositive();
            assertThat(sim.defaultGuild().defaultChannel().name()).isEqualTo("general");
        }
    }

    @Test
    void closeEndsEverySimulatorThreadAndPortEvenWithClientsInEveryState() throws Exception {
        DiscordSimulator sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(1500)).start();
        SimBot bot = sim.registerBot("lifecycle-token");
        JdaClient jda = JdaClient.connect(sim, bot);
        try (RawGatewayClient frozen = RawGatewayClient.connect(sim.gatewayPort(), "/", WAIT);
                Socket stalled = new Socket()) {
            frozen.json(WAIT);
            frozen.identify(sim.registerBot("frozen-token").token(), 0);
            frozen.json(WAIT);
            sim.bot("frozen-token").orElseThrow().inject(GatewayFault.blackHole());
            sim.acceptMode(AcceptMode.STALL_HANDSHAKE);
            stalled.connect(new InetSocketAddress("127.0.0.1", sim.gatewayPort()), 1000);
            await().atMost(WAIT).until(() -> sim.stats().tcpAccepts() == 3);
            assertThat(simulatorThreads()).contains("sim-discord-gateway-accept")
                    .anyMatch(name -> name.startsWith("sim-discord-rest-"))
                    .filteredOn(name -> name.startsWith("sim-discord-conn-")).hasSize(3);

            sim.close();

            assertThat(simulatorThreads()).isEmpty();
            assertThat(sim.isClosed()).isTrue();
            assertRefused(sim.gatewayPort());
            assertRefused(sim.restPort());
        } finally {
            sim.close();
            jda.close();
        }
    }

    @Test
    void maxLifetimeClosesTheSimulatorByItself() {
        DiscordSimulator sim = DiscordSimulator.builder().maxLifetime(Duration.ofMillis(300)).start();
        try {
            await().atMost(WAIT).until(sim::isClosed);
            await().atMost(WAIT).until(() -> simulatorThreads().isEmpty());
            assertRefused(sim.gatewayPort());
        } finally {
            sim.close();
        }
    }

    @Test
    void statsEndpointServesTheCountersAsJsonWithoutTokens() throws Exception {
        try (DiscordSimulator sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(1500)).start()) {
            SimBot bot = sim.registerBot("secret-stats-token", "stats-bot");
            try (RawGatewayClient client = RawGatewayClient.connect(sim.gatewayPort(), "/", WAIT)) {
                client.json(WAIT);
                client.identify(bot.token(), Intents.GUILD_MESSAGES);
                client.json(WAIT);
                client.json(WAIT);

                HttpResult result = http("GET", sim.statsUrl(), null);

                assertThat(result.status()).isEqualTo(200);
                assertThat(result.body()).doesNotContain("secret-stats-token");
                JsonNode stats = MAPPER.readTree(result.body());
                assertThat(stats.at("/global/tcpAccepts").asLong()).isEqualTo(1);
                assertThat(stats.at("/global/openSockets").asInt()).isEqualTo(1);
                assertThat(stats.at("/acceptsLast10s").asLong()).isEqualTo(1);
                assertThat(stats.at("/listening").asBoolean()).isTrue();
                assertThat(stats.at("/bots/0/userId").asText()).isEqualTo(bot.userId());
                assertThat(stats.at("/bots/0/username").asText()).isEqualTo("stats-bot");
                assertThat(stats.at("/bots/0/stats/identifies").asLong()).isEqualTo(1);
                assertThat(stats.at("/bots/0/stats/dispatches").asLong()).isEqualTo(2);
            }
        }
    }

    @Test
    void unknownRestEndpointIsAnswered404AndRecorded() throws Exception {
        try (DiscordSimulator sim = DiscordSimulator.start()) {
            SimBot bot = sim.registerBot("rest-404-token");

            HttpResult result = http("GET", sim.restBaseUrl() + "guilds/1/audit-logs", bot.token());

            assertThat(result.status()).isEqualTo(404);
            assertThat(sim.restCalls()).singleElement().satisfies(call -> {
                assertThat(call.is("GET", "/guilds/1/audit-logs")).isTrue();
                assertThat(call.status()).isEqualTo(404);
                assertThat(call.botUserId()).isEqualTo(bot.userId());
            });
        }
    }

    @Test
    void restWithAnUnknownTokenIsUnauthorized() throws Exception {
        try (DiscordSimulator sim = DiscordSimulator.start()) {
            HttpResult result = http("GET", sim.restBaseUrl() + "users/@me", "nobody");

            assertThat(result.status()).isEqualTo(401);
            assertThat(MAPPER.readTree(result.body()).get("message").asText()).isEqualTo("401: Unauthorized");
            assertThat(sim.restCalls()).singleElement().satisfies(call -> assertThat(call.botUserId()).isNull());
        }
    }

    @Test
    void clearFaultsRestoresNormalService() throws Exception {
        try (DiscordSimulator sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(1500)).start()) {
            SimBot bot = sim.registerBot("clear-token");
            bot.identifyReply(IdentifyReply.CLOSE_4004).restUnauthorized(true).rateLimit(3, Duration.ofSeconds(1));
            sim.acceptResume(false).blackHole(true).acceptMode(AcceptMode.STALL_HANDSHAKE);
            sim.stopListening();

            sim.clearFaults();

            assertThat(sim.isListening()).isTrue();
            assertThat(http("GET", sim.restBaseUrl() + "users/@me", bot.token()).status()).isEqualTo(200);
            try (RawGatewayClient client = RawGatewayClient.connect(sim.gatewayPort(), "/", WAIT)) {
                client.json(WAIT);
                client.identify(bot.token(), 0);
                assertThat(client.json(WAIT).get("t").asText()).isEqualTo("READY");
            }
        }
    }
}
