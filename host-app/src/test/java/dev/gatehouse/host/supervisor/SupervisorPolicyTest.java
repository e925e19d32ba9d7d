package dev.gatehouse.host.supervisor;

import static dev.gatehouse.host.status.ConnectionState.BACKING_OFF;
import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static dev.gatehouse.host.status.ConnectionState.FAILED;
import static dev.gatehouse.host.status.ConnectionState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.ReconnectResult;
import dev.gatehouse.host.testing.DrivenTransport;
import dev.gatehouse.host.testing.DrivenTransport.OpenMode;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed system's failure scenarios (S1–S16 of notes/seed-scenarios.md) against the supervisor, on
 * fake time. Every test ends by checking that no instant had two live connections.
 */
class SupervisorPolicyTest {

    private final FakeTime time = new FakeTime();
    private final DrivenTransport transport = new DrivenTransport(time);
    private final RecordingListener events = new RecordingListener();
    private final RecordingExit exit = new RecordingExit();
    private HealthPolicy policy = HealthPolicy.defaults();
    private double jitter = 1.0;
    private Supervisor sup;

    private Supervisor start() {
        sup = new Supervisor(new ConnectionKey("acme", "slack"), transport, policy, time, Runnable::run, time, time, time.clock(),
                () -> jitter, exit, events);
        sup.start();
        time.runDue();
        return sup;
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    @AfterEach
    void atMostTwoLiveConnectionsAndTwoOnlyDuringAHandover() {
        // A planned reconnect (manual, flap) of a connected connection opens the new one before closing
        // the old one: two at once then, and only then.
        long planned = events.count(ReconnectKind.MANUAL) + events.count(ReconnectKind.FLAP);
        assertThat(transport.maxLive()).as("live connections at once").isLessThanOrEqualTo(planned > 0 ? 2 : 1);
        assertThat(transport.overlappingOpens()).as("opens beside a live connection: only a handover's")
                .isLessThanOrEqualTo((int) planned);
        assertThat(transport.live()).as("live connections at the end").isLessThanOrEqualTo(1);
    }

    @Test
    void idleConnectedWorkspaceIsNeverReconnected() {
        start();
        List<String> withheld = new ArrayList<>();
        time.advanceBy(Duration.ofMinutes(30), s(10), () -> {
            if (sup.heartbeatWithheldBecause() != null) {
                withheld.add(time.elapsed() + " " + sup.heartbeatWithheldBecause());
            }
        });
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(transport.opens()).isEqualTo(1);
        assertThat(events.reconnects).isEmpty();
        assertThat(withheld).isEmpty();
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED");
    }

    @Test
    void blipsShorterThanTheStaleThresholdNeverForceAReconnect() {
        start();
        time.advance(s(30));
        transport.current().health.markDisconnected("abrupt close");
        time.advance(s(20));
        transport.current().health.markConnected(false);
        time.advance(s(100));
        transport.current().health.markDisconnected("abrupt close");
        time.advance(s(170));
        assertThat(sup.heartbeatWithheldBecause()).isNull();
        transport.current().health.markConnected(false);
        time.advance(Duration.ofMinutes(10));

        assertThat(transport.opens()).isEqualTo(1);
        assertThat(sup.status().forcedReconnects()).isZero();
        assertThat(sup.status().libraryReconnects()).isEqualTo(2);
        assertThat(sup.status().disconnectedSince()).isNull();
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED",
                "CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTED", "CONNECTED->DISCONNECTED", "DISCONNECTED->CONNECTED");
    }

