package dev.gatehouse.host.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    private static final ConnectionKey ACME = new ConnectionKey("acme", "slack");

    @TempDir
    Path state;

    private final FakeTime time = new FakeTime();

    private Ledger ledger(int maxChannels) {
        return new Ledger(Optional.of(state), maxChannels, time.clock());
    }

    private Path file() {
        return state.resolve("backfill").resolve("slack").resolve("acme.json");
    }

    @Test
    void theIdJustBeforeAMessageIsOneUnitOfItsLastDigitLess() {
        assertThat(MessageIds.before("1234")).isEqualTo("1233");
        assertThat(MessageIds.before("1000")).isEqualTo("999");
        assertThat(MessageIds.before("1700000000.000100")).isEqualTo("1700000000.000099");
        assertThat(MessageIds.before("1700000001.000000")).isEqualTo("1700000000.999999");
        assertThat(MessageIds.before("0")).isNull();
        assertThat(MessageIds.before("abc")).isNull();
        for (String id : List.of("1234", "1000", "1700000000.000100", "1700000001.000000")) {
            assertThat(MessageIds.after(id, MessageIds.before(id))).as(id).isTrue();
        }
    }

    @Test
    void aRefusedMessageOwesItsChannelFromItsMarkOrJustBeforeIt() {
        Ledger l = ledger(10);
        l.handled(ACME, "C1", "100", time.instant());
        l.hole(ACME, "C1", "104", time.instant()); // refused 105 after 100 was handled
        l.hole(ACME, "C2", "204", time.instant()); // refused 205 in a channel with nothing handled
        assertThat(l.owedIn(ACME, List.of("C1", "C2")))
                .containsEntry("C1", new ChannelMark("100", time.instant()))
                .containsEntry("C2", new ChannelMark("204", time.instant()));
        assertThat(l.snapshot(ACME).channels()).as("a restart starts C2 before the refused message too")
                .containsKey("C2");
        l.paid(ACME, "C1");
        assertThat(l.owedIn(ACME, List.of("C1", "C2"))).containsOnlyKeys("C2");
    }

    @Test
    void survivesARestartThroughAnAtomicallyReplacedFile() throws Exception {
        Ledger first = ledger(10);
        first.handled(ACME, "C1", "1700000000.000100", time.instant());
        time.advance(Duration.ofSeconds(3));
        first.handled(ACME, "C2", "1700000000.000200", time.instant());
        first.flush();

        assertThat(file()).exists();
        try (var listing = Files.list(file().getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("acme.json");
        }
        Ledger.Snapshot after = ledger(10).snapshot(ACME);
        assertThat(after.known()).isTrue();
        assertThat(after.savedAt()).isEqualTo(time.instant());
        assertThat(after.channels().keySet()).containsExactly("C2", "C1");
        assertThat(after.channels().get("C1")).isEqualTo(new ChannelMark("1700000000.000100", time.instant().minusSeconds(3)));
    }

    @Test
    void aStaleTemporaryFileFromACrashedWriteIsIgnoredAndReplaced() throws Exception {
        Ledger first = ledger(10);
        first.handled(ACME, "C1", "100", time.instant());
        first.flush();
        Path tmp = file().resolveSibling("acme.json.tmp");
        Files.writeString(tmp, "{\"version\":1, half a wri");

        assertThat(ledger(10).snapshot(ACME).channels()).containsOnlyKeys("C1");
        first.handled(ACME, "C1", "101", time.instant());
        first.flush();
        assertThat(tmp).doesNotExist();
        assertThat(ledger(10).snapshot(ACME).channels().get("C1").lastMessageId()).isEqualTo("101");
    }

    @Test
    void theMarksFrozenWhenTheConnectionWentDownAreTheBackfillsStartUntilSettled() {
        Ledger l = ledger(10);
        l.handled(ACME, "C1", "100", time.instant());
        l.freeze(ACME);
        l.handled(ACME, "C1", "105", time.instant());
        l.freeze(ACME); // a second drop before the backfill: the first one counts
        assertThat(l.snapshot(ACME).channels().get("C1").lastMessageId()).isEqualTo("100");
        l.settled(ACME);
        assertThat(l.snapshot(ACME).channels().get("C1").lastMessageId()).isEqualTo("105");
    }

    @Test
    void afterARestartTheFilesMarksAreTheStartEvenIfLiveMessagesCameFirst() {
        Ledger first = ledger(10);
        first.handled(ACME, "C1", "100", time.instant());
        first.flush();
        Ledger restarted = ledger(10);
        restarted.handled(ACME, "C1", "105", time.instant());
        assertThat(restarted.snapshot(ACME).channels().get("C1").lastMessageId()).isEqualTo("100");
    }

    @Test
    void aMarkMovesOnlyForwardInMessageOrder() {
        Ledger l = ledger(10);
        l.handled(ACME, "C1", "998", time.instant());
        l.handled(ACME, "C1", "1000", time.instant());
        l.handled(ACME, "C1", "999", time.instant());
        assertThat(l.snapshot(ACME).channels().get("C1").lastMessageId()).isEqualTo("1000");
    }

    @Test
    void aCorruptFileMeansReportDontBackfillNeverACrash() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"version\":1,\"channels\":[{\"id\":");
        try (LogCapture logs = new LogCapture()) {
            Ledger l = ledger(10);
            Ledger.Snapshot s = l.snapshot(ACME);

            assertThat(s.known()).isFalse();
            assertThat(s.unknownBecause()).contains(file().toString()).contains("not JSON").contains("moved aside");
            assertThat(logs.text()).contains("ERROR").contains("backfill ledger unreadable")
                    .contains("reported, not backfilled");
            assertThat(file().resolveSibling("acme.json.corrupt")).exists();

            l.handled(ACME, "C9", "5", time.instant());
            l.flush();
            assertThat(ledger(10).snapshot(ACME).channels()).containsOnlyKeys("C9");
        }
    }

    @Test
    void aFileOfAnotherShapeIsCorruptToo() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "[1, 2, 3]");
        assertThat(ledger(10).snapshot(ACME).unknownBecause()).contains("not a version 1 ledger");
    }

    @Test
    void aMissingFileMeansUnknown() {
        Ledger.Snapshot s = ledger(10).snapshot(ACME);
        assertThat(s.known()).isFalse();
        assertThat(s.unknownBecause()).contains("no ledger at " + file());
    }

    @Test
    void withoutAStateFolderNothingIsWrittenAndThePreviousRunIsUnknown() {
        Ledger l = new Ledger(Optional.empty(), 10, time.clock());
        l.handled(ACME, "C1", "1", time.instant());
        l.flush();
        assertThat(l.snapshot(ACME).unknownBecause()).contains("backfill.stateDir");
        assertThat(l.snapshot(ACME).channels()).containsOnlyKeys("C1");
        assertThat(state.resolve("backfill")).doesNotExist();
    }

    @Test
    void boundedTheLeastRecentlyActiveChannelsAreForgottenFirst() throws Exception {
        Ledger l = ledger(3);
        for (String c : List.of("C1", "C2", "C3", "C4")) {
            l.handled(ACME, c, "1", time.instant());
        }
        l.handled(ACME, "C2", "2", time.instant());
        l.handled(ACME, "C5", "1", time.instant());

        assertThat(l.snapshot(ACME).channels().keySet()).containsExactly("C5", "C2", "C4");
        l.flush();
        assertThat(ledger(3).snapshot(ACME).channels().keySet()).containsExactly("C5", "C2", "C4");
    }

    @Test
    void flushWritesOnlyWhatChanged() throws Exception {
        Ledger l = ledger(10);
        l.handled(ACME, "C1", "1", time.instant());
        l.flush();
        Files.delete(file());
        l.flush();
        assertThat(file()).doesNotExist();
        l.handled(ACME, "C1", "2", time.instant());
        l.flush();
        assertThat(file()).exists();
    }

    @Test
    void aFailedWriteIsRetriedByTheNextFlush() throws Exception {
        Files.writeString(state.resolve("backfill"), "a file where the folder should be");
        Ledger l = ledger(10);
        try (LogCapture logs = new LogCapture()) {
            l.handled(ACME, "C1", "1", time.instant());
            l.flush();
            assertThat(logs.text()).contains("cannot write the backfill ledger");
        }
        Files.delete(state.resolve("backfill"));
        l.flush();
        assertThat(file()).exists();
        assertThat(Instant.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(file().toFile())
                .get("savedAt").asText())).isEqualTo(time.instant());
    }

    /** A store shared by hosts, in memory; writes only while {@code owner} says this host may. */
    private static final class SharedStore {
        final java.util.Map<ConnectionKey, byte[]> data = new java.util.HashMap<>();
        String owner = "a";

        LedgerStore as(String host) {
            return new LedgerStore() {
                @Override
                public byte[] read(ConnectionKey key) {
                    return data.get(key);
                }

                @Override
                public boolean write(ConnectionKey key, byte[] ledger) {
                    if (!owner.equals(host)) {
                        return false;
                    }
                    data.put(key, ledger);
                    return true;
                }

                @Override
                public String where(ConnectionKey key) {
                    return "memory " + key;
                }
            };
        }
    }

    @Test
    void aHostTakingAConnectionOverStartsFromTheMarksItsPreviousOwnerWroteToTheSharedStore() {
        SharedStore store = new SharedStore();
        Ledger a = new Ledger(Optional.empty(), 10, time.clock());
        a.share(store.as("a"));
        Ledger b = new Ledger(Optional.empty(), 10, time.clock());
        b.share(store.as("b"));
        b.reload(ACME);
        assertThat(b.snapshot(ACME).known()).as("nobody wrote it yet").isFalse();
        assertThat(b.snapshot(ACME).unknownBecause()).contains("no shared ledger at memory");

        a.handled(ACME, "C1", "100", time.instant());
        a.handled(ACME, "C2", "200", time.instant());
        a.flush(ACME);
        store.owner = "b"; // a's lease is gone: what it writes from now on is refused
        a.handled(ACME, "C1", "150", time.instant());
        a.flush(ACME);

        b.reload(ACME);
        Ledger.Snapshot s = b.snapshot(ACME);
        assertThat(s.known()).isTrue();
        assertThat(s.channels()).containsEntry("C1", new ChannelMark("100", time.instant()))
                .containsEntry("C2", new ChannelMark("200", time.instant()));
        assertThat(Files.exists(state.resolve("backfill"))).as("nothing in a state folder").isFalse();
    }

    @Test
    void aDamagedSharedLedgerMeansReportNotBackfillAndTheNextWriteReplacesIt() {
        SharedStore store = new SharedStore();
        store.data.put(ACME, "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Ledger a = new Ledger(Optional.empty(), 10, time.clock());
        a.share(store.as("a"));
        a.reload(ACME);
        assertThat(a.snapshot(ACME).unknownBecause()).contains("the shared ledger memory").contains("is unreadable");
        a.handled(ACME, "C1", "100", time.instant());
        a.flush(ACME);
        Ledger b = new Ledger(Optional.empty(), 10, time.clock());
        b.share(store.as("b"));
        b.reload(ACME);
        assertThat(b.snapshot(ACME).channels()).containsKey("C1");
    }
}
