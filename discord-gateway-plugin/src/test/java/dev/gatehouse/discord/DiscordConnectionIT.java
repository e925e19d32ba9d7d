package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.ButtonClickEvent;
import dev.gatehouse.api.MessageDeletedEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.ReactionAddedEvent;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.sim.discord.DispatchReceipt;
import dev.gatehouse.sim.discord.RestCall;
import dev.gatehouse.sim.discord.SimUser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The plugin jar through the real host and PF4J against the simulator: a quiet connection stays up,
 * events reach the bot's handler once with the right flags, outbound operations reach Discord's REST
 * API, and close leaves nothing behind.
 */
class DiscordConnectionIT extends SimulatorIT {

    /** DiscordHost's health.closeTimeout. */
    private static final long CLOSE_TIMEOUT_MILLIS = 5000;
    /** Room on top of a bound for a loaded 2-core machine. */
    private static final long LOAD_SLACK_MILLIS = 2000;

    @Test
    void anIdleConnectionStaysUpAcrossManyStaleWindows() throws Exception {
        h = new DiscordHost(sim, dir).health("staleAfter", "1s").health("checkInterval", "500ms").startConnected();
        long acks = h.bot.stats().acks();

        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(6 + 5))
                .until(() -> h.state() == ConnectionState.CONNECTED);

