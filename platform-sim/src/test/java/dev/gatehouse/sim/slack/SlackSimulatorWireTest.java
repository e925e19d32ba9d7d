package dev.gatehouse.sim.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's wire behaviour, checked with the JDK's own HTTP and WebSocket clients: what Slack would
 * send and answer, independent of how the Slack SDK reacts (that is {@link SlackSimulatorBoltTest}).
 */
class SlackSimulatorWireTest {
    private static final Duration ACK_TIMEOUT = Duration.ofMillis(200);
    /** How long "nothing happens" is watched. */
    private static final Duration QUIET = Duration.ofMillis(300);
    /**
     * Added to a during-window for the await's overall bound: Awaitility polls on a loaded machine can
     * start late, and the window must still fit.
     */
    private static final Duration AWAIT_SLACK = Duration.ofSeconds(5);

    private static SlackSimulator sim;
    private static HttpClient http;
    private static WebApi api;

    @BeforeAll
    static void startSimulator() {
        sim = SlackSimulator.builder().ackTimeout(ACK_TIMEOUT).maxLifetime(Duration.ofMinutes(5)).start();
        http = HttpClient.newHttpClient();
        api = new WebApi(http, sim.apiUrl());
    }

    @AfterAll
    static void closeSimulator() {
        sim.close();
    }

    @Test
    void connectionsOpenIssuesAFreshTicketPerCallOnlyForTheAppToken() throws Exception {
        SimSlackApp app = sim.registerApp();

        WebApi.Answer first = api.post("apps.connections.open", app.appToken(), Map.of());
        WebApi.Answer second = api.post("apps.connections.open", app.appToken(), Map.of());
        WebApi.Answer withBotToken = api.post("apps.connections.open", app.botToken(), Map.of());

        assertThat(first.ok()).isTrue();
        assertThat(first.body().path("url").asText())
                .matches("ws://127\\.0\\.0\\.1:\\d+/link/\\?ticket=\\d+&app_id=" + app.appId());
        assertThat(second.body().path("url").asText()).isNotEqualTo(first.body().path("url").asText());
        assertThat(withBotToken.error()).isEqualTo("not_allowed_token_type");
        assertThat(sim.stats(app).connectionsOpenCalls()).isEqualTo(3);
    }

    @Test
    void authTestAnswersForBothTokensAndRejectsUnknownOrMissingOnes() throws Exception {
        SimSlackApp app = sim.registerApp();

        WebApi.Answer bot = api.post("auth.test", app.botToken(), Map.of());
        WebApi.Answer appLevel = api.post("auth.test", null, Map.of("token", app.appToken()));

        assertThat(bot.ok()).isTrue();
        assertThat(bot.body().path("team_id").asText()).isEqualTo(app.teamId());
        assertThat(bot.body().path("user_id").asText()).isEqualTo(app.botUserId());
        assertThat(bot.body().path("bot_id").asText()).isEqualTo(app.botId());
        assertThat(appLevel.ok()).isTrue();
        assertThat(api.post("auth.test", "xoxb-nobody", Map.of()).error()).isEqualTo("invalid_auth");
        assertThat(api.post("auth.test", null, Map.of()).error()).isEqualTo("not_authed");
        assertThat(sim.stats(app).authTestCalls()).isEqualTo(2);
        assertThat(sim.unattributedApiCalls()).extracting(ApiCall::tokenKind)
                .contains(TokenKind.UNKNOWN, TokenKind.NONE);
        assertThat(sim.apiCalls(app, "auth.test")).extracting(ApiCall::tokenKind)
                .containsExactly(TokenKind.BOT, TokenKind.APP);
    }

    @Test
    void revokedOrInvalidatedTokensFailEveryCallUntilRestored() throws Exception {
        SimSlackApp app = sim.registerApp();

        sim.setAuthState(app, AuthState.TOKEN_REVOKED);
        assertThat(api.post("chat.postMessage", app.botToken(), Map.of("channel", "C1")).error())
                .isEqualTo("token_revoked");
        sim.setAuthState(app, AuthState.INVALID_AUTH);
        assertThat(api.post("apps.connections.open", app.appToken(), Map.of()).error()).isEqualTo("invalid_auth");
        sim.clearFaults(app);

        assertThat(api.post("apps.connections.open", app.appToken(), Map.of()).ok()).isTrue();
    }

