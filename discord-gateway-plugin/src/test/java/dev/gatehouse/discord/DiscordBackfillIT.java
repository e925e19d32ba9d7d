package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.sim.discord.DispatchReceipt;
import dev.gatehouse.sim.discord.GatewayFault;
import dev.gatehouse.sim.discord.SimBot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages posted while no session was open come back through the channel's history, each handled
 * exactly once and marked backfilled: after an outage past the RESUME window (Discord invalidates the
 * session, JDA identifies afresh) and after a host restart (a new host on the same state folder).
 */
class DiscordBackfillIT extends SimulatorIT {

    private final List<MessageEvent> handled = new CopyOnWriteArrayList<>();
    private final List<OutageEvent> outages = new CopyOnWriteArrayList<>();
    private final SimBot bot = sim.registerBot("token-" + UUID.randomUUID(), "backfill-bot");
    private GatewayHost host;

    @AfterEach
    void closeHost() {
        if (host != null) {
            host.close();
        }
        bot.acceptResume(true);
        assertThat(bot.stats().maxOpenAtOnce()).isLessThanOrEqualTo(1);
    }

    /** A host whose ledger lives in {@code dir/state} (the configuration's {@code backfill.stateDir}). */
    private GatewayHost startHost() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        if (!Files.exists(plugins.resolve("discord-gateway-plugin.jar"))) {
            Files.copy(DiscordHost.pluginJar(), plugins.resolve("discord-gateway-plugin.jar"));
        }
        String yaml = """
                plugins:
                  dir: plugins
                heartbeat:
                  file: run/alive
                  interval: 1s
                admin:
                  enabled: false
                health:
                  checkInterval: 1s
                  staleAfter: 5s
                  openTimeout: 10s
                  closeTimeout: 5s
                  backoffBase: 200ms
                  backoffCap: 2s
                  outageReportAfter: 100ms
                backfill:
                  stateDir: state
                workspaces:
                  acme:
                    discord:
                      token: ${DISCORD_TOKEN}
                      apiUrl: %s
                      gatewayUrl: %s
                """.formatted(sim.restBaseUrl(), sim.gatewayUrl());
        GatewayHost h = GatewayHost.builder()
                .config(new ConfigLoader(Map.of("DISCORD_TOKEN", bot.token())::get).parse(yaml, "backfill-it.yaml", dir))
                .processExit(new RecordingExit()).onOutage(outages::add)
                .onEvent((ws, platform, e) -> {
                    if (e instanceof MessageEvent m) {
                        handled.add(m);
                    }
                }).build();
        h.start();
        await().atMost(Duration.ofSeconds(30)).until(h::isReady);
        return h;
    }

    private List<MessageEvent> handledWithText(String text) {
        return handled.stream().filter(m -> m.text().equals(text)).toList();
    }

    private void awaitHandledOnce(String text) {
        await().atMost(Duration.ofSeconds(20)).until(() -> handledWithText(text).size() == 1);
    }

    private ConnectionState state() {
        return host.status().connections().get(0).state();
    }

    /**
     * Discord does not send again what the host refused: with the bot stuck on one message, its channel's
     * queue fills and the messages beyond it are refused. Once the bot gets going, they come back from the
     * channel's history, each handled once, marked backfilled; nothing was lost and there was no outage.
     */
    @Test
    void messagesRefusedWhileTheChannelsQueueWasFullAreFetchedBackEachOnce() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        host = startHost();
        host.addHandler((ws, platform, e) -> {
            if (e instanceof MessageEvent m && m.text().equals("stuck")) {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
        bot.guildMessage(general, alice, "stuck");
        int sent = dev.gatehouse.host.events.EventDispatcher.CHANNEL_QUEUE + 40;
        for (int i = 0; i < sent; i++) {
            bot.guildMessage(general, alice, "queued-" + i);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> host.status().connections().get(0).state() == ConnectionState.CONNECTED
                && refused() >= 40);
        release.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.stream().filter(m -> m.text().startsWith("queued-"))
                .map(MessageEvent::text).distinct().count() == sent);
        List<MessageEvent> queued = handled.stream().filter(m -> m.text().startsWith("queued-")).toList();
        assertThat(queued).as("each once").hasSize(sent);
        assertThat(queued.stream().filter(MessageEvent::backfilled).count()).as("the refused ones came back backfilled")
                .isGreaterThanOrEqualTo(refusedAtRelease);
        assertThat(outages).isEmpty();
        Figures.measured("channel queue full", refusedAtRelease + " message(s) refused, then fetched back from history");
    }

    private long refusedAtRelease;

    private long refused() {
        refusedAtRelease = (long) Double.parseDouble(host.scrapeMetrics().lines()
                .filter(l -> l.startsWith("gatehouse_events_refused_total{") && l.contains("channel_queue_full"))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("0"));
        return refusedAtRelease;
    }

    @Test
    void anOutagePastTheResumeWindowIsBackfilledEachMessageOnceInOrder() throws Exception {
        host = startHost();
        bot.guildMessage(general, alice, "warm-up");
        awaitHandledOnce("warm-up");
        long epoch = host.status().connections().get(0).epoch();

        sim.stopListening();
        assertThat(bot.inject(GatewayFault.fin())).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> state() != ConnectionState.CONNECTED);
        List<String> gap = List.of("gap-1", "gap-2", "gap-3");
        for (String text : gap) {
            DispatchReceipt r = bot.guildMessage(general, alice, text);
            assertThat(r.outcome()).as("held for a RESUME that will be refused").isNotEqualTo(DispatchReceipt.Outcome.SENT);
        }
        bot.acceptResume(false);
        sim.startListening();

        gap.forEach(this::awaitHandledOnce);
        await().atMost(Duration.ofSeconds(10)).until(() -> outages.stream().mapToInt(OutageEvent::recovered).sum() == 3);
        assertThat(outages).as("every gap's report says its backfill covered it").allMatch(OutageEvent::complete);
        assertThat(bot.stats().identifies()).as("a fresh session, not a resume").isGreaterThanOrEqualTo(2);
        assertThat(host.status().connections().get(0).epoch()).isGreaterThanOrEqualTo(epoch);
        assertThat(handled.stream().filter(m -> m.text().startsWith("gap-")).map(MessageEvent::text))
                .as("in the order they were posted").containsExactlyElementsOf(gap);
        assertThat(handled.stream().filter(m -> m.text().startsWith("gap-"))).allMatch(MessageEvent::backfilled);
        assertThat(host.status().connections().get(0).lastOutage()).isEqualTo(outages.get(outages.size() - 1));

        bot.guildMessage(general, alice, "after");
        awaitHandledOnce("after");
        assertThat(handledWithText("after").get(0).backfilled()).isFalse();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(6))
                .until(() -> handled.size() == 5 && handledWithText("warm-up").size() == 1);
    }

    @Test
    void aHostRestartIsBackfilledFromTheLedgerOnTheSameStateFolder() throws Exception {
        host = startHost();
        bot.guildMessage(general, alice, "before-restart");
        awaitHandledOnce("before-restart");
        host.close();
        host = null;
        Path ledger = dir.resolve("state/backfill/discord/acme.json");
        assertThat(Files.readString(ledger)).contains(general.id());

        List<String> gap = List.of("while-down-1", "while-down-2", "while-down-3");
        for (String text : gap) {
            assertThat(bot.guildMessage(general, alice, text).outcome()).as("no socket to send it on")
                    .isNotEqualTo(DispatchReceipt.Outcome.SENT);
        }
        // The restart is reported as an outage once the last heartbeat is older than outageReportAfter (100 ms).
        Path alive = dir.resolve("run/alive");
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis()
                - Long.parseLong(Files.readString(alive).trim()) > 200);
        host = startHost();

        gap.forEach(this::awaitHandledOnce);
        assertThat(handled.stream().filter(m -> m.text().startsWith("while-down-")).map(MessageEvent::text))
                .containsExactlyElementsOf(gap);
        assertThat(handled.stream().filter(m -> m.text().startsWith("while-down-"))).allMatch(MessageEvent::backfilled);
        assertThat(handledWithText("before-restart")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !outages.isEmpty());
        assertThat(outages.get(outages.size() - 1).recovered()).isEqualTo(3);
    }
}