        assertThat(h.events.history()).containsExactly("#1 STOPPED->CONNECTING (start)", "#1 CONNECTING->CONNECTED (connected)");
        assertThat(h.status().forcedReconnects()).isZero();
        assertThat(h.status().sockets()).isEqualTo(1);
        assertThat(h.bot.stats().acks() - acks).isGreaterThanOrEqualTo(5);
        assertThat(h.bot.stats().identifies()).isEqualTo(1);
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
    }

    @Test
    void peoplesMessagesReachTheHandlerOnceWithMentionAndDirectMessageFlags() throws Exception {
        h = new DiscordHost(sim, dir).startConnected();
        SimUser otherBot = sim.registerBot("other-bot-" + System.nanoTime(), "other-bot").asUser();

        DispatchReceipt plain = h.bot.guildMessage(general, alice, "hello there");
        h.bot.guildMessage(general, otherBot, "beep, from another bot");
        h.bot.guildMessage(general, h.bot.asUser(), "our own message");
        DispatchReceipt mention = h.bot.guildMessage(general, alice, h.bot.asUser().mention() + " ping", h.bot.asUser());
        DispatchReceipt dm = h.bot.directMessage(alice, "psst");

        await().atMost(Duration.ofSeconds(5)).until(() -> h.messages().size() >= 3);
        await().during(Duration.ofMillis(300)).until(() -> h.messages().size() == 3);
        // one lane per channel: order holds within a channel only
        assertThat(h.texts()).containsExactlyInAnyOrder("hello there", h.bot.asUser().mention() + " ping", "psst");
        assertThat(message("hello there")).isEqualTo(new MessageEvent("message:" + plain.entityId(), general.id(),
                plain.entityId(), null, alice.id(), "hello there", false, false));
        assertThat(message(h.bot.asUser().mention() + " ping")).satisfies(m -> {
            assertThat(m.mention()).isTrue();
            assertThat(m.directMessage()).isFalse();
            assertThat(m.eventId()).isEqualTo("message:" + mention.entityId());
        });
        assertThat(message("psst")).satisfies(m -> {
            assertThat(m.directMessage()).isTrue();
            assertThat(m.mention()).isFalse();
            assertThat(m.channelId()).isEqualTo(h.bot.dmChannel(alice).id());
            assertThat(m.messageId()).isEqualTo(dm.entityId());
        });
    }

    @Test
    void reactionsDeletesAndButtonClicksArriveAndClicksAreAcknowledgedAtOnce() throws Exception {
        h = new DiscordHost(sim, dir).startConnected();
        String posted = h.host.send(DiscordHost.WORKSPACE, DiscordHost.PLATFORM, new Outbound.Post(general.id(), "pick one"))
                .get(10, TimeUnit.SECONDS);

        h.bot.reactionAdd(general, posted, alice, "👍");
        h.bot.reactionAdd(general, posted, h.bot.asUser(), "🤖");
        DispatchReceipt click = h.bot.buttonClick(general, posted, alice, "approve");
        h.bot.messageDelete(general, posted);

        await().atMost(Duration.ofSeconds(5)).until(() -> h.handled.size() >= 3);
        await().during(Duration.ofMillis(300)).until(() -> h.handled.size() == 3);
        assertThat(h.handled).containsExactly(
                new ReactionAddedEvent("reaction:" + general.id() + ":" + posted + ":" + alice.id() + ":👍", general.id(),
                        posted, alice.id(), "👍"),
                new ButtonClickEvent("interaction:" + click.entityId(), general.id(), posted, alice.id(), "approve", null),
                new MessageDeletedEvent("delete:" + general.id() + ":" + posted, general.id(), posted));
        await().atMost(Duration.ofSeconds(5)).until(() -> h.bot.restCalls().stream()
                .anyMatch(c -> c.is("POST", "/interactions/" + click.entityId() + "/.+/callback") && c.status() == 204));
        RestCall ack = h.bot.restCalls().stream().filter(c -> c.route().startsWith("/interactions/")).findFirst().orElseThrow();
        assertThat(ack.json().path("type").asInt()).as("DEFERRED_UPDATE_MESSAGE").isEqualTo(6);
    }

    @Test
    void outboundOperationsGoThroughDiscordsRestApiAndWaitOutItsRateLimits() throws Exception {
        h = new DiscordHost(sim, dir).startConnected();
        DispatchReceipt question = h.bot.guildMessage(general, alice, "question?");
        String c = general.id();

        String posted = send(new Outbound.Post(c, "answer \"quoted\"\nsecond line"));
        String replied = send(new Outbound.Reply(c, question.entityId(), "a reply"));
        send(new Outbound.Edit(c, posted, "edited"));
        send(new Outbound.React(c, question.entityId(), "🎉"));
        send(new Outbound.Delete(c, replied));
        h.bot.rateLimit(1, Duration.ofSeconds(1));
        long start = System.nanoTime();
        String afterLimit = send(new Outbound.Post(c, "after a 429"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(afterLimit).isNotBlank();
        List<RestCall> calls = h.bot.restCalls().stream().filter(x -> x.route().startsWith("/channels/")).toList();
        assertThat(calls).extracting(x -> x.method() + " " + x.route() + " " + x.status()).containsExactly(
                "POST /channels/" + c + "/messages 200",
                "POST /channels/" + c + "/messages 200",
                "PATCH /channels/" + c + "/messages/" + posted + " 200",
                "PUT /channels/" + c + "/messages/" + question.entityId() + "/reactions/🎉/@me 204",
                "DELETE /channels/" + c + "/messages/" + replied + " 204",
                "POST /channels/" + c + "/messages 429",
                "POST /channels/" + c + "/messages 200");
        assertThat(calls.get(0).json().path("content").asText()).isEqualTo("answer \"quoted\"\nsecond line");
        assertThat(calls.get(1).json().path("message_reference").path("message_id").asText()).isEqualTo(question.entityId());
        assertThat(calls.get(2).json().path("content").asText()).isEqualTo("edited");
        // The REST pools that served these calls are the plugin's, shared by all bots (SharedPools).
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .anyMatch(n -> n.startsWith("gh-discord-gateway-jda-ratelimit-"))
                .noneMatch(n -> n.matches("gh-discord-.+-\\d+-jda-(ratelimit|rest|callback)-\\d+"));
    }

    @Test
    void closeLeavesNoJdaThreadAndTheSimulatorSeesTheSocketClosed() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            h = new DiscordHost(sim, dir).startConnected();
            assertThat(h.bot.stats().openSockets()).isEqualTo(1);
            assertThat(DiscordHost.jdaThreads()).isNotEmpty();

            long start = System.nanoTime();
            h.close();
            long closedMillis = (System.nanoTime() - start) / 1_000_000;

            await().atMost(Duration.ofSeconds(5)).until(() -> h.bot.stats().openSockets() == 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> DiscordHost.jdaThreads().isEmpty());
            // Pool threads finish their current task after the shutdown that close() made: wait for them.
            await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .filter(Thread::isAlive).map(Thread::getName).noneMatch(n -> n.startsWith("gh-discord-")
                            || n.equals("Okio Watchdog") || n.startsWith("OkHttp")));
            // A healthy gateway answers the close frame: the graceful path, within the host's close timeout.
            assertThat(logs.text()).contains("closed in").doesNotContain("after shutdown(); forcing");
            assertThat(closedMillis).isLessThan(CLOSE_TIMEOUT_MILLIS + LOAD_SLACK_MILLIS);
            assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
            assertThat(h.exit.requests).isEmpty();
        }
    }

    /** A silent gateway never answers JDA's close frame: shutdownNow() and our own socket close end it in time. */
    @Test
    void closingAConnectionWhoseGatewayWentSilentIsStillBoundedAndComplete() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            h = new DiscordHost(sim, dir).startConnected();
            h.bot.inject(dev.gatehouse.sim.discord.GatewayFault.blackHole());

            long start = System.nanoTime();
            h.close();
            long closedMillis = (System.nanoTime() - start) / 1_000_000;

            // The path: a graceful attempt that waits out its bound (min(2 s, 3/8 of closeTimeout 5 s)), then
            // forced. Only the lower bound is exact; the upper one is the host's bound plus room for load.
            assertThat(logs.text()).contains("after shutdown(); forcing");
            assertThat(closedMillis).isBetween(1500L, CLOSE_TIMEOUT_MILLIS + LOAD_SLACK_MILLIS);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.bot.stats().openSockets() == 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> DiscordHost.jdaThreads().isEmpty());
            assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        }
    }

    @Test
    void theTokenAppearsInNoLogLineStatusOrError() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            h = new DiscordHost(sim, dir).startConnected();
            h.bot.inject(dev.gatehouse.sim.discord.GatewayFault.fin());
            h.awaitConnected(1, Duration.ofSeconds(5));
            send(new Outbound.Post(general.id(), "hi"));
            assertThat(h.host.status().toString()).doesNotContain(h.bot.token());
            h.close();
            assertThat(logs.text()).contains("JDA started, logged in as").doesNotContain(h.bot.token()).doesNotContain("[REDACTED]");
        }
    }

    private MessageEvent message(String text) {
        return h.messages().stream().filter(m -> m.text().equals(text)).findFirst().orElseThrow();
    }

    private String send(Outbound op) throws Exception {
        return h.host.send(DiscordHost.WORKSPACE, DiscordHost.PLATFORM, op).get(15, TimeUnit.SECONDS);
    }
}
