package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plugin's Tyrus client against the loopback Slack simulator: Tyrus accepts its annotated overrides. */
class SlackSocketTest {

    private SlackSimulator sim;
    private Slack slack;
    private ExecutorService closer;
    private SlackSocket socket;

    @BeforeEach
    void start() {
        sim = SlackSimulator.builder().maxLifetime(Duration.ofMinutes(2)).start();
        SlackConfig config = new SlackConfig();
        config.setStatsEnabled(false);
        config.setMethodsEndpointUrlPrefix(sim.apiUrl());
        slack = Slack.getInstance(config);
        closer = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        if (socket != null) {
            socket.close();
        }
        closer.shutdownNow();
        slack.close();
        sim.close();
    }

    @Test
    void theOverridesReceiveOpenPongAndCloseOfTheCurrentSession() throws Exception {
        SimSlackApp app = sim.registerApp();
        ConcurrentLinkedMessageQueue queue = new ConcurrentLinkedMessageQueue();
        socket = new SlackSocket(slack, app.appToken(), queue, closer, System::nanoTime);
        List<String> closes = new CopyOnWriteArrayList<>();
        socket.onSessionClosed((session, wasCurrent, code, reason) -> closes.add(wasCurrent + " " + code));

        List<String> frames = new CopyOnWriteArrayList<>();
        socket.addWebSocketMessageListener(frames::add); // the SDK's own processor polls the queue

        socket.connectToNewEndpoint();
        assertThat(socket.verifyConnection()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> frames.stream().anyMatch(f -> f.contains("\"hello\"")));
        long pinged = System.nanoTime();
        assertThat(socket.pongSince(pinged)).isFalse();
        socket.ping();
        await().atMost(Duration.ofSeconds(5)).until(() -> socket.pongSince(pinged));

        SimConnection first = sim.oldestConnection(app);
        sim.inject(first, ConnectionFault.abruptClose());
        await().atMost(Duration.ofSeconds(5)).until(() -> !closes.isEmpty());
        assertThat(closes).first().asString().startsWith("true");
        assertThat(socket.verifyConnection()).isFalse();

        socket.connectToNewEndpoint();
        assertThat(socket.verifyConnection()).isTrue();
        assertThat(sim.openConnections(app)).hasSize(1).noneMatch(c -> c.id() == first.id());
    }

    @Test
    void theHeartbeatGivesUpASocketThatStoppedAnsweringPingsAndKeepsOneThatAnswers() throws Exception {
        SimSlackApp app = sim.registerApp();
        socket = new SlackSocket(slack, app.appToken(), new ConcurrentLinkedMessageQueue(), closer, System::nanoTime);
        socket.connectToNewEndpoint();
        List<String> dead = new CopyOnWriteArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Lane lane = new Lane(closer, timer);
        try {
            Heartbeat heartbeat = new Heartbeat(socket, lane, Duration.ofMillis(100), Duration.ofMillis(300),
                    System::nanoTime, dead::add);
            heartbeat.start();
            long pings = sim.stats(app).pings();
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).pings() >= pings + 5);
            assertThat(dead).isEmpty();

            SimConnection muted = sim.oldestConnection(app);
            sim.inject(muted, ConnectionFault.halfOpen());
            await().atMost(Duration.ofSeconds(5)).until(() -> !dead.isEmpty());
            assertThat(dead).singleElement().asString().contains("no pong").contains("pongTimeout 300 ms");
            assertThat(socket.verifyConnection()).as("the dead session is no longer current").isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> !muted.isOpen());
            heartbeat.stop();
        } finally {
            lane.shutdownNow();
            timer.shutdownNow();
        }
    }
}