    @Test
    void chatMethodsAnswerLikeSlackAndAreRecordedWithTheirParameters() throws Exception {
        SimSlackApp app = sim.registerApp();

        WebApi.Answer posted = api.post("chat.postMessage", app.botToken(), Map.of("channel", "C1", "text", "hi"));
        String ts = posted.body().path("ts").asText();
        WebApi.Answer updated = api.postJson("chat.update", app.botToken(),
                "{\"channel\":\"C1\",\"ts\":\"" + ts + "\",\"text\":\"edited\"}");
        WebApi.Answer deleted = api.post("chat.delete", app.botToken(), Map.of("channel", "C1", "ts", ts));
        WebApi.Answer reacted = api.post("reactions.add", app.botToken(),
                Map.of("channel", "C1", "timestamp", ts, "name", "eyes"));
        WebApi.Answer other = api.post("conversations.info", app.botToken(), Map.of("channel", "C1"));

        assertThat(posted.body().path("channel").asText()).isEqualTo("C1");
        assertThat(ts).matches("\\d+\\.\\d{6}");
        assertThat(updated.body().path("ts").asText()).isEqualTo(ts);
        assertThat(updated.body().path("text").asText()).isEqualTo("edited");
        assertThat(deleted.body().path("ts").asText()).isEqualTo(ts);
        assertThat(List.of(reacted.ok(), other.ok())).containsOnly(true);
        assertThat(sim.apiCalls(app)).extracting(ApiCall::method).containsExactly(
                "chat.postMessage", "chat.update", "chat.delete", "reactions.add", "conversations.info");
        assertThat(sim.apiCalls(app, "chat.update").get(0).params()).containsEntry("text", "edited");
        assertThat(sim.apiCalls(app, "reactions.add").get(0).params()).containsEntry("name", "eyes");
    }

    @Test
    void methodFaultsAnswerWithTheirStatusForTheirCountThenClear() throws Exception {
        SimSlackApp app = sim.registerApp();

        sim.failMethod(app, "chat.postMessage", MethodFault.rateLimited(7), 2);
        sim.failMethod(app, "apps.connections.open", MethodFault.serverError());
        sim.failMethod(app, "auth.test", MethodFault.errorReply("internal_error"));

        WebApi.Answer limited = api.post("chat.postMessage", app.botToken(), Map.of("channel", "C1"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isEqualTo("7");
        assertThat(limited.error()).isEqualTo("ratelimited");
        assertThat(api.post("chat.postMessage", app.botToken(), Map.of("channel", "C1")).status()).isEqualTo(429);
        assertThat(api.post("chat.postMessage", app.botToken(), Map.of("channel", "C1")).ok()).isTrue();
        WebApi.Answer broken = api.post("apps.connections.open", app.appToken(), Map.of());
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.error()).isEqualTo("fatal_error");
        assertThat(api.post("auth.test", app.botToken(), Map.of()).error()).isEqualTo("internal_error");

        sim.clearFaults(app);
        assertThat(api.post("apps.connections.open", app.appToken(), Map.of()).ok()).isTrue();
        assertThat(api.post("auth.test", app.botToken(), Map.of()).ok()).isTrue();
        assertThat(sim.apiCalls(app, "chat.postMessage")).extracting(ApiCall::httpStatus)
                .containsExactly(429, 429, 200);
    }

    @Test
    void helloCountsTheAppsOpenConnectionsAndPingsAreEchoedUnlessHalfOpen() throws Exception {
        SimSlackApp app = sim.registerApp();
        WsProbe first = connect(app);
        WsProbe second = connect(app);

        // Each hello travels on its own socket: both must have arrived before their counts are compared.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> first.ofType("hello").size() == 1 && second.ofType("hello").size() == 1);
        assertThat(first.ofType("hello").get(0).path("num_connections").asInt()).isEqualTo(1);
        assertThat(second.ofType("hello").get(0).path("num_connections").asInt()).isEqualTo(2);
        assertThat(second.ofType("hello").get(0).path("connection_info").path("app_id").asText())
                .isEqualTo(app.appId());

        first.ping("ping-pong_1");
        await().atMost(Duration.ofSeconds(5)).until(() -> first.pongs.contains("ping-pong_1"));

        sim.inject(sim.oldestConnection(app), ConnectionFault.halfOpen());
        first.ping("unanswered");
        second.ping("answered");
        await().atMost(Duration.ofSeconds(5)).until(() -> second.pongs.contains("answered"));
        await().during(QUIET).atMost(QUIET.plus(AWAIT_SLACK)).until(() -> !first.pongs.contains("unanswered"));

        sim.clearFaults(sim.oldestConnection(app));
        first.ping("answered again");
        await().atMost(Duration.ofSeconds(5)).until(() -> first.pongs.contains("answered again"));
        assertThat(sim.stats(app).pings()).isEqualTo(4);
        assertThat(sim.stats(app).hellosSent()).isEqualTo(2);
    }

    @Test
    void aClientIsCountedAsSoonAsItsConnectReturnsAndGetsItsHelloBeforeAnyEnvelope() throws Exception {
        SimSlackApp app = sim.registerApp();

        for (int n = 1; n <= 50; n++) {
            WsProbe probe = connect(app);
            // No await: the 101 the client waited for is written after the simulator registered the socket.
            assertThat(sim.stats(app).socketsOpened()).as("sockets opened after connect %d", n).isEqualTo(n);
            assertThat(sim.openConnections(app)).as("open after connect %d", n).hasSize(n);
            Delivery pushed = sim.pushMessage(sim.newestConnection(app), "C1", "U1", "right away " + n);
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.messages.size() == 2);
            assertThat(probe.messages.get(0).path("type").asText()).isEqualTo("hello");
            assertThat(probe.messages.get(0).path("num_connections").asInt()).isEqualTo(n);
            assertThat(probe.messages.get(1).path("envelope_id").asText()).isEqualTo(pushed.envelopeId());
            probe.ack(pushed.envelopeId());
        }
    }