    @Test
    void downPastTheStaleThresholdForcesExactlyOneReconnectAtTheFirstTickAfter() {
        start();
        time.advance(s(45));
        transport.current().health.markDisconnected("half-open");
        Duration downAt = time.elapsed();
        time.advance(Duration.ofMinutes(10));

        assertThat(transport.opens()).isEqualTo(2);
        Duration reconnectAt = transport.openTimes.get(1).minus(downAt);
        assertThat(reconnectAt).isGreaterThan(s(180)).isLessThanOrEqualTo(s(240));
        assertThat(sup.status().forcedReconnects()).isEqualTo(1);
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.status().epoch()).isEqualTo(2);
        assertThat(sup.status().consecutiveFailures()).isZero();
        assertThat(transport.connections.get(0).closed).isTrue();
        assertThat(events.transitions).containsExactly("STOPPED->CONNECTING", "CONNECTING->CONNECTED",
                "CONNECTED->DISCONNECTED", "DISCONNECTED->RECONNECTING", "RECONNECTING->CONNECTED");
    }

    @Test
    void theHeartbeatIsWithheldOnceAStaleConnectionFindsTheNetworkUp() {
        start();
        transport.mode = OpenMode.THROW;
        transport.current().health.markDisconnected("half-open");
        time.advance(s(239));
        assertThat(sup.heartbeatWithheldBecause()).as("stale, but the network was not probed yet").isNull();
        time.advance(s(1));
        assertThat(transport.opens()).as("the tick found it stale with the network up").isEqualTo(2);
        assertThat(sup.status().state()).isEqualTo(BACKING_OFF);
        assertThat(sup.heartbeatWithheldBecause()).contains("backing off");
        assertThat(sup.status().heartbeatWithheldBecause()).contains("backing off");
    }

    @Test
    void networkDownForAnHourMakesNoAttemptAndNeverWithholdsTheHeartbeat() {
        start();
        transport.current().health.markDisconnected("socket closed");
        transport.networkUp = false;
        List<String> withheld = new ArrayList<>();
        time.advanceBy(Duration.ofHours(1), s(5), () -> {
            if (sup.heartbeatWithheldBecause() != null && time.elapsed().compareTo(s(190)) > 0) {
                withheld.add(time.elapsed() + " " + sup.heartbeatWithheldBecause());
            }
        });
        assertThat(transport.opens()).isEqualTo(1);
        assertThat(exit.requests).isEmpty();
        assertThat(sup.status().networkDown()).isTrue();
        assertThat(sup.status().consecutiveFailures()).isZero();
        assertThat(withheld).isEmpty();
        assertThat(transport.probes).as("probes every 10 s while down").isBetween(330, 360);

        transport.networkUp = true;
        time.advance(s(10));
        assertThat(transport.opens()).as("reconnect on the first tick after recovery").isEqualTo(2);
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.status().networkDown()).isFalse();
        int probesAfterRecovery = transport.probes;
        time.advance(Duration.ofMinutes(10));
        assertThat(transport.probes).as("back to 60 s ticks and no probe while healthy").isEqualTo(probesAfterRecovery);
    }

    @Test
    void aRevokedTokenFailsOnceWithoutALoopAndWithoutWithholdingTheHeartbeat() {
        start();
        transport.current().health.markFatal("token_revoked: the bot token was revoked; install the app again");
        time.advanceBy(Duration.ofHours(1), s(30), () -> assertThat(sup.heartbeatWithheldBecause()).isNull());
        assertThat(sup.status().state()).isEqualTo(FAILED);
        assertThat(sup.status().lastError()).contains("token_revoked");
        assertThat(transport.opens()).isEqualTo(1);
        assertThat(transport.connections.get(0).closed).isTrue();
        assertThat(exit.requests).isEmpty();
    }

    @Test
    void aFatalErrorWhileOpeningStopsAtTheFirstAttempt() {
        transport.mode = OpenMode.FATAL;
        start();
        time.advance(Duration.ofHours(1));
        assertThat(sup.status().state()).isEqualTo(FAILED);
        assertThat(transport.opens()).isEqualTo(1);
        assertThat(exit.requests).isEmpty();
    }

    @Test
    void failingReconnectsFollowTheBackoffScheduleThenExitWithTheDistinctCode() {
        start();
        transport.mode = OpenMode.THROW;
        transport.current().health.markDisconnected("socket closed");
        Duration downAt = time.elapsed();
        time.advance(Duration.ofMinutes(20));

        assertThat(transport.opens()).isEqualTo(7);
        List<Long> offsets = new ArrayList<>();
        Duration first = transport.openTimes.get(1);
        for (int i = 1; i < transport.openTimes.size(); i++) {
            offsets.add(transport.openTimes.get(i).minus(first).toSeconds());
        }
        assertThat(first.minus(downAt)).isGreaterThan(s(180)).isLessThanOrEqualTo(s(240));
        assertThat(offsets).containsExactly(0L, 10L, 30L, 70L, 150L, 310L);
        assertThat(exit.requests).hasSize(1);
        assertThat(exit.requests.get(0).code()).isEqualTo(ExitCodes.RECONNECTS_EXHAUSTED).isNotIn(0, 1);
        assertThat(exit.requests.get(0).reason()).contains("6 consecutive failed").contains("connection refused");
        assertThat(sup.status().state()).isEqualTo(STOPPED);
    }

    @Test
    void backoffUsesFullJitterFromTheInjectedSource() {
        jitter = 0.25;
        start();
        transport.mode = OpenMode.THROW;
        transport.current().health.markDisconnected("socket closed");
        time.advance(Duration.ofMinutes(20));
        List<Long> gaps = new ArrayList<>();
        for (int i = 2; i < transport.openTimes.size(); i++) {
            gaps.add(transport.openTimes.get(i).minus(transport.openTimes.get(i - 1)).toMillis());
        }
        assertThat(gaps).containsExactly(2500L, 5000L, 10_000L, 20_000L, 40_000L);
    }

    @Test
    void aTickReconnectRacingAManualReconnectOpensExactlyOnce() {
        start();
        transport.current().health.markDisconnected("socket closed");
        transport.manualProbes = true;
        time.advance(s(240));
        assertThat(transport.pendingProbes).hasSize(1);
        CompletionStage<ReconnectResult> manual = sup.reconnect();
        assertThat(transport.pendingProbes).hasSize(2);
        transport.pendingProbes.forEach(p -> p.complete(true));
        time.runDue();

        assertThat(transport.opens()).isEqualTo(2);
        assertThat(manual.toCompletableFuture().join()).isEqualTo(ReconnectResult.ALREADY_IN_PROGRESS);
        assertThat(sup.reconnect().toCompletableFuture().getNow(null)).isNull();
        transport.pendingProbes.get(2).complete(true);
        time.runDue();
        assertThat(transport.opens()).as("a manual reconnect of a healthy connection opens once more").isEqualTo(3);
        assertThat(sup.status().manualReconnects()).isEqualTo(1);
    }

    @Test
    void aManualReconnectIsRefusedWhileTheNetworkIsDown() {
        start();
        transport.networkUp = false;
        assertThat(sup.reconnect().toCompletableFuture().join()).isEqualTo(ReconnectResult.NETWORK_DOWN);
        assertThat(transport.opens()).isEqualTo(1);
    }

    @Test
    void aLateSignalFromASupersededEpochIsIgnored() {
        start();
        DrivenTransport.Conn first = transport.current();
        first.health.markDisconnected("half-open");
        time.advance(s(240));
        assertThat(sup.status().epoch()).isEqualTo(2);
        assertThat(sup.status().state()).isEqualTo(CONNECTED);

        first.health.markDisconnected("late close of the old socket");
        first.health.markFatal("late fatal from the old client");
        assertThat(first.health.isCurrent()).isFalse();
        assertThat(transport.current().health.isCurrent()).isTrue();
        time.advance(Duration.ofMinutes(10));
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(sup.status().forcedReconnects()).isEqualTo(1);
        assertThat(transport.opens()).isEqualTo(2);
    }

    @Test
    void connectedSignalledAfterOpenReturnsGivesTheSameOutcome() {
        transport.mode = OpenMode.RETURN_ONLY;
        transport.onOpen(a -> {
            time.schedule(s(2), () -> a.health().markConnected(false));
            return null;
        });
        start();
        time.advance(Duration.ofMinutes(30));
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
        assertThat(transport.opens()).isEqualTo(1);
        assertThat(events.reconnects).isEmpty();
    }

    @Test
    void connectedSignalledThenLostBeforeOpenReturnsIsNotConnected() {
        transport.mode = OpenMode.RETURN_ONLY;
        transport.onOpen(a -> {
            a.health().markConnected(false);
            a.health().markDisconnected("dropped right after hello");
            time.schedule(s(1), () -> a.health().markConnected(false));
            return null;
        });
        start();
        assertThat(sup.status().state()).isNotEqualTo(CONNECTED);
        time.advance(s(1));
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
    }

    @Test
    void aMissingConnectedSignalIsAClearFailedAttemptNotAReconnectEveryTick() {
        transport.mode = OpenMode.RETURN_ONLY;
        start();
        time.advance(s(31));
        assertThat(sup.status().state()).isEqualTo(BACKING_OFF);
        assertThat(sup.status().lastError()).contains("opened, but not connected within 30 s");
        assertThat(transport.connections.get(0).closed).isTrue();
        time.advance(Duration.ofMinutes(2));
        assertThat(transport.opens()).as("attempts follow the backoff, not the tick").isLessThanOrEqualTo(3);
    }

    @Test
    void flappingIsDetectedAndReconnectedOncePerWindow() {
        start();
        for (int cycle = 0; cycle < 3600 / 160; cycle++) {
            transport.current().health.markDisconnected("flap");
            time.advance(s(150));
            transport.current().health.markConnected(false);
            time.advance(s(10));
        }
        assertThat(sup.status().forcedReconnects()).isZero();
        assertThat(sup.status().flapReconnects()).isBetween(4L, 6L);
        assertThat(events.count(ReconnectKind.FLAP)).isEqualTo(sup.status().flapReconnects());
    }

    @Test
    void flapDetectionCanBeTurnedOff() {
        policy = new HealthPolicy(policy.checkInterval(), policy.fastCheckInterval(), policy.staleAfter(),
                policy.maxReconnectAttempts(), policy.backoffBase(), policy.backoffCap(), policy.closeTimeout(),
                policy.openTimeout(), policy.outageReportAfter(), policy.probeTimeout(), false, policy.flapWindow(),
                policy.flapDownRatio(), policy.stormGuard(), policy.stormMaxDisconnects(), policy.stormWindow());
        start();
        for (int cycle = 0; cycle < 3600 / 160; cycle++) {
            transport.current().health.markDisconnected("flap");
            time.advance(s(150));
            transport.current().health.markConnected(false);
            time.advance(s(10));
        }
        assertThat(sup.status().flapReconnects()).isZero();
        assertThat(transport.opens()).isEqualTo(1);
    }

    @Test
    void aStormOfLibraryReconnectsMakesTheHostBackOff() {
        start();
        for (int i = 0; i < 50 && sup.status().state() != BACKING_OFF; i++) {
            transport.current().health.markDisconnected("closed right after hello");
            transport.current().health.markConnected(true);
        }
        assertThat(sup.status().state()).isEqualTo(BACKING_OFF);
        assertThat(sup.status().stormReconnects()).isEqualTo(1);
        assertThat(sup.status().lastError()).contains("reconnect storm: 11 socket losses");
        time.runDue();
        assertThat(transport.connections.get(0).closed).isTrue();
        time.advance(s(10));
        assertThat(transport.opens()).as("reopened under the host's backoff").isEqualTo(2);
        assertThat(sup.status().state()).isEqualTo(CONNECTED);
    }

    @Test
    void anOutageOfElevenMinutesIsReportedOnce() {
        start();
        transport.current().health.markDisconnected("network outage");
        transport.networkUp = false;
        time.advance(Duration.ofMinutes(11));
        transport.networkUp = true;
        transport.current().health.markConnected(false);
        time.advance(Duration.ofMinutes(5));
        assertThat(events.outages).hasSize(1);
        assertThat(events.outages.get(0).gap()).isEqualTo(Duration.ofMinutes(11));
        assertThat(sup.status().lastOutage()).isEqualTo(events.outages.get(0));
    }

    @Test
    void anOutageOfNineMinutesIsNotReported() {
        start();
        transport.current().health.markDisconnected("network outage");
        transport.networkUp = false;
        time.advance(Duration.ofMinutes(9));
        transport.current().health.markConnected(false);
        assertThat(events.outages).isEmpty();
    }

    @Test
    void aResumedReconnectAfterElevenMinutesIsNotReported() {
        start();
        transport.current().health.markDisconnected("network outage");
        transport.networkUp = false;
        time.advance(Duration.ofMinutes(11));
        transport.current().health.markConnected(true);
        assertThat(events.outages).isEmpty();
        assertThat(sup.status().libraryReconnects()).isEqualTo(1);
    }

    @Test
    void aForcedReconnectAfterALongOutageIsReported() {
        start();
        transport.current().health.markDisconnected("network outage");
        transport.networkUp = false;
        time.advance(Duration.ofMinutes(12));
        transport.networkUp = true;
        time.advance(s(10));
        assertThat(sup.status().epoch()).isEqualTo(2);
        assertThat(events.outages).hasSize(1);
        assertThat(events.outages.get(0).gap()).isGreaterThan(Duration.ofMinutes(12));
    }

    @Test
    void anUnhookableTransportFallsBackToEventRecency() {
        transport.onOpen(a -> {
            a.health().markTransportNotHookable("no lifecycle listener on this client");
            return null;
        });
        start();
        assertThat(sup.status().transportHookable()).isFalse();
        time.advance(s(150));
        transport.current().health.markAlive();
        time.advance(s(150));
        assertThat(transport.opens()).as("recent sign of life").isEqualTo(1);
        time.advance(s(90));
        assertThat(transport.opens()).as("the old behaviour: quiet past staleAfter").isEqualTo(2);
        assertThat(sup.status().forcedReconnects()).isEqualTo(1);
    }

    @Test
    void stopClosesTheConnectionAndCompletes() {
        start();
        CompletionStage<Void> stopped = sup.stop("disabled by operator");
        time.runDue();
        assertThat(stopped.toCompletableFuture()).isCompleted();
        assertThat(transport.current().closed).isTrue();
        assertThat(transport.live()).isZero();
        assertThat(sup.status().state()).isEqualTo(STOPPED);
        time.advance(Duration.ofHours(1));
        assertThat(transport.opens()).isEqualTo(1);
    }

    @Test
    void aSocketCountAboveOursIsReportedInStatus() {
        start();
        transport.current().health.reportOpenSockets(1);
        transport.current().health.reportServerConnectionCount(3);
        assertThat(sup.status().sockets()).isEqualTo(1);
        assertThat(sup.status().serverConnections()).isEqualTo(3);
    }

    @Test
    void theDisconnectedStateIsVisibleWhileTheLibraryHeals() {
        start();
        transport.current().health.markDisconnected("abrupt close");
        assertThat(sup.status().state()).isEqualTo(DISCONNECTED);
        assertThat(sup.status().disconnectedSince()).isEqualTo(time.instant());
    }
}
