package dev.gatehouse.sim.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every simulator fault against the real Bolt Socket Mode client (bolt-socket-mode 1.51.0, Tyrus): each
 * test proves the fault is seen by the SDK as the real failure would be, and that the SDK recovers once it
 * clears. Each test uses its own app(s) on one shared simulator; slow scenarios run side by side.
 *
 * <p>Recovery figures are logged at the end (see the surefire output file).
 */
class SlackSimulatorBoltTest {
    private static final Logger log = LoggerFactory.getLogger(SlackSimulatorBoltTest.class);
    /**
     * Slack's own ack timeout on the shared simulator: a test not about redelivery must not see one just
     * because a loaded machine made Bolt slow. The redelivery test has its own simulator with a short one.
     */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REDELIVERY_ACK_TIMEOUT = Duration.ofMillis(500);
    /*
     * Recovery bounds: the SDK's figure from note §4 plus 5 s, as the SDK's 5 s monitor tick can land just
     * after a loaded machine delayed the fault's effect, which costs one more tick.
     */
    /** Abrupt close, RST, close frame: the next 5 s monitor tick reconnects (note §4: ≤ 5.1 s). */
    private static final Duration CLOSE_RECOVERY = Duration.ofSeconds(13);
    /** Half-open and black hole: a tick, 3 s of unanswered pings, then a reconnect (note §4: ≤ 11.5 s). */
    private static final Duration SILENCE_RECOVERY = Duration.ofSeconds(21);
    /** After apps.connections.open fails: next attempt 10 s later (note §4: ≤ 10.1 s). */
    private static final Duration HTTP_FAULT_RECOVERY = Duration.ofSeconds(19);
    /** A disconnect message: the SDK opens the new socket at once (note §4: ≈30 ms). */
    private static final Duration DISCONNECT_RECOVERY = Duration.ofSeconds(10);

    private static SlackSimulator sim;
    private static final Map<String, List<Long>> FIGURES = new LinkedHashMap<>();

    private final List<BoltClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startSimulator() {
        sim = SlackSimulator.builder().ackTimeout(ACK_TIMEOUT).maxLifetime(Duration.ofMinutes(10)).start();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (BoltClient client : clients) {
            client.tearDown();
        }
    }

    @AfterAll
    static void closeSimulatorAndReport() {
        sim.close();
        FIGURES.forEach((what, millis) -> log.info("figure: {} = {} ms", what, millis));
        assertThat(SimThreadsAssert.threadsNamed(SlackSimulator.THREAD_PREFIX)).isEmpty();
    }

