package dev.gatehouse.host.backfill;

import dev.gatehouse.api.GatewayException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.api.HistoryPage;
import dev.gatehouse.api.HistoryQuery;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.RateLimitedException;
import dev.gatehouse.host.config.BackfillPolicy;
import dev.gatehouse.host.testing.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The planner on fake time: bounds, dedupe, order and rate limits, with a scripted history. */
class BackfillRunTest {

    private final FakeTime time = new FakeTime();
    private final List<HistoryQuery> queries = new ArrayList<>();
    /** Scripted answers per channel, in call order: a page or an exception to throw. */
    private final Map<String, Deque<Object>> script = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final List<MessageEvent> delivered = new ArrayList<>();

    private static MessageEvent msg(String channel, String id) {
        return new MessageEvent("message:" + id, channel, id, null, "U1", "text " + id, false, false);
    }

    private void answer(String channel, Object... pagesOrErrors) {
        script.computeIfAbsent(channel, c -> new ArrayDeque<>()).addAll(List.of(pagesOrErrors));
    }

    private HistoryPage fetch(HistoryQuery q) {
        queries.add(q);
        Object next = script.getOrDefault(q.channelId(), new ArrayDeque<>()).poll();
        if (next instanceof RuntimeException e) {
            throw e;
        }
        return next == null ? new HistoryPage(List.of(), null) : (HistoryPage) next;
    }

    private final BackfillRun.Sink sink = new BackfillRun.Sink() {
        @Override
        public boolean alreadyTaken(String eventId) {
            return taken.contains(eventId);
        }

        @Override
        public CompletionStage<Void> deliver(MessageEvent event) {
            delivered.add(event);
            taken.add(event.eventId());
            return CompletableFuture.completedFuture(null);
        }
    };

    private static BackfillPolicy policy(int maxChannels, int maxPages, Duration maxWait) {
        return new BackfillPolicy(true, Optional.empty(), Duration.ofHours(24), maxChannels, maxPages, 100, maxWait, 100);
    }

    private CompletableFuture<BackfillResult> run(BackfillPolicy policy, Map<String, ChannelMark> marks, Instant gapStart) {
        BackfillRun r = new BackfillRun("slack/acme", policy, marks, time.instant(), gapStart, this::fetch, sink, time, time);
        CompletableFuture<BackfillResult> result = r.start().toCompletableFuture();
        time.runDue();
        return result;
    }

    private Map<String, ChannelMark> marks(String... channelAndLastId) {
        Map<String, ChannelMark> m = new LinkedHashMap<>();
        for (int i = 0; i < channelAndLastId.length; i += 2) {
            m.put(channelAndLastId[i], new ChannelMark(channelAndLastId[i + 1], time.instant().minusSeconds(60)));
        }
        return m;
    }

    private Instant gapStart() {
        return time.instant().minusSeconds(30);
    }

    @Test
    void deliversEachMissedMessageOnceOldestFirstMarkedBackfilled() {
        // Slack's pages go back in time: the newest first.
        answer("C1", new HistoryPage(List.of(msg("C1", "105"), msg("C1", "104"), msg("C1", "103")), "cursor-2"),
                new HistoryPage(List.of(msg("C1", "102"), msg("C1", "101"), msg("C1", "100")), null));
        taken.add("message:103"); // arrived live after the reconnect

        BackfillResult r = run(policy(10, 10, Duration.ofSeconds(60)), marks("C1", "100"), gapStart()).join();

        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("101", "102", "104", "105");
        assertThat(delivered).allMatch(MessageEvent::backfilled);
        assertThat(r.recovered()).isEqualTo(4);
        assertThat(r.complete()).as(r.detail()).isTrue();
        assertThat(queries).extracting(HistoryQuery::afterMessageId).containsExactly("100", "100");
        assertThat(queries).extracting(HistoryQuery::cursor).containsExactly(null, "cursor-2");
    }

    @Test
    void messagesOfOneChannelAreOrderedAsNumbersNotAsText() {
        answer("D1", new HistoryPage(List.of(msg("D1", "1000"), msg("D1", "999"), msg("D1", "10000")), null));
        run(policy(10, 10, Duration.ofSeconds(60)), marks("D1", "998"), gapStart()).join();
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("999", "1000", "10000");
    }

    @Test
    void stopsAtThePageBoundAndSaysTheGapWasNotCovered() {
        answer("C1", new HistoryPage(List.of(msg("C1", "101")), "a"), new HistoryPage(List.of(msg("C1", "102")), "b"),
                new HistoryPage(List.of(msg("C1", "103")), null));

        BackfillResult r = run(policy(10, 2, Duration.ofSeconds(60)), marks("C1", "100"), gapStart()).join();

        assertThat(queries).hasSize(2);
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("101", "102");
        assertThat(r.complete()).isFalse();
        assertThat(r.detail()).contains("channel C1: more than 2 page(s)");
    }

    @Test
    void visitsTheMostRecentlyActiveChannelsUpToTheBound() {
        answer("C1", new HistoryPage(List.of(msg("C1", "11")), null));
        answer("C2", new HistoryPage(List.of(msg("C2", "21")), null));
        answer("C3", new HistoryPage(List.of(msg("C3", "31")), null));

        BackfillResult r = run(policy(2, 10, Duration.ofSeconds(60)), marks("C3", "30", "C1", "10", "C2", "20"),
                gapStart()).join();

        assertThat(queries).extracting(HistoryQuery::channelId).containsExactly("C3", "C1");
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("31", "11");
        assertThat(r.complete()).isFalse();
        assertThat(r.detail()).contains("1 less active channel(s) beyond the bound of 2 not read");
    }

