package dev.gatehouse.host.supervisor;

import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static dev.gatehouse.host.status.ConnectionState.FAILED;
import static dev.gatehouse.host.status.ConnectionState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.HandoverResult.Outcome;
import dev.gatehouse.host.testing.DrivenTransport;
import dev.gatehouse.host.testing.DrivenTransport.Conn;
import dev.gatehouse.host.testing.DrivenTransport.OpenMode;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Make before break, on fake time: a planned reconnect of a connected connection opens the new one
 * first, closes the old one only once the new one is connected, and keeps the old one if the new one
 * fails. Every test ends by checking that no instant had more than two live connections, that two were
 * live only while a handover ran, and that at most one is left.
 */
class SupervisorHandoverTest {

    private final FakeTime time = new FakeTime();
    private final DrivenTransport transport = new DrivenTransport(time);
    private final RecordingListener events = new RecordingListener();
    private final RecordingExit exit = new RecordingExit();
    private int handovers;
    private Supervisor sup;

    private Supervisor start() {
        sup = new Supervisor(new ConnectionKey("gamers", "discord"), transport, HealthPolicy.defaults(), time, Runnable::run,
                time, time, time.clock(), () -> 1.0, exit, events);
        sup.start();
        time.runDue();
        return sup;
    }

    private CompletableFuture<HandoverResult> handover() {
        handovers++;
        CompletionStage<HandoverResult> r = sup.handover(transport, "plugin swap");
        time.runDue();
        return r.toCompletableFuture();
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    @AfterEach
    void atMostTwoLiveConnectionsAndTwoOnlyDuringAHandover() {
        long planned = handovers + events.count(ReconnectKind.MANUAL) + events.count(ReconnectKind.FLAP);
        assertThat(transport.maxLive()).as("live connections at once").isLessThanOrEqualTo(2);
        assertThat(transport.overlappingOpens()).as("opens beside a live connection: only a handover's")
                .isLessThanOrEqualTo((int) planned);
        assertThat(transport.live()).as("live connections once the handovers ended").isLessThanOrEqualTo(1);
    }

    @Test
    void plannedReconnectOpensTheNewBeforeClosingTheOld() {
        start();
        Conn old = transport.current();
        transport.mode = OpenMode.RETURN_ONLY;
        sup.reconnect();
        time.runDue();

        assertThat(transport.opens()).isEqualTo(2);
        assertThat(old.closed).as("the old connection serves until the new one is connected").isFalse();
        assertThat(transport.live()).isEqualTo(2);
        assertThat(sup.liveConnection()).isSameAs(old);
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.reconnect().toCompletableFuture().join()).isEqualTo(ReconnectResult.ALREADY_IN_PROGRESS);

        Conn next = transport.current();
        next.health.markConnected(false);
        time.runDue();

        assertThat(transport.calls).containsExactly("open 1", "open 2", "close 1");
        assertThat(old.closed).isTrue();
        assertThat(sup.liveConnection()).isSameAs(next);
        assertThat(sup.status().epoch()).isEqualTo(2);
        assertThat(sup.status().manualReconnects()).isEqualTo(1);
        assertThat(events.transitions).as("no state change: connected throughout")
                .containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
    }

    @Test
    void aDisconnectedConnectionIsReconnectedBreakFirst() {
        start();
        Conn old = transport.current();
        old.health.markDisconnected("abrupt close");
        sup.reconnect();
        time.runDue();
        assertThat(transport.calls).as("nothing live to keep: the old one closes first").containsExactly("open 1", "close 1", "open 2");
        assertThat(transport.overlappingOpens()).isZero();
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
    }

    @Test
    void failedHandoverKeepsTheOld() {
        start();
        Conn old = transport.current();
        transport.mode = OpenMode.THROW;
        HandoverResult refused = handover().join();
        assertThat(refused.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(refused.detail()).contains("connection refused");

        transport.mode = OpenMode.RETURN_ONLY;
        CompletableFuture<HandoverResult> silent = handover();
        time.advance(s(29));
        assertThat(silent).as("still waiting for the new connection").isNotDone();
        time.advance(s(1));
        assertThat(silent.join().detail()).contains("not connected within 30 s");
        assertThat(transport.current().closed).as("the candidate that never connected").isTrue();

        time.advance(Duration.ofMinutes(10));
        assertThat(transport.opens()).as("a failed handover is not retried").isEqualTo(3);
        assertThat(old.closed).isFalse();
        assertThat(sup.liveConnection()).isSameAs(old);
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.status().consecutiveFailures()).isZero();
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
    }

