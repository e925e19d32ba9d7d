package dev.gatehouse.host.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.api.HistoryPage;
import dev.gatehouse.api.HistoryQuery;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.MessageHistory;
import dev.gatehouse.host.config.BackfillPolicy;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.host.testing.SilentConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the host backfills, and what the outage report then says. */
class BackfillTest {

    private static final ConnectionKey ACME = new ConnectionKey("acme", "slack");

    @TempDir
    Path state;
    private final FakeTime time = new FakeTime();
    private final List<HistoryQuery> queries = new ArrayList<>();
    private final List<MessageEvent> delivered = new ArrayList<>();
    private final List<OutageEvent> published = new ArrayList<>();
    private Optional<MessageHistory> history = Optional.of(q -> {
        queries.add(q);
        return new HistoryPage(List.of(new MessageEvent("msg:C1:101", "C1", "101", null, "U1", "missed", false, false)), null);
    });
    /** Whether the connection's platform redelivers what the host did not take (Slack), or not (Discord). */
    private boolean redelivers = true;
    /** Whether the dispatcher refuses what the backfill hands it (its channel queue still full). */
    private boolean refusing;

    private Backfill backfill() {
        Backfill.Dispatch dispatch = new Backfill.Dispatch() {
            @Override
            public boolean alreadyTaken(ConnectionKey key, String eventId) {
                return delivered.stream().anyMatch(m -> m.eventId().equals(eventId));
            }

            @Override
            public CompletionStage<Void> deliver(ConnectionKey key, MessageEvent event) {
                if (refusing) {
                    return CompletableFuture.failedFuture(new IllegalStateException("channel queue full"));
                }
                delivered.add(event);
                return CompletableFuture.completedFuture(null);
            }
        };
        SilentConnection connection = new SilentConnection() {
            @Override
            public Optional<MessageHistory> history() {
                return history;
            }

            @Override
            public void close() {
            }
        };
        return new Backfill(BackfillPolicy.defaults().withStateDir(state), time, time.clock(), time, dispatch,
                k -> Optional.of(new Backfill.Source(connection, getClass().getClassLoader(), redelivers)), published::add);
    }

    private OutageEvent outage() {
        Instant down = time.instant().minusSeconds(600);
        return new OutageEvent("acme", "slack", down, time.instant(), Duration.ofSeconds(600));
    }

    private void handled(Backfill b, String id) {
        b.handled("acme", "slack", new MessageEvent("msg:C1:" + id, "C1", id, null, "U1", "live", false, false));
    }

    @Test
    void aFreshSessionAfterAGapIsBackfilledAndTheReportWaitsForIt() {
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null); // first session of the run: nothing known yet
        handled(b, "100");
        OutageEvent o = outage();

        b.sessionUp(ACME, false, o.downFrom(), o);
        time.runDue();

