package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.sim.slack.AckRecord;
import dev.gatehouse.sim.slack.Delivery;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackAppStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 1,000 events against a bot whose handler is deliberately slow: every event reaches it exactly once
 * and every delivery is acknowledged within Slack's 3 s. The simulator's ack timeout is 1 s (Slack:
 * 3 s), shorter than the plugin's deadline, so events still in the bot's hands are always redelivered
 * and the redeliveries are mixed in.
 */
class AckUnderLoadIT extends SimulatorIT {

    private static final int EVENTS = 1000;
    private static final int CHANNELS = 8;

    @BeforeAll
    static void startSimulator() {
        sim = simulator().ackTimeout(Duration.ofMillis(1000)).start();
    }

    /** Every 100th message takes 2.5 s, the rest 2 ms; a slow one holds up its channel's later messages. */
    private static void slowBot(String workspace, InboundEvent e) throws InterruptedException {
        String text = ((MessageEvent) e).text();
        Thread.sleep(text.endsWith("00") ? 2500 : 2);
    }

    @Test
    void aThousandEventsAreHandledOnceAndAllAcknowledgedInTimeDespiteASlowBot() throws Exception {
        SimSlackApp app = sim.registerApp();
        try (SlackHost host = SlackHost.builder(sim, dir).workspace("acme", app).handler(AckUnderLoadIT::slowBot).start()) {
            host.awaitConnected("acme");
            List<Delivery> pushed = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 1; i <= EVENTS; i++) {
                pushed.add(sim.pushMessage(app, "C" + (i % CHANNELS), "U1", "event " + i));
                if (i % 50 == 0) {
                    int sent = i;
                    // Pace: 50 events every 100 ms, i.e. 500 per second.
                    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                            .until(() -> Figures.millisSince(start) >= sent * 2L);
                }
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                SlackAppStats s = sim.stats(app);
                return host.events.size() >= EVENTS && s.acks() == s.envelopesPushed();
            });
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(2 + 5))
                    .until(() -> sim.stats(app).acks() == sim.stats(app).envelopesPushed());

            SlackAppStats stats = sim.stats(app);
            assertThat(host.events).hasSize(EVENTS);
            Set<String> texts = host.events.stream().map(e -> ((MessageEvent) e).text()).collect(Collectors.toSet());
            assertThat(texts).hasSize(EVENTS);
            assertThat(stats.redeliveries()).as("redeliveries mixed in").isPositive();
            assertThat(stats.lateAcks()).isZero();
            assertThat(stats.unknownAcks()).isZero();
            assertThat(stats.eventsAbandoned()).isZero();
            assertThat(stats.acks()).isEqualTo(stats.envelopesPushed()).isEqualTo(EVENTS + stats.redeliveries());
            List<AckRecord> acks = sim.acks(app);
            assertThat(acks.stream().map(AckRecord::eventId).collect(Collectors.toSet()))
                    .containsAll(pushed.stream().map(Delivery::eventId).toList());
            long[] latencies = acks.stream().mapToLong(AckRecord::latencyMillis).sorted().toArray();
            Figures.record("1000 events: deliveries (incl. redeliveries)", stats.envelopesPushed());
            Figures.record("1000 events: redeliveries", stats.redeliveries());
            Figures.record("1000 events: ack latency p50/p99/max (ms)", latencies[latencies.length / 2] + "/"
                    + latencies[latencies.length * 99 / 100] + "/" + latencies[latencies.length - 1]);
            Figures.record("1000 events: late acks (> 3 s)", stats.lateAcks());
            assertThat(latencies[latencies.length - 1]).isLessThan(3000);
        }
    }
}
