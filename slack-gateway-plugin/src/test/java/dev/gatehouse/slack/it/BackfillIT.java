package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages posted while no Socket Mode connection was open (Slack delivers them to nobody, and no
 * retry reaches a socket that does not exist) come back through {@code conversations.history}, each
 * handled exactly once and marked backfilled: after an outage longer than Slack's retries, and after a
 * host restart (a new host on the same state folder, set through the builder).
 */
class BackfillIT extends SimulatorIT {

    @TempDir
    Path state;
    private final List<MessageEvent> handled = new CopyOnWriteArrayList<>();
    private final List<OutageEvent> outages = new CopyOnWriteArrayList<>();
    private final List<GatewayHost> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(GatewayHost::close);
    }

    private GatewayHost startHost(SimSlackApp app) throws Exception {
        String yaml = """
                plugins:
                  dir: %s
                heartbeat:
                  file: run/alive
                  interval: 1s
                admin:
                  enabled: false
                health:
                  checkInterval: 1s
                  staleAfter: 3s
                  openTimeout: 10s
                  closeTimeout: 10s
                  backoffBase: 200ms
                  backoffCap: 1s
                  maxReconnectAttempts: 1000
                  outageReportAfter: 100ms
                workspaces:
                  acme:
                    slack:
                      appToken: ${APP}
                      botToken: ${BOT}
                      apiUrl: %s
                """.formatted(SlackHost.pluginsFolder(dir), sim.apiUrl());
        GatewayHost h = GatewayHost.builder()
                .config(new ConfigLoader(Map.of("APP", app.appToken(), "BOT", app.botToken())::get)
                        .parse(yaml, "backfill-it.yaml", dir))
                .stateDir(state).processExit(new RecordingExit()).onOutage(outages::add)
                .onEvent((ws, platform, e) -> {
                    if (e instanceof MessageEvent m) {
                        handled.add(m);
                    }
                }).build();
        hosts.add(h);
        h.start();
        await().atMost(Duration.ofSeconds(30)).until(h::isReady);
        return h;
    }

    private List<MessageEvent> handledWithText(String text) {
        return handled.stream().filter(m -> m.text().equals(text)).toList();
    }

    private void awaitHandledOnce(String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> handledWithText(text).size() == 1);
    }

    private List<String> texts(String prefix) {
        return handled.stream().map(MessageEvent::text).filter(t -> t.startsWith(prefix)).toList();
    }

    @Test
    void anOutageLongerThanSlacksRetriesIsBackfilledOnceInOrderWaitingOutA429() throws Exception {
        SimSlackApp app = sim.registerApp();
        GatewayHost host = startHost(app);
        sim.pushMessage(app, "C1", "U1", "warm-up");
        awaitHandledOnce("warm-up");

        sim.failMethod(app, "apps.connections.open", MethodFault.serverError());
        sim.inject(sim.oldestConnection(app), ConnectionFault.abruptClose());
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats(app).openNow() == 0
                && host.status().connections().get(0).state() != ConnectionState.CONNECTED);
        List<String> gap = List.of("gap-1", "gap-2", "gap-3", "gap-4");
        gap.forEach(text -> sim.postMessage(app, "C1", "U1", text));
        sim.failMethod(app, "conversations.history", MethodFault.rateLimited(1), 1);
        sim.clearMethodFault(app, "apps.connections.open");

        gap.forEach(this::awaitHandledOnce);
        await().atMost(Duration.ofSeconds(10)).until(() -> outages.stream().mapToInt(OutageEvent::recovered).sum() == 4);
        assertThat(texts("gap-")).as("in the order they were posted").containsExactlyElementsOf(gap);
        assertThat(handled.stream().filter(m -> m.text().startsWith("gap-"))).allMatch(MessageEvent::backfilled);
        assertThat(outages).as("every gap's report says its backfill covered it").allMatch(OutageEvent::complete);
        assertThat(outages.get(outages.size() - 1).backfill()).contains("ms waited for rate limits");
        assertThat(sim.apiCalls(app, "conversations.history")).as("the 429 and its retry")
                .anyMatch(c -> c.httpStatus() == 429).anyMatch(c -> c.httpStatus() == 200);

        sim.pushMessage(app, "C1", "U1", "after");
        awaitHandledOnce("after");
        assertThat(handledWithText("after").get(0).backfilled()).isFalse();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(6))
                .until(() -> handled.size() == 6 && handledWithText("warm-up").size() == 1);
    }

    @Test
    void aHostRestartIsBackfilledFromTheLedgerOnTheSameStateFolder() throws Exception {
        SimSlackApp app = sim.registerApp();
        GatewayHost first = startHost(app);
        sim.pushMessage(app, "C7", "U1", "before-restart");
        awaitHandledOnce("before-restart");
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 0);
        assertThat(Files.readString(state.resolve("backfill/slack/acme.json"))).contains("C7");

        List<String> gap = List.of("while-down-1", "while-down-2", "while-down-3");
        gap.forEach(text -> sim.postMessage(app, "C7", "U1", text));
        startHost(app);

        gap.forEach(this::awaitHandledOnce);
        assertThat(texts("while-down-")).containsExactlyElementsOf(gap);
        assertThat(handled.stream().filter(m -> m.text().startsWith("while-down-"))).allMatch(MessageEvent::backfilled);
        assertThat(handledWithText("before-restart")).hasSize(1);
    }
}