        assertThat(queries).extracting(HistoryQuery::afterMessageId).containsExactly("100");
        assertThat(delivered).singleElement().satisfies(m -> assertThat(m.backfilled()).isTrue());
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.recovered()).isEqualTo(1);
            assertThat(p.complete()).isTrue();
            assertThat(p.backfill()).contains("1 recovered");
        });
        assertThat(b.last(ACME).orElseThrow().recovered()).isEqualTo(1);
    }

    @Test
    void liveMessagesOfTheNewSessionHandledBeforeTheBackfillStartsDoNotHideTheGap() {
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.down(ACME);
        handled(b, "105"); // the new session delivered it before its "connected" reached the backfill

        b.sessionUp(ACME, false, time.instant().minusSeconds(5), null);
        time.runDue();

        assertThat(queries).extracting(HistoryQuery::afterMessageId).containsExactly("100");
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("101");
    }

    @Test
    void aBackfillThatStoppedShortIsTakenUpByTheNextOneFromWhereItBegan() {
        Optional<MessageHistory> works = history;
        history = Optional.of(q -> {
            queries.add(q);
            throw new dev.gatehouse.api.GatewayException("connection closing", true, null);
        });
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.down(ACME);
        b.sessionUp(ACME, false, time.instant().minusSeconds(5), null);
        time.runDue();
        assertThat(b.last(ACME).orElseThrow().complete()).isFalse();

        handled(b, "150"); // live on the new session, past the hole
        b.down(ACME);
        history = works;
        b.sessionUp(ACME, false, time.instant().minusSeconds(5), null);
        time.runDue();

        assertThat(queries).extracting(HistoryQuery::afterMessageId).containsExactly("100", "100");
        assertThat(b.last(ACME).orElseThrow().complete()).isTrue();
        handled(b, "160");
        b.down(ACME);
        b.sessionUp(ACME, false, time.instant().minusSeconds(5), null);
        time.runDue();
        assertThat(queries).extracting(HistoryQuery::afterMessageId).as("paid once read to the end").endsWith("160");
    }

    @Test
    void aSecondGapBeforeTheFirstBackfillBeganRunsOneBackfillFromWhereTheFirstGapBegan() {
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.down(ACME);
        OutageEvent first = outage();
        b.sessionUp(ACME, false, first.downFrom(), first); // its backfill is queued, not begun
        handled(b, "120"); // live on the new session, which then drops too
        b.down(ACME);
        OutageEvent second = new OutageEvent("acme", "slack", time.instant().minusSeconds(5), time.instant(),
                Duration.ofSeconds(5));
        b.sessionUp(ACME, false, second.downFrom(), second);
        time.runDue();

        assertThat(queries).extracting(HistoryQuery::afterMessageId).as("one backfill, from the first gap's start")
                .containsExactly("100");
        assertThat(published).hasSize(2);
        assertThat(published).filteredOn(p -> p.downFrom().equals(first.downFrom())).singleElement().satisfies(p -> {
            assertThat(p.complete()).isFalse();
            assertThat(p.backfill()).contains("newer session");
        });
        assertThat(published).filteredOn(p -> p.downFrom().equals(second.downFrom())).singleElement()
                .satisfies(p -> assertThat(p.complete()).isTrue());
    }

    private static MessageEvent message(String channel, String id) {
        return new MessageEvent("msg:" + channel + ":" + id, channel, id, null, "U1", "refused", false, false);
    }

    @Test
    void aMessageTheHostRefusedOnAPlatformThatDoesNotRedeliverIsBackfilledOnceThePressureEases() {
        redelivers = false;
        history = Optional.of(q -> {
            queries.add(q);
            return new HistoryPage(List.of(message(q.channelId(), q.channelId().equals("C1") ? "101" : "205")), null);
        });
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");

        b.refused(ACME, message("C1", "101")); // its channel's queue was full
        b.refused(ACME, message("C2", "205")); // a channel with nothing handled yet
        b.refused(ACME, message("C1", "102")); // the same hole
        time.runDue();
        assertThat(queries).as("not at once: the queue that refused them is still full").isEmpty();

        time.advance(Backfill.HOLE_DELAY);
        time.runDue();
        assertThat(queries).extracting(q -> q.channelId() + " after " + q.afterMessageId())
                .containsExactlyInAnyOrder("C1 after 100", "C2 after 204");
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactlyInAnyOrder("101", "205");
        assertThat(delivered).allSatisfy(m -> assertThat(m.backfilled()).isTrue());
        assertThat(published).as("no outage: the connection never went down").isEmpty();

        time.advance(Duration.ofMinutes(10));
        time.runDue();
        assertThat(queries).as("paid: read once").hasSize(2);
    }

    @Test
    void aRefusedMessageIsLeftToThePlatformWhereItRedelivers() {
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.refused(ACME, message("C1", "101"));
        time.advance(Duration.ofMinutes(10));
        time.runDue();
        assertThat(queries).isEmpty();
    }

    @Test
    void aHoleWhoseBackfillIsRefusedTooIsRetriedWithBackoffThenLeftToTheNextGap() {
        redelivers = false;
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.refused(ACME, message("C1", "101"));
        refusing = true;
        time.advance(Duration.ofHours(1));
        time.runDue();
        int attempts = queries.size();
        assertThat(attempts).as("retried, then given up").isBetween(2, Backfill.HOLE_ATTEMPTS);
        time.advance(Duration.ofHours(1));
        time.runDue();
        assertThat(queries).as("no endless retries").hasSize(attempts);

        refusing = false; // the next gap's backfill starts from the hole, not past it
        b.down(ACME);
        b.sessionUp(ACME, false, time.instant().minusSeconds(5), null);
        time.runDue();
        assertThat(queries.get(queries.size() - 1).afterMessageId()).isEqualTo("100");
        assertThat(delivered).extracting(MessageEvent::messageId).containsExactly("101");
    }

    @Test
    void aResumedSessionIsNotBackfilled() {
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.sessionUp(ACME, true, time.instant().minusSeconds(5), null);
        time.runDue();
        assertThat(queries).isEmpty();
    }

    @Test
    void aPluginWithoutHistoryGetsItsGapReportedNotBackfilled() {
        history = Optional.empty();
        Backfill b = backfill();
        b.sessionUp(ACME, false, null, null);
        handled(b, "100");
        b.sessionUp(ACME, false, outage().downFrom(), outage());
        time.runDue();
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.recovered()).isZero();
            assertThat(p.complete()).isFalse();
            assertThat(p.backfill()).isEqualTo("not backfilled: the plugin offers no message history");
        });
    }

    @Test
    void afterARestartTheLedgerIsTheStartAndACorruptOneMeansReportDontBackfill() throws Exception {
        Backfill before = backfill();
        handled(before, "100");
        before.close();
        Backfill restarted = backfill();
        restarted.sessionUp(ACME, false, null, outage());
        time.runDue();
        assertThat(queries).extracting(HistoryQuery::afterMessageId).containsExactly("100");
        assertThat(published.get(0).recovered()).isEqualTo(1);

        Files.writeString(state.resolve("backfill/slack/acme.json"), "not json");
        published.clear();
        queries.clear();
        try (LogCapture logs = new LogCapture()) {
            Backfill afterCorruption = backfill();
            afterCorruption.sessionUp(ACME, false, null, outage());
            time.runDue();
            assertThat(logs.text()).contains("backfill ledger unreadable");
        }
        assertThat(queries).isEmpty();
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.complete()).isFalse();
            assertThat(p.backfill()).startsWith("not backfilled: the ledger ").contains("is unreadable");
        });
    }

    @Test
    void theLedgerIsWrittenAboutOnceASecondWhenItChanged() {
        Backfill b = backfill();
        b.start();
        handled(b, "100");
        Path file = state.resolve("backfill/slack/acme.json");
        time.advance(Duration.ofMillis(999));
        assertThat(file).doesNotExist();
        time.advance(Duration.ofMillis(1));
        assertThat(file).exists();
        b.close();
    }
}