    @Test
    void pushesAreRoundRobinedAndAcksMatchOnAnyConnectionOfTheApp() throws Exception {
        // Its own simulator without redelivery: with the shared one's short ack timeout, the three envelopes
        // left unacked would come back on either connection while the test counts them.
        try (SlackSimulator quiet = SlackSimulator.builder().redelivery(false).start()) {
            WebApi quietApi = new WebApi(http, quiet.apiUrl());
            SimSlackApp app = quiet.registerApp();
            WsProbe first = connect(quietApi, app);
            WsProbe second = connect(quietApi, app);
            await().atMost(Duration.ofSeconds(5)).until(() -> quiet.stats(app).openNow() == 2);

            List<Delivery> pushed = List.of(
                    quiet.pushMessage(app, "C1", "U1", "one"),
                    quiet.pushMessage(app, "C1", "U1", "two"),
                    quiet.pushAppMention(app, "C1", "U1", "three"),
                    quiet.pushReactionAdded(app, "C1", "U1", "eyes", "1.000001"));

            List<Long> targets = pushed.stream().map(Delivery::connectionId).toList();
            assertThat(targets.get(0)).isNotEqualTo(targets.get(1));
            assertThat(targets.subList(2, 4)).isEqualTo(targets.subList(0, 2));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    firstDeliveries(first).size() >= 2 && firstDeliveries(second).size() >= 2);
            assertThat(first.ofType("events_api")).hasSize(2);
            assertThat(second.ofType("events_api")).hasSize(2);

            // The client acks on its current connection, whichever connection the envelope came on.
            JsonNode onFirst = first.ofType("events_api").get(0);
            second.ack(onFirst.path("envelope_id").asText());
            second.ack("no-such-envelope");
            second.ack(onFirst.path("envelope_id").asText());

            await().atMost(Duration.ofSeconds(5)).until(() -> quiet.stats(app).unknownAcks() == 2);
            AckRecord ack = quiet.ackFor(app, onFirst.path("envelope_id").asText()).orElseThrow();
            assertThat(ack.pushedOnConnection()).isNotEqualTo(ack.ackedOnConnection());
            assertThat(ack.eventId()).isEqualTo(onFirst.path("payload").path("event_id").asText());
            assertThat(ack.late()).isFalse();
            assertThat(quiet.stats(app).acks()).isEqualTo(1);
            assertThat(onFirst.path("payload").path("api_app_id").asText()).isEqualTo(app.appId());
        }
    }

    /** Events API envelopes on their first delivery (retry_attempt 0). */
    private static List<JsonNode> firstDeliveries(WsProbe probe) {
        return probe.ofType("events_api").stream().filter(m -> m.path("retry_attempt").asInt() == 0).toList();
    }

    @Test
    void unackedEventIsRedeliveredWithTheSameEventIdUntilRetriesRunOut() throws Exception {
        SimSlackApp app = sim.registerApp();
        WsProbe probe = connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);

        Delivery first = sim.pushMessage(app, "C1", "U1", "ignored");

        // Abandonment follows the last delivery's write by one ack timeout, not its arrival at the probe.
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).eventsAbandoned() == 1
                && probe.ofType("events_api").size() == 4);
        List<JsonNode> received = probe.ofType("events_api");
        assertThat(received).extracting(m -> m.path("retry_attempt").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(received).extracting(m -> m.path("retry_reason").asText())
                .containsExactly("", "timeout", "timeout", "timeout");
        assertThat(received).extracting(m -> m.path("payload").path("event_id").asText())
                .containsOnly(first.eventId());
        assertThat(received).extracting(m -> m.path("envelope_id").asText()).doesNotHaveDuplicates();
        assertThat(sim.deliveriesOfEvent(app, first.eventId())).hasSize(4);
        assertThat(sim.stats(app).redeliveries()).isEqualTo(3);
    }

    @Test
    void interactiveAndSlashCommandEnvelopesCarrySlacksShapesAndAckPayloads() throws Exception {
        SimSlackApp app = sim.registerApp();
        WsProbe probe = connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);

        sim.pushBlockAction(app, "C1", "U1", "approve", "42");
        Delivery command = sim.pushSlashCommand(app, "C1", "U1", "/deploy", "prod");
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.messages.size() == 3);

        JsonNode click = probe.ofType("interactive").get(0);
        assertThat(click.path("payload").path("type").asText()).isEqualTo("block_actions");
        assertThat(click.path("payload").path("actions").get(0).path("action_id").asText()).isEqualTo("approve");
        JsonNode slash = probe.ofType("slash_commands").get(0);
        assertThat(slash.path("accepts_response_payload").asBoolean()).isTrue();
        assertThat(slash.path("payload").path("command").asText()).isEqualTo("/deploy");

        probe.send("{\"envelope_id\":\"" + command.envelopeId() + "\",\"payload\":{\"text\":\"deploying\"}}");
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.ackFor(app, command.envelopeId()).isPresent());
        assertThat(sim.ackFor(app, command.envelopeId()).orElseThrow().payload().path("text").asText())
                .isEqualTo("deploying");
        Duration threeTimeouts = ACK_TIMEOUT.multipliedBy(3);
        await().during(threeTimeouts).atMost(threeTimeouts.plus(AWAIT_SLACK))
                .until(() -> sim.stats(app).redeliveries() == 0);
    }

    @Test
    void disconnectMessageLeavesTheSocketOpenForTheClientToClose() throws Exception {
        SimSlackApp app = sim.registerApp();
        WsProbe probe = connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);

        sim.sendDisconnect(sim.oldestConnection(app), DisconnectReason.TOO_MANY_WEBSOCKETS);

        await().atMost(Duration.ofSeconds(5)).until(() -> probe.ofType("disconnect").size() == 1);
        assertThat(probe.ofType("disconnect").get(0).path("reason").asText()).isEqualTo("too_many_websockets");
        assertThat(sim.oldestConnection(app).isOpen()).isTrue();
    }

    @Test
    void closingFaultsEndTheConnectionTheWayTheySay() throws Exception {
        SimSlackApp app = sim.registerApp();
        WsProbe abrupt = connect(app);
        WsProbe reset = connect(app);
        WsProbe framed = connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 3);
        List<SimConnection> open = sim.openConnections(app);

        sim.inject(open.get(0), ConnectionFault.abruptClose());
        sim.inject(open.get(1), ConnectionFault.reset());
        sim.inject(open.get(2), ConnectionFault.closeFrame(1011, "server error"));

        await().atMost(Duration.ofSeconds(5)).until(() -> abrupt.closed() && reset.closed() && framed.closed());
        assertThat(abrupt.closeCodes).doesNotContain(1000, 1011);
        assertThat(framed.closeCodes).containsExactly(1011);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 0);
        assertThat(open.get(0).closeInfo().orElseThrow().code()).isEqualTo(1006);
        assertThat(open.get(2).closeInfo().orElseThrow().code()).isEqualTo(1011);
        assertThat(sim.stats(app).maxOpenAtOnce()).isEqualTo(3);
        sim.resetMaxOpenAtOnce(app);
        assertThat(sim.stats(app).maxOpenAtOnce()).isZero();
    }

    @Test
    void blackHoleHoldsTrafficBothWaysUntilCleared() throws Exception {
        SimSlackApp app = sim.registerApp();
        sim.routeThroughProxy(app, true);
        WsProbe probe = connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.ofType("hello").size() == 1);
        SimConnection connection = sim.oldestConnection(app);
        assertThat(connection.proxied()).isTrue();

        sim.inject(connection, ConnectionFault.blackHole());
        sim.pushMessage(connection, "C1", "U1", "held");
        probe.ping("held ping");
        await().during(QUIET).atMost(QUIET.plus(AWAIT_SLACK))
                .until(() -> probe.ofType("events_api").isEmpty() && probe.pongs.isEmpty());
        assertThat(connection.isOpen()).isTrue();

        sim.clearFaults(connection);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                !probe.ofType("events_api").isEmpty() && probe.pongs.contains("held ping"));
    }

    @Test
    void blackHoleNeedsAProxiedConnection() throws Exception {
        SimSlackApp app = sim.registerApp();
        connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);

        assertThatThrownBy(() -> sim.inject(sim.oldestConnection(app), ConnectionFault.blackHole()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("routeThroughProxy");
    }

    @Test
    void rejectedHandshakesFailUntilCleared() throws Exception {
        SimSlackApp app = sim.registerApp();
        sim.rejectHandshakes(app, true);

        assertThatThrownBy(() -> connect(app)).isInstanceOf(Exception.class);
        assertThat(sim.stats(app).handshakesRejected()).isEqualTo(1);

        sim.rejectHandshakes(app, false);
        connect(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
    }

    @Test
    void pushWithoutAnOpenConnectionFailsLoudly() {
        SimSlackApp app = sim.registerApp();

        assertThatThrownBy(() -> sim.pushMessage(app, "C1", "U1", "lost"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no open connection");
    }

    @Test
    void statsEndpointServesEveryAppsCountersAsJson() throws Exception {
        SimSlackApp app = sim.registerApp();
        api.post("apps.connections.open", app.appToken(), Map.of());

        WebApi.Answer stats = api.get(sim.statsUrl());

        assertThat(stats.body().path("apps").path(app.appId()).path("connectionsOpenCalls").asLong()).isEqualTo(1);
    }

    @Test
    void redeliveryCanBeSwitchedOff() throws Exception {
        try (SlackSimulator quiet = SlackSimulator.builder().ackTimeout(ACK_TIMEOUT).redelivery(false).start()) {
            SimSlackApp app = quiet.registerApp();
            WsProbe probe = connect(new WebApi(http, quiet.apiUrl()), app);
            await().atMost(Duration.ofSeconds(5)).until(() -> quiet.stats(app).openNow() == 1);

            quiet.pushMessage(app, "C1", "U1", "once");

            Duration threeTimeouts = ACK_TIMEOUT.multipliedBy(3);
            await().during(threeTimeouts).atMost(threeTimeouts.plus(AWAIT_SLACK))
                    .until(() -> probe.ofType("events_api").size() == 1);
            assertThat(quiet.stats(app).redeliveries()).isZero();
        }
    }

    @Test
    void lifetimeGuardClosesAForgottenSimulatorAndItsThreads() {
        SlackSimulator forgotten = SlackSimulator.builder().maxLifetime(Duration.ofMillis(300)).start();
        String prefix = forgotten.threadNamePrefix();

        await().atMost(Duration.ofSeconds(5)).until(forgotten::isClosed);
        await().atMost(Duration.ofSeconds(5)).until(() -> SimThreadsAssert.threadsNamed(prefix).isEmpty());
    }

    private static WsProbe connect(SimSlackApp app) throws Exception {
        return connect(api, app);
    }

    private static WsProbe connect(WebApi webApi, SimSlackApp app) throws Exception {
        WebApi.Answer open = webApi.post("apps.connections.open", app.appToken(), Map.of());
        assertThat(open.ok()).as("apps.connections.open for %s: %s", app, open.body()).isTrue();
        return WsProbe.connect(http, open.body().path("url").asText());
    }
}
