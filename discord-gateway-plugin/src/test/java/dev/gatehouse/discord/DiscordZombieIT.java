package dev.gatehouse.discord;

import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.sim.discord.DispatchReceipt;
import dev.gatehouse.sim.discord.GatewayFault;
import dev.gatehouse.sim.discord.SimChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Dead sockets JDA notices late (3 heartbeat intervals after the last ACK; a black hole another
 * 10–20 s later) are found by the plugin after 2 observed intervals and dropped so JDA resumes at once;
 * and a slow bot handler, which JDA would take for a zombie if it ran on its socket thread, is none.
 */
class DiscordZombieIT extends SimulatorIT {

    private static final Duration INTERVAL = HEARTBEAT;
    private static final Pattern ZOMBIE_CAUSE = Pattern.compile("zombie gateway socket: no heartbeat ACK for (\\d+) ms"
            + " \\(2\\.0 x the observed heartbeat interval of (\\d+) ms\\); dropping it so JDA resumes");
    /**
     * Room on top of the figures for a loaded 2-core machine: the monitor checks a few times a second, and
     * JDA's threads may run late. The exact arithmetic is TransportMonitorTest's, on fake time.
     */
    private static final long LOAD_SLACK_MILLIS = 1000;

    private void assertDetectedEarlyAndResumed(String fault, long t0, LogCapture logs) {
        await().atMost(Duration.ofSeconds(15)).until(() -> h.events.count(CONNECTED, t0) == 1);
        long detected = h.events.millisUntil(DISCONNECTED, t0);
        long connected = h.events.millisUntil(CONNECTED, t0);
        String cause = h.events.first(DISCONNECTED, t0).orElseThrow().cause();
        Matcher verdict = ZOMBIE_CAUSE.matcher(cause);
        assertThat(verdict.matches()).as("zombie verdict, not: %s", cause).isTrue();
        long silentMillis = Long.parseLong(verdict.group(1));
        long observedInterval = Long.parseLong(verdict.group(2));
        assertThat(observedInterval).as("observed interval (server: %s)", INTERVAL).isBetween(900L, 1300L);
        // Detected once 2 observed intervals passed without an ACK, counted from the last ACK.
        assertThat(silentMillis).as("no ACK for, at detection")
                .isBetween(2 * observedInterval, 2 * observedInterval + LOAD_SLACK_MILLIS);
        assertThat(detected).as("detection after the fault").isPositive()
                .isLessThanOrEqualTo(silentMillis + LOAD_SLACK_MILLIS);
        // JDA itself would wait a third interval, and another 10-20 s on a black hole.
        assertThat(connected - detected).as("resume after the plugin dropped the socket").isLessThan(5000);
        assertThat(h.events.first(CONNECTED, t0).orElseThrow().cause()).isEqualTo("library reconnected (resumed)");
        assertThat(logs.text()).as("JDA's own zombie check never fired").doesNotContain("Missed 2 heartbeats");
        assertThat(h.status().forcedReconnects()).isZero();
        assertThat(h.bot.stats().resumes()).isEqualTo(1);
        assertThat(h.bot.stats().identifies()).isEqualTo(1);
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        Figures.healed(fault, detected, connected, cause);
    }

    @Test
    void stoppedAcksAreFoundAfterTwoIntervalsAndResumedAtOnce() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            h = new DiscordHost(sim, dir).startConnected();
            long t0 = System.nanoTime();

            h.bot.inject(GatewayFault.stopAcks());

            assertDetectedEarlyAndResumed("ACKs stopped", t0, logs);
            // the resumed socket is healthy: no second verdict
            await().during(Duration.ofSeconds(3)).until(() -> h.state() == ConnectionState.CONNECTED);
            assertThat(h.events.count(DISCONNECTED, t0)).isEqualTo(1);
        }
    }

    @Test
    void aBlackHoleIsFoundAfterTwoIntervalsAndWhatItSwallowedIsReplayed() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            h = new DiscordHost(sim, dir).startConnected();
            long t0 = System.nanoTime();

            h.bot.inject(GatewayFault.blackHole());
            DispatchReceipt swallowed = h.bot.guildMessage(general, alice, "swallowed by the black hole");

            assertDetectedEarlyAndResumed("black hole", t0, logs);
            assertThat(swallowed.outcome()).isEqualTo(DispatchReceipt.Outcome.BUFFERED);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.texts().contains("swallowed by the black hole"));
            assertThat(h.bot.stats().replayed()).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * A thousand messages on two channels, with the bot's handler stuck for 3 heartbeat intervals on the
     * first one: every message is handled once, in order per channel, and the socket is never taken for
     * a zombie, because handlers run on host threads, not on JDA's socket thread.
     */
    @Test
    void aThousandMessagesWithASlowHandlerAreHandledInOrderAndCauseNoZombie() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        try (LogCapture logs = new LogCapture()) {
            h = new DiscordHost(sim, dir).handler((ws, platform, e) -> {
                if (e instanceof MessageEvent m && m.text().equals("general 0")) {
                    // never counted down: the handler is simply slow for 3 heartbeat intervals
                    released.await(3 * INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                }
            }).startConnected();
            SimChannel dm = h.bot.dmChannel(alice);
            long t0 = System.nanoTime();
            long acksBefore = h.bot.stats().acks();

            for (int i = 0; i < 500; i++) {
                h.bot.guildMessage(general, alice, "general " + i);
                h.bot.directMessage(alice, "dm " + i);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> h.messages().size() >= 1000);
            Map<String, List<String>> byChannel = h.messages().stream().collect(Collectors.groupingBy(
                    MessageEvent::channelId, Collectors.mapping(MessageEvent::text, Collectors.toList())));
            assertThat(byChannel.get(general.id())).hasSize(500).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 500).mapToObj(i -> "general " + i).toList());
            assertThat(byChannel.get(dm.id())).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 500).mapToObj(i -> "dm " + i).toList());
            assertThat(h.messages().stream().map(MessageEvent::eventId).distinct()).hasSize(1000);
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMillis).as("the slow handler held its channel").isGreaterThan(3 * INTERVAL.toMillis() - 200);
            assertThat(h.events.count(DISCONNECTED, t0)).isZero();
            // The property is that no zombie verdict came while the handler was stuck (above); at least one
            // ACK in those 3 s shows heartbeats went on, without counting on the exact number.
            assertThat(h.bot.stats().acks()).as("ACKs read throughout").isGreaterThan(acksBefore);
            assertThat(h.bot.stats().resumes()).isZero();
            assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
            assertThat(logs.text()).doesNotContain("Missed 2 heartbeats").doesNotContain("zombie");
        }
    }
}