    @Test
    void dropsWhatIsNotAfterTheMarkOrRepeatedOrOfAnotherChannel() {
        answer("C1", new HistoryPage(List.of(msg("C1", "100"), msg("C1", "99"), msg("C1", "101"), msg("C1", "101"),
                msg("C2", "102")), null));

        BackfillResult r = run(policy(10, 10, Duration.ofSeconds(60)), marks("C1", "100"), gapStart()).join();

        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("101");
        assertThat(r.recovered()).isEqualTo(1);
    }

    @Test
    void waitsOutARateLimitOnTheInjectedClockThenGoesOn() {
        answer("C1", new RateLimitedException("slack conversations.history (C1): HTTP 429", Duration.ofSeconds(5)),
                new HistoryPage(List.of(msg("C1", "101")), null));

        CompletableFuture<BackfillResult> r = run(policy(10, 10, Duration.ofSeconds(60)), marks("C1", "100"), gapStart());

        assertThat(queries).hasSize(1);
        time.advance(Duration.ofMillis(4_999));
        assertThat(queries).as("no retry before Retry-After").hasSize(1);
        assertThat(r).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(queries).hasSize(2);
        assertThat(r.join().complete()).as(r.join().detail()).isTrue();
        assertThat(r.join().detail()).contains("5000 ms waited for rate limits");
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("101");
    }

    @Test
    void stopsWhenTheRateLimitWaitsWouldPassTheBound() {
        answer("C1", new RateLimitedException("429", Duration.ofSeconds(8)), new RateLimitedException("429", Duration.ofSeconds(8)));
        answer("C2", new HistoryPage(List.of(msg("C2", "201")), null));

        CompletableFuture<BackfillResult> r = run(policy(10, 10, Duration.ofSeconds(10)), marks("C1", "100", "C2", "200"),
                gapStart());
        time.advance(Duration.ofSeconds(8));

        BackfillResult result = r.join();
        assertThat(queries).extracting(HistoryQuery::channelId).containsExactly("C1", "C1");
        assertThat(result.complete()).isFalse();
        assertThat(result.detail()).contains("rate limited by the platform").contains("bound of 10 s");
        assertThat(delivered).isEmpty();
    }

    @Test
    void aChannelThatFailsDoesNotStopTheOthers() {
        answer("C1", new GatewayException("slack conversations.history (C1) refused: 'not_in_channel'"));
        answer("C2", new HistoryPage(List.of(msg("C2", "201")), null));

        BackfillResult r = run(policy(10, 10, Duration.ofSeconds(60)), marks("C1", "100", "C2", "200"), gapStart()).join();

        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("201");
        assertThat(r.complete()).isFalse();
        assertThat(r.detail()).contains("not_in_channel");
    }

    @Test
    void aGapOlderThanTheWindowIsReadFromTheWindowsStartAndReportedIncomplete() {
        Map<String, ChannelMark> m = new LinkedHashMap<>();
        m.put("C1", new ChannelMark("100", time.instant().minus(Duration.ofHours(30))));
        answer("C1", new HistoryPage(List.of(msg("C1", "150")), null));

        BackfillResult r = run(policy(10, 10, Duration.ofSeconds(60)), m, time.instant().minus(Duration.ofHours(30))).join();

        assertThat(queries.get(0).afterMessageId()).isNull();
        assertThat(queries.get(0).since()).isEqualTo(time.instant().minus(Duration.ofHours(24)));
        assertThat(r.complete()).isFalse();
        assertThat(r.detail()).contains("before the window of 24 h");
        assertThat(r.recovered()).isEqualTo(1);
    }

    @Test
    void anUnknownGapStartIsNotProvenCovered() {
        answer("C1", new HistoryPage(List.of(msg("C1", "101")), null));
        BackfillResult r = run(policy(10, 10, Duration.ofSeconds(60)), marks("C1", "100"), null).join();
        assertThat(r.complete()).isFalse();
        assertThat(r.recovered()).isEqualTo(1);
    }

    @Test
    void aRefusedDeliveryIsNotCountedAsRecovered() {
        answer("C1", new HistoryPage(List.of(msg("C1", "101"), msg("C1", "102")), null));
        BackfillRun.Sink refusing = new BackfillRun.Sink() {
            @Override
            public boolean alreadyTaken(String eventId) {
                return false;
            }

            @Override
            public CompletionStage<Void> deliver(MessageEvent event) {
                return event.messageId().equals("101") ? CompletableFuture.failedFuture(new IllegalStateException("queue full"))
                        : CompletableFuture.completedFuture(null);
            }
        };
        BackfillRun run = new BackfillRun("slack/acme", policy(10, 10, Duration.ofSeconds(60)), marks("C1", "100"),
                time.instant(), gapStart(), this::fetch, refusing, time, time);
        CompletableFuture<BackfillResult> r = run.start().toCompletableFuture();
        time.runDue();
        assertThat(r.join().recovered()).isEqualTo(1);
        assertThat(r.join().complete()).isFalse();
        assertThat(r.join().detail()).contains("message 101 in C1 refused: queue full");
    }
}