    @Test
    void boltConnectsWithTwoConnectionsOpenCallsAndGetsAHelloCountingItsSocket() throws Exception {
        SimSlackApp app = sim.registerApp();

        BoltClient client = start(app);

        SlackAppStats stats = sim.stats(app);
        assertThat(stats.connectionsOpenCalls()).isEqualTo(2);
        assertThat(stats.socketsOpened()).isEqualTo(1);
        assertThat(stats.openNow()).isEqualTo(1);
        // The hello is written after the 101 that let startAsync() return.
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).hellosSent() == 1);
        assertThat(sim.apiCalls(app, "auth.test")).extracting(ApiCall::tokenKind).containsOnly(TokenKind.BOT);
        // The listener is added after startAsync() returns, so it may or may not see the first hello; a
        // refresh shows it the next one, sent while the old socket is still open.
        sim.sendDisconnect(sim.oldestConnection(app), DisconnectReason.REFRESH_REQUESTED);
        await().atMost(Duration.ofSeconds(5)).until(() -> hellosCounting(client, 2).size() == 1);
        assertThat(hellosCounting(client, 2).get(0).path("connection_info").path("app_id").asText())
                .isEqualTo(app.appId());
        assertThat(client.hellos()).allMatch(hello -> hello.path("num_connections").asInt() <= 2);
    }

    @Test
    void everyEnvelopeKindReachesItsBoltHandlerAndIsAckedPromptly() throws Exception {
        SimSlackApp app = sim.registerApp();
        BoltClient client = start(app);

        List<Delivery> pushed = List.of(
                sim.pushMessage(app, "C1", "U1", "hello bot"),
                sim.pushAppMention(app, "C1", "U1", "status?"),
                sim.pushReactionAdded(app, "C1", "U1", "eyes", "1700000000.000100"),
                sim.pushMessageDeleted(app, "C1", "1700000000.000100"),
                sim.pushBlockAction(app, "C1", "U1", "approve", "42"),
                sim.pushSlashCommand(app, "C1", "U1", "/deploy", "prod"));

        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats(app).acks() == pushed.size());
        assertThat(client.handled).extracting(BoltClient.Handled::kind).containsExactlyInAnyOrder(
                "message", "app_mention", "reaction_added", "message_deleted", "block_action", "command");
        assertThat(client.handled("app_mention").get(0).detail()).isEqualTo("<@" + app.botUserId() + "> status?");
        assertThat(client.handled("block_action").get(0).detail()).isEqualTo("42");
        List<AckRecord> acks = sim.acks(app);
        assertThat(acks).extracting(AckRecord::envelopeId)
                .containsExactlyInAnyOrderElementsOf(pushed.stream().map(Delivery::envelopeId).toList());
        assertThat(acks).noneMatch(AckRecord::late);
        assertThat(acks).allMatch(ack -> ack.ackedOnConnection() == pushed.get(0).connectionId());
        AckRecord slashAck = sim.ackFor(app, pushed.get(5).envelopeId()).orElseThrow();
        assertThat(slashAck.payload().path("text").asText()).isEqualTo("deploying prod");
        assertThat(sim.stats(app).redeliveries()).isZero();
        figure("ack latency, healthy link", acks.stream().map(AckRecord::latencyMillis).toList());
    }

    @Test
    void unackedEventIsRedeliveredWithTheSameEventIdAndRetryAttemptOne() throws Exception {
        try (SlackSimulator redelivering = SlackSimulator.builder().ackTimeout(REDELIVERY_ACK_TIMEOUT).start()) {
            SimSlackApp app = redelivering.registerApp();
            BoltClient client = new BoltClient(redelivering, app);
            clients.add(client);
            client.start();

            Delivery first = redelivering.pushMessage(app, "C1", "U1", "refuse-first please");

            // Retry 1 is acked. A loaded machine may make that ack later than the short timeout, so a
            // retry 2 may follow: the test pins the first two deliveries, not how many there were.
            await().atMost(Duration.ofSeconds(10)).until(() -> retryAcked(redelivering, app, first.eventId(), 1));
            List<Delivery> deliveries = redelivering.deliveriesOfEvent(app, first.eventId());
            assertThat(deliveries).extracting(Delivery::retryAttempt).startsWith(0, 1);
            assertThat(deliveries).extracting(Delivery::envelopeId).doesNotHaveDuplicates();
            assertThat(redelivering.ackFor(app, first.envelopeId())).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.handled("message").size() >= 2);
            assertThat(client.handled("message")).extracting(BoltClient.Handled::retryNum).startsWith(0, 1);
            assertThat(client.handled("message").get(1).retryReason()).isEqualTo("timeout");
            assertThat(redelivering.stats(app).redeliveries()).isPositive();
        }
    }

    /** Whether the delivery of {@code eventId} with {@code retryAttempt} was acked. */
    private static boolean retryAcked(SlackSimulator simulator, SimSlackApp app, String eventId, int retryAttempt) {
        return simulator.deliveriesOfEvent(app, eventId).stream()
                .filter(delivery -> delivery.retryAttempt() == retryAttempt)
                .anyMatch(delivery -> simulator.ackFor(app, delivery.envelopeId()).isPresent());
    }

    @Test
    void abruptCloseResetAndCloseFrameAreEachFollowedByAReconnect() throws Exception {
        Map<String, ConnectionFault> faults = new LinkedHashMap<>();
        faults.put("abrupt close (FIN, no close frame)", ConnectionFault.abruptClose());
        faults.put("RST", ConnectionFault.reset());
        faults.put("close frame 1001", ConnectionFault.closeFrame(1001, "going away"));

        runSideBySide(faults, fault -> {
            SimSlackApp app = sim.registerApp();
            start(app);
            SimConnection old = sim.oldestConnection(app);
            long opensBefore = sim.stats(app).connectionsOpenCalls();
            Instant injected = Instant.now();
            sim.inject(old, fault);
            SimConnection replacement = awaitReplacement(app, old, CLOSE_RECOVERY);
            assertThat(sim.stats(app).connectionsOpenCalls()).isEqualTo(opensBefore + 1);
            assertDeliversAndAcks(app, replacement);
            return Duration.between(injected, replacement.openedAt()).toMillis();
        });
    }

    @Test
    void everyDisconnectReasonMakesTheClientReplaceItsSocketMakeBeforeBreak() throws Exception {
        SimSlackApp app = sim.registerApp();
        BoltClient client = start(app);
        sim.resetMaxOpenAtOnce(app);
        List<Long> millis = new ArrayList<>();

        for (DisconnectReason reason : DisconnectReason.values()) {
            SimConnection old = sim.oldestConnection(app);
            Instant sent = Instant.now();
            sim.sendDisconnect(old, reason);
            SimConnection replacement = awaitReplacement(app, old, DISCONNECT_RECOVERY);
            millis.add(Duration.between(sent, replacement.openedAt()).toMillis());
            await().atMost(DISCONNECT_RECOVERY).until(() -> !old.isOpen());
            assertThat(old.closeInfo().orElseThrow().byClient()).isTrue();
        }

        SlackAppStats stats = sim.stats(app);
        assertThat(stats.maxOpenAtOnce()).isEqualTo(2);
        assertThat(stats.openNow()).isEqualTo(1);
        // Each new socket's hello is sent while the old one is still open; the client handles it asynchronously.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> hellosCounting(client, 2).size() == DisconnectReason.values().length);
        assertDeliversAndAcks(app, sim.oldestConnection(app));
        figure("disconnect message -> new socket", millis);
    }

    @Test
    void halfOpenAndBlackHoledConnectionsAreReplacedByTheClient() throws Exception {
        Map<String, ConnectionFault> faults = new LinkedHashMap<>();
        faults.put("half-open (no pongs)", ConnectionFault.halfOpen());
        faults.put("black hole (proxy holds all bytes)", ConnectionFault.blackHole());

        runSideBySide(faults, fault -> {
            SimSlackApp app = sim.registerApp();
            sim.routeThroughProxy(app, fault instanceof ConnectionFault.BlackHole);
            start(app);
            SimConnection old = sim.oldestConnection(app);
            Instant injected = Instant.now();
            sim.inject(old, fault);
            SimConnection replacement = awaitReplacement(app, old, SILENCE_RECOVERY);
            long recovery = Duration.between(injected, replacement.openedAt()).toMillis();
            assertDeliversAndAcks(app, replacement);
            if (fault instanceof ConnectionFault.BlackHole) {
                assertThat(old.isOpen()).as("black-holed socket stays open until the path recovers").isTrue();
                sim.clearFaults(old); // the client's held close frame now reaches the simulator
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !old.isOpen());
            return recovery;
        });
    }

    @Test
    void connectionsOpenFailuresAndRejectedHandshakesRecoverOnceCleared() throws Exception {
        Map<String, Consumer<SimSlackApp>> faults = new LinkedHashMap<>();
        faults.put("apps.connections.open HTTP 500",
                app -> sim.failMethod(app, "apps.connections.open", MethodFault.serverError()));
        faults.put("apps.connections.open HTTP 429 Retry-After 1",
                app -> sim.failMethod(app, "apps.connections.open", MethodFault.rateLimited(1)));
        faults.put("apps.connections.open ok:false internal_error",
                app -> sim.failMethod(app, "apps.connections.open", MethodFault.errorReply("internal_error")));
        faults.put("WebSocket handshake rejected", app -> sim.rejectHandshakes(app, true));

        runSideBySide(faults, arm -> {
            SimSlackApp app = sim.registerApp();
            start(app);
            SimConnection old = sim.oldestConnection(app);
            arm.accept(app);
            sim.inject(old, ConnectionFault.abruptClose());
            await().atMost(CLOSE_RECOVERY).until(() -> sim.stats(app).handshakesRejected() > 0
                    || sim.apiCalls(app, "apps.connections.open").stream().anyMatch(call -> !call.ok()));
            Instant cleared = Instant.now();
            sim.clearFaults(app);
            SimConnection replacement = awaitReplacement(app, old, HTTP_FAULT_RECOVERY);
            assertDeliversAndAcks(app, replacement);
            return Duration.between(cleared, replacement.openedAt()).toMillis();
        });
    }

    @Test
    void invalidOrRevokedTokensMakeStartFail() throws Exception {
        SimSlackApp invalid = sim.registerApp();
        SimSlackApp revoked = sim.registerApp();
        SimSlackApp refusedLink = sim.registerApp();
        sim.setAuthState(invalid, AuthState.INVALID_AUTH);
        sim.setAuthState(revoked, AuthState.TOKEN_REVOKED);
        sim.failMethod(refusedLink, "apps.connections.open", MethodFault.invalidAuth());

        assertThatThrownBy(() -> start(invalid)).hasMessageContaining("The token is invalid");
        assertThatThrownBy(() -> start(revoked)).hasMessageContaining("The token is invalid");
        assertThatThrownBy(() -> start(refusedLink)).hasMessageContaining("invalid_auth");
        assertThat(sim.stats(invalid).socketsOpened()).isZero();
        assertThat(sim.stats(refusedLink).connectionsOpenCalls()).isEqualTo(1);
    }

    @Test
    void rateLimitedPostMessageSucceedsOnRetry() throws Exception {
        SimSlackApp app = sim.registerApp();
        sim.failMethod(app, "chat.postMessage", MethodFault.rateLimited(2), 1);
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(sim.apiUrl());
        config.setStatsEnabled(false);

        Slack slack = Slack.getInstance(config);
        try {
            assertThatThrownBy(() -> slack.methods(app.botToken()).chatPostMessage(r -> r.channel("C1").text("hi")))
                    .isInstanceOfSatisfying(SlackApiException.class, e -> {
                        assertThat(e.getResponse().code()).isEqualTo(429);
                        assertThat(e.getResponse().header("Retry-After")).isEqualTo("2");
                    });
            ChatPostMessageResponse retried =
                    slack.methods(app.botToken()).chatPostMessage(r -> r.channel("C1").text("hi"));

            assertThat(retried.isOk()).isTrue();
            assertThat(retried.getChannel()).isEqualTo("C1");
            assertThat(retried.getTs()).isNotBlank();
        } finally {
            slack.close();
        }
        assertThat(sim.apiCalls(app, "chat.postMessage")).extracting(ApiCall::httpStatus).containsExactly(429, 200);
        assertThat(sim.apiCalls(app, "chat.postMessage").get(1).params()).containsEntry("text", "hi");
    }

    @Test
    void closeEndsEveryThreadAndPortEvenWithClientsStillConnected() throws Exception {
        SlackSimulator own = SlackSimulator.builder().routeThroughProxyByDefault(true).start();
        String prefix = own.threadNamePrefix();
        int apiPort = URI.create(own.apiUrl()).getPort();
        SimSlackApp app = own.registerApp();
        BoltClient client = new BoltClient(own, app).start();
        clients.add(client);
        own.pushMessage(app, "C1", "U1", "before close");
        await().atMost(Duration.ofSeconds(5)).until(() -> own.stats(app).acks() == 1);
        // Library threads were renamed into the simulator's namespace, and every one of them is a daemon.
        assertThat(SimThreadsAssert.threadsNamed(prefix)).contains(prefix + "HTTP-Dispatcher",
                prefix + "ws-selector", prefix + "ws-worker-1", prefix + "proxy-acceptor");
        assertThat(SimThreadsAssert.threadsNamed(prefix)).anyMatch(name -> name.startsWith(prefix + "proxy-1-"));
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith(prefix))
                .allMatch(Thread::isDaemon);

        own.close();

        assertThat(SimThreadsAssert.threadsNamed(prefix)).isEmpty();
        assertThat(own.isClosed()).isTrue();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), apiPort).close())
                .isInstanceOf(IOException.class);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private BoltClient start(SimSlackApp app) throws Exception {
        BoltClient client = new BoltClient(sim, app);
        clients.add(client);
        return client.start();
    }

    /** The hellos the client saw that reported {@code n} open connections. */
    private static List<JsonNode> hellosCounting(BoltClient client, int n) {
        return client.hellos().stream().filter(hello -> hello.path("num_connections").asInt() == n).toList();
    }

    /** The first open connection of {@code app} newer than {@code old}, once the client opened it. */
    private static SimConnection awaitReplacement(SimSlackApp app, SimConnection old, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.openConnections(app).stream().filter(c -> c.id() > old.id()).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    /**
     * An event pushed on {@code connection} reaches the Bolt handler and is acked: as pushed or, when the
     * SDK replaced that socket meanwhile (it may, right after recovering, on a loaded machine), as one of
     * the simulator's redeliveries after its 3 s ack timeout — Slack's at-least-once. Failed in a loaded
     * run with a 5 s bound on the first delivery's ack alone.
     */
    private static void assertDeliversAndAcks(SimSlackApp app, SimConnection connection) {
        Delivery delivery = sim.pushMessage(connection, "C1", "U1", "after recovery");
        await().atMost(Duration.ofSeconds(15)).until(() -> sim.acks(app).stream()
                .anyMatch(ack -> delivery.eventId().equals(ack.eventId())));
    }

    /** A scenario that returns a measured duration in ms. */
    @FunctionalInterface
    private interface Scenario<T> {
        long run(T input) throws Exception;
    }

    /**
     * Runs one scenario per entry concurrently, each on its own thread and app, and records the figures
     * ("recovery" = fault injected or cleared -> replacement socket open).
     */
    private static <T> void runSideBySide(Map<String, T> inputs, Scenario<T> scenario) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inputs.size());
        try {
            Map<String, Future<Long>> runs = new LinkedHashMap<>();
            inputs.forEach((name, input) -> runs.put(name, pool.submit(() -> scenario.run(input))));
            for (Map.Entry<String, Future<Long>> run : runs.entrySet()) {
                try {
                    figure(run.getKey(), List.of(run.getValue().get()));
                } catch (ExecutionException e) {
                    throw new AssertionError(run.getKey() + " failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static synchronized void figure(String what, List<Long> millis) {
        FIGURES.computeIfAbsent(what, k -> new ArrayList<>()).addAll(millis);
    }
}