    @Test
    void theOldConnectionStaysInChargeUntilThePromotion() {
        start();
        Conn old = transport.current();
        transport.mode = OpenMode.RETURN_ONLY;
        CompletableFuture<HandoverResult> r = handover();
        old.health.markDisconnected("abrupt close");
        time.runDue();
        assertThat(sup.status().state()).as("the old one's signals count until it is replaced").isEqualTo(DISCONNECTED);

        transport.current().health.markConnected(false);
        time.runDue();
        assertThat(r.join().handedOver()).isTrue();
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.status().disconnectedSince()).isNull();
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED",
                "CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTED");
    }

    @Test
    void supersededSignalsIgnoredAfterPromotion() {
        start();
        Conn old = transport.current();
        assertThat(handover().join().handedOver()).isTrue();
        assertThat(old.closed).isTrue();
        assertThat(old.health.isCurrent()).isFalse();
        assertThat(transport.current().health.isCurrent()).isTrue();

        old.health.markDisconnected("late close of the old socket");
        old.health.markFatal("late fatal from the old client");
        time.advance(Duration.ofMinutes(10));
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.status().epoch()).isEqualTo(2);
        assertThat(transport.opens()).isEqualTo(2);
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
    }

    @Test
    void handoverReportsNoOutage() {
        start();
        for (int i = 0; i < 20; i++) {
            time.advance(s(6));
            assertThat(handover().join().outcome()).isEqualTo(Outcome.HANDED_OVER);
        }
        assertThat(events.outages).isEmpty();
        assertThat(sup.status().lastOutage()).isNull();
        assertThat(sup.status().disconnectedSince()).isNull();
        assertThat(sup.status().epoch()).isEqualTo(21);
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
        assertThat(sup.heartbeatWithheldBecause()).isNull();
    }

    @Test
    void stopDuringHandoverClosesBoth() {
        start();
        Conn old = transport.current();
        transport.mode = OpenMode.RETURN_ONLY;
        CompletableFuture<HandoverResult> r = handover();
        assertThat(transport.live()).isEqualTo(2);

        CompletableFuture<Void> stopped = sup.stop("disabled by an operator").toCompletableFuture();
        time.runDue();
        assertThat(stopped).isCompleted();
        assertThat(old.closed).isTrue();
        assertThat(transport.current().closed).isTrue();
        assertThat(transport.live()).isZero();
        assertThat(r.join().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(sup.status().state()).isEqualTo(STOPPED);
        transport.current().health.markConnected(false);
        time.advance(Duration.ofHours(1));
        assertThat(transport.opens()).isEqualTo(2);
        assertThat(sup.status().state()).isEqualTo(STOPPED);
    }

    @Test
    void aHandoverWaitsOutThePlatformsSessionStartInterval() {
        transport.minimumOpenInterval = s(5);
        start();
        time.advance(Duration.ofMillis(1500));
        CompletableFuture<HandoverResult> r = handover();
        time.advance(Duration.ofMillis(3499));
        assertThat(transport.opens()).as("5 s after the previous session start at the earliest").isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        assertThat(transport.opens()).isEqualTo(2);
        assertThat(r.join().handedOver()).isTrue();
    }

    @Test
    void theIntervalCountsFromTheLastFreshSessionTheLibraryStartedOnItsOwn() {
        transport.minimumOpenInterval = s(5);
        start();
        time.advance(s(3));
        transport.current().health.markConnected(false); // e.g. JDA identified again after op 9
        time.advance(s(3));
        CompletableFuture<HandoverResult> r = handover();
        time.advance(Duration.ofMillis(1999));
        assertThat(transport.opens()).as("5 s after that session's start at the earliest").isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        assertThat(transport.opens()).isEqualTo(2);
        assertThat(r.join().handedOver()).isTrue();
    }

    @Test
    void aHandoverOfAConnectionThatIsNotConnectedDoesNothing() {
        start();
        transport.current().health.markDisconnected("abrupt close");
        assertThat(handover().join().outcome()).isEqualTo(Outcome.NOT_CONNECTED);
        sup.stop("disabled");
        time.runDue();
        assertThat(handover().join().outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(transport.opens()).isEqualTo(1);
    }

    @Test
    void aFatalOldConnectionDuringAHandoverEndsTheCandidateToo() {
        start();
        Conn old = transport.current();
        transport.mode = OpenMode.RETURN_ONLY;
        CompletableFuture<HandoverResult> r = handover();
        old.health.markFatal("token revoked");
        time.runDue();
        assertThat(r.join().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.join().detail()).contains("abandoned");
        assertThat(old.closed).isTrue();
        assertThat(transport.current().closed).isTrue();
        assertThat(sup.status().state()).isEqualTo(FAILED);
        transport.current().health.markConnected(false);
        time.advance(Duration.ofHours(1));
        assertThat(sup.status().state()).isEqualTo(FAILED);
        assertThat(transport.opens()).isEqualTo(2);
    }
}
