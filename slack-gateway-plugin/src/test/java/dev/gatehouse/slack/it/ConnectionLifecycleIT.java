package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.sim.slack.ApiCall;
import dev.gatehouse.sim.slack.AuthState;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.DisconnectReason;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.TokenKind;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Connecting, staying connected, and refusing to loop on bad credentials. */
class ConnectionLifecycleIT extends SimulatorIT {

    /** TyrusPools.SCHEDULER_THREADS: the timer threads all of the plugin's connections share. */
    private static final int TYRUS_TIMERS = 2;

    @Test
    void connectsWithOneSocketOnTheHostsThreadsAndWithoutMetricsThreads() throws Exception {
        SimSlackApp app = sim.registerApp();
        long start = System.nanoTime();
        host = SlackHost.builder(sim, dir).workspace("acme", app).start().awaitConnected("acme");
        Figures.record("connect: host start -> CONNECTED (ms)", Figures.millisSince(start));

        ConnectionStatus status = host.status("acme");
        assertThat(status.sockets()).isEqualTo(1);
        assertThat(status.serverConnections()).isEqualTo(1);
        assertThat(status.transportHookable()).isTrue();
        assertThat(sim.stats(app).socketsOpened()).isEqualTo(1);
        // Once: the client is built without asking for a URL it would discard (Bolt's SocketModeApp asked twice).
        assertThat(sim.stats(app).connectionsOpenCalls()).isEqualTo(1);
        assertThat(sim.apiCalls(app, "auth.test")).extracting(ApiCall::tokenKind).containsOnly(TokenKind.BOT);
        assertThat(JvmThreads.named(List.of("slack-api-metrics", "gh-slack-acme-1-slack-api-metrics"))).isEmpty();
        assertThat(JvmThreads.named(List.of("socket-mode-", "bolt-app-threads"))).isEmpty();
        // No thread of its own: the message processor, acks and pings are lanes on the plugin's pools, and no
        // session monitor runs (the plugin reconnects).
        assertThat(JvmThreads.named(List.of("gh-slack-acme-1-"))).isEmpty();
        assertThat(JvmThreads.named(List.of("slack-bolt-socket-mode"))).isEmpty();
        // Tyrus runs on the plugin's shared pools (TyrusPools), not on a 10-thread scheduler per client; its
        // shared Grizzly transport adds one idle-timeout thread per plugin.
        assertThat(JvmThreads.named(List.of("tyrus-"))).allMatch(n -> n.equals("tyrus-grizzly-container-idle-timeout"))
                .hasSizeLessThanOrEqualTo(1);
        assertThat(JvmThreads.named(List.of("gh-slack-gateway-tyrus-timers-"))).hasSizeLessThanOrEqualTo(TYRUS_TIMERS);
    }

    @Test
    void anIdleConnectionIsNeverReconnectedAcrossManyStaleWindows() throws Exception {
        SimSlackApp app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app)
                .health("staleAfter", "2s").health("checkInterval", "500ms").start().awaitConnected("acme");
        long pingsBefore = sim.stats(app).pings();

        // Five stale windows with nothing but the SDK's own pings on the wire. How recent the heartbeat
        // file is depends on how busy the machine is, so it is checked after the window, not in it.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(10 + 10)).pollInterval(Duration.ofMillis(250))
                .until(() -> host.state("acme") == ConnectionState.CONNECTED && host.host.isLive()
                        && !host.host.status().heartbeat().withheld());
        awaitHeartbeatWrittenAfter(Instant.now());

