package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.sim.discord.WebSocketCodec.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's wire behaviour, checked frame by frame with a raw client. */
class GatewayProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MESSAGE_INTENTS = Intents.GUILD_MESSAGES | Intents.DIRECT_MESSAGES | Intents.MESSAGE_CONTENT;

    private DiscordSimulator sim;
    private SimBot bot;

    @BeforeEach
    void startSimulator() {
        sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(1500)).closeTimeout(Duration.ofSeconds(2)).start();
        bot = sim.registerBot("raw-token");
    }

    @AfterEach
    void closeSimulator() {
        sim.close();
    }

    private RawGatewayClient connect(String path) throws IOException {
        return RawGatewayClient.connect(sim.gatewayPort(), path, WAIT);
    }

    /** Connects, identifies and reads HELLO, READY and the GUILD_CREATE; returns READY's {@code d}. */
    private JsonNode identified(RawGatewayClient client, int intents) throws IOException {
        assertThat(client.json(WAIT).get("op").asInt()).isEqualTo(10);
        client.identify(bot.token(), intents);
        JsonNode ready = client.json(WAIT);
        assertThat(ready.get("t").asText()).isEqualTo("READY");
        assertThat(client.json(WAIT).get("t").asText()).isEqualTo("GUILD_CREATE");
        return ready.get("d");
    }

    @Test
    void helloFollowsTheUpgradeWithTheConfiguredHeartbeatInterval() throws IOException {
        try (RawGatewayClient client = connect("/")) {
            assertThat(client.statusLine()).startsWith("HTTP/1.1 101");
            JsonNode hello = client.json(WAIT);
            assertThat(hello.get("op").asInt()).isEqualTo(10);
            assertThat(hello.get("d").get("heartbeat_interval").asLong()).isEqualTo(1500);
            assertThat(hello.get("s").isNull()).isTrue();
        }
    }

    @Test
    void identifyIsAnsweredWithReadyThenGuildCreateInSequence() throws IOException {
        try (RawGatewayClient client = connect("/")) {
            assertThat(client.json(WAIT).get("op").asInt()).isEqualTo(10);
            assertThat(sim.connections()).singleElement().satisfies(c -> assertThat(c.sessionAt()).isEmpty());
            Instant beforeIdentify = Instant.now();
            client.identify(bot.token(), MESSAGE_INTENTS);
            JsonNode ready = client.json(WAIT);
            Instant readyRead = Instant.now();
            assertThat(sim.connections()).singleElement().satisfies(c -> assertThat(c.sessionAt()).hasValueSatisfying(
                    at -> assertThat(at).isBetween(beforeIdentify, readyRead)));
            assertThat(ready.get("s").asLong()).isEqualTo(1);
            assertThat(ready.at("/d/user/id").asText()).isEqualTo(bot.userId());
            assertThat(ready.at("/d/application/id").asText()).isEqualTo(bot.applicationId());
            assertThat(ready.at("/d/resume_gateway_url").asText()).isEqualTo(sim.gatewayUrl() + "resume");
            assertThat(ready.at("/d/guilds/0/unavailable").asBoolean()).isTrue();
            assertThat(ready.at("/d/private_channels").isArray()).isTrue();
            JsonNode guildCreate = client.json(WAIT);
            assertThat(guildCreate.get("s").asLong()).isEqualTo(2);
            assertThat(guildCreate.at("/d/id").asText()).isEqualTo(sim.defaultGuild().id());
            assertThat(guildCreate.at("/d/channels/0/id").asText()).isEqualTo(sim.defaultGuild().defaultChannel().id());
            assertThat(bot.sessionId()).contains(ready.at("/d/session_id").asText());
        }
    }

    @Test
    void heartbeatIsAcknowledgedUntilAcksAreStopped() throws IOException {
        try (RawGatewayClient client = connect("/")) {
            identified(client, MESSAGE_INTENTS);
            client.heartbeat(2);
            assertThat(client.json(WAIT).get("op").asInt()).isEqualTo(11);
            assertThat(bot.inject(GatewayFault.stopAcks())).isEqualTo(1);
            client.heartbeat(2);
            // The server has read the heartbeat before the window in which no ACK may come starts.
            await().atMost(WAIT).until(() -> bot.stats().heartbeats() == 2);
            assertThat(client.nothingFor(Duration.ofMillis(500))).isEmpty();
            assertThat(bot.stats().acks()).isEqualTo(1);
        }
    }

    @Test
    void unknownTokenIsClosedWith4004() throws IOException {
        try (RawGatewayClient client = connect("/")) {
            client.json(WAIT);
            client.identify("not-a-registered-token", 0);
            Frame close = client.frame(WAIT);
            assertThat(close.opcode()).isEqualTo(WebSocketCodec.OP_CLOSE);
            assertThat(close.closeCode()).isEqualTo(4004);
        }
    }

    @Test
    void resumeReplaysTheDispatchesPushedWhileDisconnected() throws IOException {
        SimUser alice = sim.createUser("alice");
        SimChannel general = sim.defaultGuild().defaultChannel();
        String sessionId;
        try (RawGatewayClient first = connect("/")) {
            sessionId = identified(first, MESSAGE_INTENTS).get("session_id").asText();
            assertThat(bot.inject(GatewayFault.fin())).isEqualTo(1);
            assertThat(first.closedWithin(WAIT)).isTrue();
        }
        DispatchReceipt one = bot.guildMessage(general, alice, "missed one");
        DispatchReceipt two = bot.directMessage(alice, "missed two");
        assertThat(one.outcome()).isEqualTo(DispatchReceipt.Outcome.BUFFERED);
        assertThat(two.sequence()).isEqualTo(one.sequence() + 1);

        try (RawGatewayClient second = connect("/resume")) {
            second.json(WAIT);
            assertThat(sim.connections()).filteredOn(c -> c.path().equals("/resume")).singleElement()
                    .satisfies(c -> assertThat(c.sessionAt()).isEmpty());
            Instant beforeResume = Instant.now();
            second.resume(bot.token(), sessionId, 2);
            JsonNode replayedOne = second.json(WAIT);
            JsonNode replayedTwo = second.json(WAIT);
            JsonNode resumed = second.json(WAIT);
            Instant resumedRead = Instant.now();
            assertThat(sim.connections()).filteredOn(c -> c.path().equals("/resume")).singleElement().satisfies(c -> assertThat(c.sessionAt()).hasValueSatisfying(
                    at -> assertThat(at).isBetween(beforeResume, resumedRead)));
            assertThat(replayedOne.at("/d/content").asText()).isEqualTo("missed one");
            assertThat(replayedOne.get("s").asLong()).isEqualTo(one.sequence());
            assertThat(replayedTwo.at("/d/content").asText()).isEqualTo("missed two");
            assertThat(resumed.get("t").asText()).isEqualTo("RESUMED");
            assertThat(resumed.get("s").asLong()).isEqualTo(two.sequence() + 1);
            assertThat(resumed.get("d").isObject()).isTrue();
            assertThat(sim.connections()).singleElement().satisfies(c -> assertThat(c.path()).isEqualTo("/resume"));
        }
        assertThat(bot.stats().replayed()).isEqualTo(2);
        assertThat(bot.stats().maxOpenAtOnce()).isEqualTo(1);
    }

    @Test
    void aBotMayHoldTwoSessionsAndEachGetsEveryEventWithItsOwnSequence() throws IOException {
        SimUser alice = sim.createUser("alice");
        try (RawGatewayClient first = connect("/"); RawGatewayClient second = connect("/")) {
            String a = identified(first, MESSAGE_INTENTS).get("session_id").asText();
            bot.directMessage(alice, "only the first session");
            assertThat(first.json(WAIT).get("s").asLong()).isEqualTo(3);
            String b = identified(second, MESSAGE_INTENTS).get("session_id").asText();
            assertThat(bot.sessionIds()).containsExactly(a, b);

            DispatchReceipt both = bot.directMessage(alice, "both sessions");
            JsonNode onFirst = first.json(WAIT);
            JsonNode onSecond = second.json(WAIT);
            assertThat(both.outcome()).isEqualTo(DispatchReceipt.Outcome.SENT);
            assertThat(onFirst.at("/d/id").asText()).as("the same message, by its snowflake")
                    .isEqualTo(onSecond.at("/d/id").asText()).isEqualTo(both.entityId());
            assertThat(onFirst.get("s").asLong()).isEqualTo(4);
            assertThat(onSecond.get("s").asLong()).as("each session numbers its own dispatches").isEqualTo(3);
            assertThat(bot.stats().maxOpenAtOnce()).isEqualTo(2);
        }
    }

    @Test
    void aThirdIdentifyEndsTheOldestSession() throws IOException {
        try (RawGatewayClient first = connect("/"); RawGatewayClient second = connect("/");
                RawGatewayClient third = connect("/")) {
            identified(first, MESSAGE_INTENTS);
            String b = identified(second, MESSAGE_INTENTS).get("session_id").asText();
            String c = identified(third, MESSAGE_INTENTS).get("session_id").asText();
            assertThat(bot.sessionIds()).containsExactly(b, c);
            bot.directMessage(sim.createUser("alice"), "to the two live sessions");
            assertThat(second.json(WAIT).at("/d/content").asText()).isEqualTo("to the two live sessions");
            assertThat(third.json(WAIT).at("/d/content").asText()).isEqualTo("to the two live sessions");
            assertThat(first.nothingFor(Duration.ofMillis(500))).as("the ended session").isEmpty();
        }
    }

    @Test
    void aResumeGoesToItsOwnSessionWhileTheOtherKeepsReceiving() throws IOException {
        SimUser alice = sim.createUser("alice");
        try (RawGatewayClient second = connect("/")) {
            String a;
            try (RawGatewayClient first = connect("/")) {
                a = identified(first, MESSAGE_INTENTS).get("session_id").asText();
                identified(second, MESSAGE_INTENTS);
                first.close(4000, "going away for a moment");
            }
            await().atMost(WAIT).until(() -> bot.connections().size() == 1);
            DispatchReceipt missed = bot.directMessage(alice, "sent while the first was away");
            assertThat(missed.outcome()).as("the second session got it").isEqualTo(DispatchReceipt.Outcome.SENT);
            assertThat(second.json(WAIT).at("/d/content").asText()).isEqualTo("sent while the first was away");
            try (RawGatewayClient back = connect("/resume")) {
                back.json(WAIT);
                back.resume(bot.token(), a, 2);
                JsonNode replayed = back.json(WAIT);
                assertThat(replayed.at("/d/content").asText()).isEqualTo("sent while the first was away");
                assertThat(replayed.get("s").asLong()).as("the first session's own sequence").isEqualTo(3);
                assertThat(back.json(WAIT).get("t").asText()).isEqualTo("RESUMED");
                assertThat(second.nothingFor(Duration.ofMillis(300))).as("no replay on the other session").isEmpty();
            }
        }
    }

    @Test
    void anIdentifyWithinTheBotsIdentifyIntervalGetsInvalidSessionFalse() throws IOException {
        bot.identifyInterval(Duration.ofSeconds(5));
        try (RawGatewayClient first = connect("/"); RawGatewayClient second = connect("/")) {
            identified(first, MESSAGE_INTENTS);
            second.json(WAIT);
            second.identify(bot.token(), MESSAGE_INTENTS);
            JsonNode invalid = second.json(WAIT);
            assertThat(invalid.get("op").asInt()).isEqualTo(9);
            assertThat(invalid.get("d").asBoolean()).isFalse();
            assertThat(bot.sessionIds()).hasSize(1);
        }
    }

    @Test
    void resumeFromBeyondTheReplayBacklogGetsInvalidSessionFalse() throws IOException {
        try (DiscordSimulator small = DiscordSimulator.builder().replayCapacity(2).start()) {
            SimBot smallBot = small.registerBot("small-backlog-token");
            SimUser alice = small.createUser("alice");
            String sessionId;
            try (RawGatewayClient first = RawGatewayClient.connect(small.gatewayPort(), "/", WAIT)) {
                first.json(WAIT);
                first.identify(smallBot.token(), MESSAGE_INTENTS);
                sessionId = first.json(WAIT).at("/d/session_id").asText();
                first.json(WAIT);
                smallBot.inject(GatewayFault.rst());
            }
            for (int i = 0; i < 3; i++) {
                smallBot.directMessage(alice, "overflow " + i);
            }
            try (RawGatewayClient second = RawGatewayClient.connect(small.gatewayPort(), "/resume", WAIT)) {
                second.json(WAIT);
                second.resume(smallBot.token(), sessionId, 2);
                JsonNode invalid = second.json(WAIT);
                assertThat(invalid.get("op").asInt()).isEqualTo(9);
                assertThat(invalid.get("d").asBoolean()).isFalse();
            }
            assertThat(smallBot.sessionId()).isEmpty();
        }
    }

    @Test
    void resumeOfAnUnknownSessionGetsInvalidSessionFalse() throws IOException {
        try (RawGatewayClient client = connect("/resume")) {
            client.json(WAIT);
            client.resume(bot.token(), "no-such-session", 7);
            JsonNode invalid = client.json(WAIT);
            assertThat(invalid.get("op").asInt()).isEqualTo(9);
            assertThat(invalid.get("d").asBoolean()).isFalse();
        }
    }

    @Test
    void blackHoleSendsNothingAndLeavesTheCloseUnanswered() throws IOException {
        try (RawGatewayClient client = connect("/")) {
            identified(client, MESSAGE_INTENTS);
            bot.inject(GatewayFault.blackHole());
            client.heartbeat(2);
            DispatchReceipt swallowed = bot.directMessage(sim.createUser("bob"), "into the void");
            client.close(1000, "anyone there?");
            assertThat(client.nothingFor(Duration.ofMillis(1500))).isEmpty();
            assertThat(swallowed.outcome()).isEqualTo(DispatchReceipt.Outcome.BUFFERED);
            assertThat(bot.connections()).singleElement().satisfies(c -> assertThat(c.isOpen()).isTrue());
        }
    }

    @Test
    void stalledHandshakeAcceptsTcpButNeverAnswersTheUpgrade() throws IOException {
        sim.acceptMode(AcceptMode.STALL_HANDSHAKE);
        assertThatThrownBy(() -> RawGatewayClient.connect(sim.gatewayPort(), "/", Duration.ofMillis(800)))
                .isInstanceOf(java.net.SocketTimeoutException.class);
        await().atMost(WAIT).until(() -> sim.stats().tcpAccepts() == 1);
        assertThat(sim.stats().handshakes()).isZero();
    }

    @Test
    void aHeldHandshakeIsAnsweredOnlyOnceTheAcceptModeChanges() throws Exception {
        sim.acceptMode(AcceptMode.HOLD_HANDSHAKE);
        CompletableFuture<RawGatewayClient> connecting = CompletableFuture.supplyAsync(() -> {
            try {
                return connect("/");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        await().atMost(WAIT).until(() -> sim.stats().tcpAccepts() == 1);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !connecting.isDone());
        assertThat(sim.stats().handshakes()).isZero();

        sim.acceptMode(AcceptMode.NORMAL);

        try (RawGatewayClient client = connecting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            assertThat(client.statusLine()).startsWith("HTTP/1.1 101");
            identified(client, MESSAGE_INTENTS);
            assertThat(bot.stats().openSockets()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatGivesUpOnAHeldHandshakeEndsItsConnection() throws IOException {
        sim.acceptMode(AcceptMode.HOLD_HANDSHAKE);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", sim.gatewayPort()), (int) WAIT.toMillis());
            socket.getOutputStream().write(RawGatewayClient.upgradeRequest(sim.gatewayPort(), "/"));
            await().atMost(WAIT).until(() -> sim.connections().size() == 1 && sim.connections().get(0).path().equals("/"));
        }
        await().atMost(WAIT).until(() -> sim.connections().isEmpty());
        assertThat(sim.stats().handshakes()).isZero();
        assertThat(sim.stats().openSockets()).isZero();
    }

    @Test
    void aConnectionDroppedBeforeItsFirstFrameIsTheBotsButNeverCountsAsOpen() throws IOException {
        sim.acceptMode(AcceptMode.CLOSE_AFTER_HELLO);
        try (RawGatewayClient client = connect("/")) {
            assertThat(client.json(WAIT).get("op").asInt()).isEqualTo(10);
            assertThat(sim.inject(GatewayFault.fin())).isEqualTo(1);
            client.identify(bot.token(), MESSAGE_INTENTS); // read after the drop: CLOSE_AFTER_HELLO reads one frame
            await().atMost(WAIT).until(() -> bot.stats().identifies() == 1);
        }
        assertThat(bot.stats().tcpAccepts()).isEqualTo(1);
        assertThat(bot.stats().maxOpenAtOnce()).isZero();
        assertThat(bot.stats().openSockets()).isZero();
    }

    @Test
    void stopListeningRefusesConnectionsOnTheSamePortUntilStartListening() throws IOException {
        int port = sim.gatewayPort();
        sim.stopListening();
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000))
                .isInstanceOf(ConnectException.class);
        sim.startListening();
        try (RawGatewayClient client = connect("/")) {
            assertThat(client.json(WAIT).get("op").asInt()).isEqualTo(10);
        }
        assertThat(sim.gatewayPort()).isEqualTo(port);
    }

    @Test
    void eventsNeedTheIntentDiscordRequiresAndContentNeedsMessageContent() throws IOException {
        SimUser alice = sim.createUser("alice");
        SimChannel general = sim.defaultGuild().defaultChannel();
        try (RawGatewayClient client = connect("/")) {
            identified(client, Intents.GUILD_MESSAGES);
            assertThat(bot.directMessage(alice, "dm").outcome())
                    .isEqualTo(DispatchReceipt.Outcome.FILTERED_BY_INTENTS);
            assertThat(bot.guildMessage(general, alice, "secret").outcome()).isEqualTo(DispatchReceipt.Outcome.SENT);
            assertThat(client.json(WAIT).at("/d/content").asText()).isEmpty();
            bot.guildMessage(general, alice, bot.asUser().mention() + " hi", bot.asUser());
            assertThat(client.json(WAIT).at("/d/content").asText()).isEqualTo(bot.asUser().mention() + " hi");
        }
    }

    @Test
    void dispatchWithoutSessionIsDropped() {
        DispatchReceipt receipt = bot.directMessage(sim.createUser("carol"), "nobody listening");
        assertThat(receipt.outcome()).isEqualTo(DispatchReceipt.Outcome.NO_SESSION);
        assertThat(receipt.accepted()).isFalse();
    }

    @Test
    void clientCloseIsEchoedAndTheSocketCountsAsClosed() throws IOException {
        try (RawGatewayClient client = connect("/")) {
            identified(client, MESSAGE_INTENTS);
            client.close(4900, "bye");
            Frame echo = client.frame(WAIT);
            assertThat(echo.opcode()).isEqualTo(WebSocketCodec.OP_CLOSE);
            assertThat(echo.closeCode()).isEqualTo(4900);
            assertThat(client.closedWithin(WAIT)).isTrue();
        }
        await().atMost(WAIT).until(() -> bot.stats().openSockets() == 0 && sim.stats().openSockets() == 0);
    }
}
