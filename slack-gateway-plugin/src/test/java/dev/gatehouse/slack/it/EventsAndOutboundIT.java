package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.ButtonClickEvent;
import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageDeletedEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.ReactionAddedEvent;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.sim.slack.AckRecord;
import dev.gatehouse.sim.slack.ApiCall;
import dev.gatehouse.sim.slack.Delivery;
import dev.gatehouse.sim.slack.EnvelopeType;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackEvents;
import dev.gatehouse.sim.slack.TokenKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events in (mapping, acknowledgement, deduplication) and messages out, through the real host. */
class EventsAndOutboundIT extends SimulatorIT {

    /** Shorter than Slack's 3 s, so a deliberately slow handler provokes a redelivery quickly. */
    private static final Duration SIM_ACK_TIMEOUT = Duration.ofSeconds(1);

    private SimSlackApp app;

    @BeforeAll
    static void startSimulator() {
        sim = simulator().ackTimeout(SIM_ACK_TIMEOUT).start();
    }

    private void start() throws Exception {
        app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app).handler((ws, e) -> {
            if (e instanceof MessageEvent m && m.text().startsWith("slow")) {
                Thread.sleep(1500);
            }
        }).start().awaitConnected("acme");
    }

    @Test
    void everyMappedEventReachesTheBotOnceAndEveryEnvelopeIsAcknowledged() throws Exception {
        start();
        String bot = app.botUserId();
        List<Delivery> pushed = new ArrayList<>();
        pushed.add(sim.pushMessage(app, "C1", "U1", "hello"));
        ObjectNode mention = SlackEvents.message("C1", "U1", "<@" + bot + "> status?");
        ObjectNode appMention = SlackEvents.appMention("C1", "U1", "<@" + bot + "> status?");
        appMention.put("ts", mention.get("ts").asText()).put("event_ts", mention.get("ts").asText());
        pushed.add(sim.pushEventsApi(app, mention));
        pushed.add(sim.pushEventsApi(app, appMention));
        pushed.add(sim.pushEventsApi(app, SlackEvents.message("D1", "U1", "psst").put("channel_type", "im")));
        pushed.add(sim.pushEventsApi(app, SlackEvents.message("C1", "U1", "a reply").put("thread_ts", "1700000000.000100")));
        pushed.add(sim.pushReactionAdded(app, "C1", "U1", "eyes", "1700000000.000100"));
        pushed.add(sim.pushMessageDeleted(app, "C1", "1700000000.000100"));
        pushed.add(sim.pushBlockAction(app, "C1", "U1", "approve", "42"));
        pushed.add(sim.pushEventsApi(app, SlackEvents.message("C1", "U9", "beep").put("subtype", "bot_message")
                .put("bot_id", "B999")));
        pushed.add(sim.pushEventsApi(app, SlackEvents.message("C1", bot, "our own words").put("bot_id", app.botId())));
        ObjectNode unmapped = SlackEvents.message("C1", "U1", "x");
        unmapped.put("type", "channel_created");
        pushed.add(sim.pushEventsApi(app, unmapped));
        pushed.add(sim.pushSlashCommand(app, "C1", "U1", "/deploy", "prod"));
        Delivery slow = sim.pushMessage(app, "CSLOW", "U1", "slow handler");

        // The slow one is redelivered (the simulator's ack timeout is 1 s) and both deliveries are acknowledged.
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.deliveriesOfEvent(app, slow.eventId()).size() >= 2
                && sim.acks(app).size() == sim.deliveries(app).size());
        List<AckRecord> acks = sim.acks(app);
        assertThat(acks).extracting(AckRecord::envelopeId).containsAll(pushed.stream().map(Delivery::envelopeId).toList());
        assertThat(acks).noneMatch(AckRecord::late);
        assertThat(sim.stats(app).unknownAcks()).isZero();
        Figures.record("events: max ack latency, slow handler included (ms)",
                acks.stream().mapToLong(AckRecord::latencyMillis).max().orElse(-1));

        String ts = mention.get("ts").asText();
        assertThat(host.events).hasSize(8);
        assertThat(host.events).filteredOn(e -> e.eventId().equals("msg:C1:" + ts)).singleElement()
                .isEqualTo(new MessageEvent("msg:C1:" + ts, "C1", ts, null, "U1", "<@" + bot + "> status?", true, false));
        assertThat(messages()).extracting(MessageEvent::text)
                .containsExactlyInAnyOrder("hello", "<@" + bot + "> status?", "psst", "a reply", "slow handler");
        assertThat(messages()).filteredOn(m -> m.text().equals("psst")).singleElement().extracting(MessageEvent::directMessage)
                .isEqualTo(true);
        assertThat(messages()).filteredOn(m -> m.text().equals("a reply")).singleElement().extracting(MessageEvent::threadId)
                .isEqualTo("1700000000.000100");
        assertThat(host.events).filteredOn(e -> e instanceof ReactionAddedEvent).singleElement()
                .isEqualTo(new ReactionAddedEvent(pushed.get(5).eventId(), "C1", "1700000000.000100", "U1", "eyes"));
        assertThat(host.events).filteredOn(e -> e instanceof MessageDeletedEvent).singleElement()
                .isEqualTo(new MessageDeletedEvent(pushed.get(6).eventId(), "C1", "1700000000.000100"));
        assertThat(host.events).filteredOn(e -> e instanceof ButtonClickEvent).singleElement()
                .satisfies(e -> {
                    ButtonClickEvent b = (ButtonClickEvent) e;
                    assertThat(b.actionId()).isEqualTo("approve");
                    assertThat(b.value()).isEqualTo("42");
                    assertThat(b.userId()).isEqualTo("U1");
                    assertThat(b.channelId()).isEqualTo("C1");
                    assertThat(b.messageId()).isNotNull();
                    assertThat(b.eventId()).startsWith("action:");
                });
        AckRecord slashAck = sim.ackFor(app, pushed.get(11).envelopeId()).orElseThrow();
        assertThat(slashAck.type()).isEqualTo(EnvelopeType.SLASH_COMMANDS);
    }

    private List<MessageEvent> messages() {
        List<MessageEvent> out = new ArrayList<>();
        for (InboundEvent e : host.events) {
            if (e instanceof MessageEvent m) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void outboundOperationsUseTheWebApiWithTheBotToken() throws Exception {
        start();
        String ts = send(new Outbound.Post("C1", "hello"));
        assertThat(ts).isNotBlank();
        String replyTs = send(new Outbound.Reply("C1", ts, "in the thread"));
        send(new Outbound.Edit("C1", ts, "hello, edited"));
        send(new Outbound.React("C1", ts, "tada"));
        send(new Outbound.Delete("C1", replyTs));

        List<ApiCall> posts = sim.apiCalls(app, "chat.postMessage");
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0).params()).containsEntry("channel", "C1").containsEntry("text", "hello");
        assertThat(posts.get(1).params()).containsEntry("thread_ts", ts).containsEntry("text", "in the thread");
        assertThat(sim.apiCalls(app, "chat.update").get(0).params())
                .containsAllEntriesOf(Map.of("channel", "C1", "ts", ts, "text", "hello, edited"));
        assertThat(sim.apiCalls(app, "reactions.add").get(0).params())
                .containsAllEntriesOf(Map.of("channel", "C1", "timestamp", ts, "name", "tada"));
        assertThat(sim.apiCalls(app, "chat.delete").get(0).params()).containsAllEntriesOf(Map.of("channel", "C1", "ts", replyTs));
        assertThat(sim.apiCalls(app)).filteredOn(c -> c.method().startsWith("chat.") || c.method().startsWith("reactions."))
                .extracting(ApiCall::tokenKind).containsOnly(TokenKind.BOT);
    }

    @Test
    void aRateLimitedPostIsRetriedAfterRetryAfterAndAPersistentLimitFailsRetryably() throws Exception {
        start();
        sim.failMethod(app, "chat.postMessage", MethodFault.rateLimited(1), 1);
        long started = System.nanoTime();
        assertThat(send(new Outbound.Post("C1", "patience"))).isNotBlank();
        assertThat(Figures.millisSince(started)).isGreaterThanOrEqualTo(1000);
        assertThat(sim.apiCalls(app, "chat.postMessage")).extracting(ApiCall::httpStatus).containsExactly(429, 200);

        sim.failMethod(app, "chat.postMessage", MethodFault.rateLimited(1));
        assertThatThrownBy(() -> send(new Outbound.Post("C1", "never")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains("rate limited").contains("3 tries")
                            .doesNotContain(app.botToken());
                });
        assertThat(sim.apiCalls(app, "chat.postMessage")).hasSize(5);
        sim.clearMethodFault(app, "chat.postMessage");
    }

    private String send(Outbound op) throws Exception {
        return host.host.send("acme", "slack", op).get(40, TimeUnit.SECONDS);
    }
}