        assertThat(host.timeline.edges("acme")).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
        assertThat(host.status("acme").forcedReconnects()).isZero();
        assertThat(host.status("acme").libraryReconnects()).isZero();
        assertThat(sim.stats(app).socketsOpened()).isEqualTo(1);
        assertThat(sim.stats(app).pings()).isGreaterThan(pingsBefore);
        assertThat(sim.stats(app).maxOpenAtOnce()).isEqualTo(1);
    }

    /** The heartbeat file keeps being written: a write after {@code mark} happens. */
    private void awaitHeartbeatWrittenAfter(Instant mark) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Instant last = host.host.status().heartbeat().lastWrite();
            return last != null && last.isAfter(mark);
        });
    }

    @Test
    void invalidAuthFailsTheConnectionWithoutAReconnectLoopAndKeepsTheHeartbeat() throws Exception {
        SimSlackApp bot = sim.registerApp();
        SimSlackApp appToken = sim.registerApp();
        sim.setAuthState(bot, AuthState.INVALID_AUTH);
        sim.failMethod(appToken, "apps.connections.open", MethodFault.errorReply("token_revoked"));
        try (RawLog log = new RawLog()) {
            host = SlackHost.builder(sim, dir).workspace("bot", bot).workspace("app", appToken).start()
                    .awaitState("bot", ConnectionState.FAILED, Duration.ofSeconds(10))
                    .awaitState("app", ConnectionState.FAILED, Duration.ofSeconds(10));

            assertThat(host.status("bot").lastError()).contains("auth.test").contains("invalid_auth")
                    .contains("workspaces.bot.slack.botToken").doesNotContain(bot.botToken()).doesNotContain(bot.appToken());
            assertThat(host.status("app").lastError()).contains("apps.connections.open").contains("token_revoked")
                    .contains("workspaces.app.slack.appToken").doesNotContain(appToken.appToken());
            Map<SimSlackApp, Integer> calls = Map.of(bot, sim.apiCalls(bot).size(), appToken, sim.apiCalls(appToken).size());
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(3 + 5)).until(() -> List.of("bot", "app").stream()
                    .allMatch(ws -> host.state(ws) == ConnectionState.FAILED && host.status(ws).epoch() == 1)
                    && calls.entrySet().stream().allMatch(e -> sim.apiCalls(e.getKey()).size() == e.getValue()));
            assertThat(sim.stats(bot).connectionsOpenCalls()).isZero();
            assertThat(sim.stats(appToken).openNow()).isZero();
            assertThat(host.host.isLive()).isTrue();
            assertThat(host.host.status().heartbeat().withheld()).isFalse();
            awaitHeartbeatWrittenAfter(Instant.now());
            assertThat(host.exit.requests).isEmpty();
            // Not even an unredacted log line (the SDK's included) carries a token.
            assertThat(log.text()).doesNotContain(bot.botToken(), bot.appToken(), appToken.botToken(), appToken.appToken());
        }
    }

    @Test
    void invalidSettingsAreReportedWithTheKeyAndWithoutTheToken() throws Exception {
        SimSlackApp app = sim.registerApp();
        SimSlackApp good = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("typo", app).setting("typo", "appToken", "xoxb-" + app.appToken())
                .workspace("good", good).start().awaitConnected("good");
        assertThat(host.host.status().problems()).singleElement().asString()
                .startsWith("workspaces.typo.slack.appToken: must be an app-level token").contains("'xapp-'")
                .doesNotContain(app.appToken());
        assertThat(sim.apiCalls(app)).isEmpty();
    }

    @Test
    void aSecondConsumerOfTheSameAppIsReportedOnceByTheSocketCensus() throws Exception {
        SimSlackApp app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app).start().awaitConnected("acme");
        try (LogCapture logs = new LogCapture()) {
            SlackHost second = SlackHost.builder(sim, Files.createDirectories(dir.resolve("second")))
                    .workspace("acme", app).start().awaitConnected("acme");
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> second.status("acme").serverConnections() == 2);
                assertThat(second.status("acme").sockets()).isEqualTo(1);
                String warning = "the platform counts 2 connections for this app but this host holds 1";
                await().atMost(Duration.ofSeconds(2)).until(() -> logs.text().contains(warning));
                // A refresh of the second consumer shows 2 again but is not warned about twice.
                sim.sendDisconnect(sim.newestConnection(app), DisconnectReason.REFRESH_REQUESTED);
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).socketsOpened() == 3 && sim.stats(app).openNow() == 2);
                assertThat(logs.text().split(Pattern.quote(warning), -1)).hasSize(2);
                assertThat(host.status("acme").serverConnections()).isEqualTo(1);
            } finally {
                second.host.close();
                // Two consumers of one app on purpose: the at-most-two-sockets rule is per client here.
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 1);
                sim.resetMaxOpenAtOnce(app);
            }
        }
    }

    @Test
    void aTokenRevokedWhileTheSdkReconnectsFailsTheConnectionAndStopsTheClient() throws Exception {
        SimSlackApp app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app).start().awaitConnected("acme");
        sim.failMethod(app, "apps.connections.open", MethodFault.errorReply("token_revoked"));
        long injected = System.nanoTime();
        sim.inject(sim.oldestConnection(app), ConnectionFault.abruptClose());

        host.awaitState("acme", ConnectionState.FAILED, Duration.ofSeconds(15));
        Figures.record("token_revoked during an SDK reconnect: fault -> FAILED (ms)", Figures.millisSince(injected));
        assertThat(host.status("acme").lastError()).contains("apps.connections.open").contains("token_revoked")
                .contains("workspaces.acme.slack.appToken").doesNotContain(app.appToken());
        assertThat(host.timeline.count("acme", ReconnectKind.FORCED)).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 0);
        long opens = sim.stats(app).connectionsOpenCalls();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(2 + 5))
                .until(() -> sim.stats(app).connectionsOpenCalls() == opens && sim.stats(app).openNow() == 0);
    }
}
