package dev.gatehouse.discord;

import static net.dv8tion.jda.api.JDA.Status.AWAITING_LOGIN_CONFIRMATION;
import static net.dv8tion.jda.api.JDA.Status.CONNECTED;
import static net.dv8tion.jda.api.JDA.Status.DISCONNECTED;
import static net.dv8tion.jda.api.JDA.Status.IDENTIFYING_SESSION;
import static net.dv8tion.jda.api.JDA.Status.LOADING_SUBSYSTEMS;
import static net.dv8tion.jda.api.JDA.Status.RECONNECT_QUEUED;
import static net.dv8tion.jda.api.JDA.Status.WAITING_TO_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.Test;

/** The health mapping and the plugin's own detectors, on fake time with JDA's event sequences from the note. */
class TransportMonitorTest {

    private static final Duration INTERVAL = Duration.ofMillis(1000);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RecordingHealth health = new RecordingHealth();
    private final AtomicInteger drops = new AtomicInteger();
    private volatile JDA.Status jdaStatus = JDA.Status.CONNECTED;
    private final TransportMonitor monitor = new TransportMonitor("discord/acme epoch 1", health, drops::incrementAndGet,
            now::get, 2.0, Duration.ofSeconds(10), code -> FatalCloses.explain(code, "workspaces.acme.discord", Set.of()),
            () -> jdaStatus);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** HELLO, IDENTIFY, READY, then heartbeats ACKed every interval (the first one at once). */
    private void connectWithHeartbeats(int acks) {
        monitor.status(IDENTIFYING_SESSION);
        monitor.status(AWAITING_LOGIN_CONFIRMATION);
        monitor.status(LOADING_SUBSYSTEMS);
        monitor.sessionStarted(false);
        monitor.status(CONNECTED);
        for (int i = 0; i < acks; i++) {
            if (i > 0) {
                advance(INTERVAL);
            }
            monitor.heartbeatAcked();
            monitor.check();
        }
    }

    /** Advances in check-sized steps, running the periodic check after each. */
    private void runFor(Duration total) {
        for (long t = 0; t < total.toMillis(); t += 100) {
            advance(Duration.ofMillis(100));
            monitor.check();
        }
    }

    /** As {@link #runFor}, with the heartbeat ACKed every interval (a healthy socket). */
    private void runWithAcks(Duration total) {
        for (long t = 100; t <= total.toMillis(); t += 100) {
            advance(Duration.ofMillis(100));
            if (t % INTERVAL.toMillis() == 0) {
                monitor.heartbeatAcked();
            }
            monitor.check();
        }
    }

    @Test
    void readyMeansConnectedNotResumedAndResumedMeansResumed() {
        connectWithHeartbeats(1);
        monitor.status(DISCONNECTED);
        monitor.lossExplained("gateway socket lost: 1002 'No more WebSocket frame from the server.'");
        monitor.status(WAITING_TO_RECONNECT);
        monitor.status(IDENTIFYING_SESSION);
        monitor.sessionStarted(true);
        assertThat(health.signals).containsExactly("connected",
                "disconnected: gateway socket lost: 1002 'No more WebSocket frame from the server.'", "connected (resumed)");
        assertThat(health.sockets).isEqualTo(1);
        assertThat(health.alive).isEqualTo(1);
    }

    @Test
    void oneSocketLossIsReportedOnceWhateverJdaSaysAboutIt() {
        connectWithHeartbeats(1);
        // op 9 false: SessionInvalidateEvent twice (ignored upstream), DISCONNECTED, SessionDisconnectEvent,
        // RECONNECT_QUEUED, WAITING_TO_RECONNECT: one loss
        monitor.status(DISCONNECTED);
        assertThat(health.sockets).isZero();
        monitor.lossExplained("gateway socket lost: 1000 'INVALIDATE_SESSION'");
        monitor.status(RECONNECT_QUEUED);
        monitor.status(WAITING_TO_RECONNECT);
        runFor(Duration.ofSeconds(3));
        assertThat(health.disconnects()).isEqualTo(1);
    }

    @Test
    void aLossJdaNeverExplainsIsReportedAfterASecond() {
        connectWithHeartbeats(1);
        monitor.status(DISCONNECTED);
        runFor(Duration.ofMillis(900));
        assertThat(health.disconnects()).isZero();
        runFor(Duration.ofMillis(300));
        assertThat(health.signals).containsExactly("connected", "disconnected: gateway socket closed (JDA gave no reason)");
    }

    @Test
    void aLossIsStillReportedWhenJdaGoesStraightToTheNextSocket() {
        connectWithHeartbeats(1);
        monitor.status(DISCONNECTED);
        monitor.status(IDENTIFYING_SESSION);
        assertThat(health.signals).containsExactly("connected", "disconnected: gateway socket closed");
    }

    @Test
    void eachSocketOfAHotReconnectLoopCountsAsOneLoss() {
        connectWithHeartbeats(1);
        for (int i = 0; i < 12; i++) {
            monitor.status(DISCONNECTED);
            monitor.lossExplained("gateway socket lost: 1002");
            monitor.status(WAITING_TO_RECONNECT);
            monitor.status(IDENTIFYING_SESSION);
            monitor.status(AWAITING_LOGIN_CONFIRMATION);
        }
        assertThat(health.disconnects()).isEqualTo(12);
    }

    @Test
    void refusedConnectsWithoutASocketAreNoFurtherLosses() {
        connectWithHeartbeats(1);
        monitor.status(DISCONNECTED);
        monitor.lossExplained("gateway socket lost: 1002");
        for (int i = 0; i < 5; i++) {
            monitor.status(WAITING_TO_RECONNECT);
            monitor.status(JdaStatus.ATTEMPTING);
        }
        assertThat(health.disconnects()).isEqualTo(1);
    }

    @Test
    void noAckForTwoObservedIntervalsIsAZombieReportedOnceAndDropped() {
        connectWithHeartbeats(5);
        runFor(Duration.ofMillis(1900));
        assertThat(drops).hasValue(0);
        runFor(Duration.ofMillis(200));
        assertThat(drops).hasValue(1);
        assertThat(health.signals).hasSize(2).last().asString()
                .startsWith("disconnected: zombie gateway socket: no heartbeat ACK for 2")
                .contains("2.0 x the observed heartbeat interval of 1000 ms");
        // JDA now loses the socket it was told to drop: no second report for it
        monitor.status(DISCONNECTED);
        monitor.lossExplained("gateway socket lost: 1002");
        monitor.status(WAITING_TO_RECONNECT);
        runFor(Duration.ofSeconds(5));
        assertThat(health.disconnects()).isEqualTo(1);
        assertThat(drops).hasValue(1);
    }

    @Test
    void theResumedSocketIsWatchedAfresh() {
        connectWithHeartbeats(5);
        runFor(Duration.ofMillis(2100));
        monitor.status(DISCONNECTED);
        monitor.lossExplained("gateway socket lost: 1002");
        monitor.status(IDENTIFYING_SESSION);
        monitor.heartbeatAcked(); // the first heartbeat on HELLO, answered
        monitor.sessionStarted(true);
        runFor(Duration.ofMillis(900));
        monitor.heartbeatAcked();
        runFor(Duration.ofMillis(1000));
        monitor.heartbeatAcked();
        runFor(Duration.ofMillis(1500));
        assertThat(drops).hasValue(1);
        assertThat(health.signals).last().isEqualTo("connected (resumed)");
    }

    @Test
    void noZombieVerdictBeforeTheIntervalIsKnown() {
        connectWithHeartbeats(1);
        runFor(Duration.ofSeconds(20));
        assertThat(drops).hasValue(0);
        assertThat(health.disconnects()).isZero();
    }

    @Test
    void aSocketThatNeverAcksIsDroppedOnceTheIntervalIsKnown() {
        connectWithHeartbeats(4); // three gaps: the interval is known
        monitor.status(DISCONNECTED);
        monitor.lossExplained("gateway socket lost: 1002");
        monitor.status(IDENTIFYING_SESSION); // black-holed from the upgrade on: no HELLO, no ACK
        runFor(Duration.ofMillis(2100));
        assertThat(drops).hasValue(1);
        assertThat(health.disconnects()).isEqualTo(2);
    }

    @Test
    void closeCodesRetryingCannotFixAreFatalWithWhatToDo() {
        monitor.status(IDENTIFYING_SESSION);
        monitor.status(AWAITING_LOGIN_CONFIRMATION);
        monitor.status(DISCONNECTED);
        monitor.shutDown(4004);
        runFor(Duration.ofSeconds(2));
        assertThat(health.signals).singleElement().asString().startsWith("fatal: Discord rejected the bot token (close 4004");
    }

    @Test
    void jdaShuttingDownForAnyOtherReasonIsADisconnect() {
        connectWithHeartbeats(1);
        monitor.shutDown(1006);
        runFor(Duration.ofSeconds(30));
        assertThat(health.signals).containsExactly("connected",
                "disconnected: JDA shut down after close code 1006 and will not reconnect by itself");
    }

    /**
     * JDA 6.5.0 can stop for good after its own zombie close: nv-websocket's late interrupt of the reading thread,
     * which runs JDA's reconnect, makes JDA take it for a shutdown (platform-sim's JdaGatewayFaultTest forces it).
     * Its ShutdownEvent then carries 1000, as a shutdown we asked for would, but our close never began.
     */
    @Test
    void jdaShuttingItselfDownWithCode1000OutsideOurCloseIsADisconnect() {
        connectWithHeartbeats(3);
        monitor.status(DISCONNECTED);
        monitor.shutDown(1000);
        runFor(Duration.ofSeconds(30));
        assertThat(health.signals).containsExactly("connected",
                "disconnected: JDA shut down after close code 1000 and will not reconnect by itself");
    }

    @Test
    void nothingIsReportedOnceOurCloseBegan() {
        connectWithHeartbeats(5);
        monitor.closing();
        monitor.status(JdaStatus.SHUTTING_DOWN);
        monitor.status(DISCONNECTED);
        monitor.shutDown(1000);
        runFor(Duration.ofSeconds(5));
        assertThat(health.signals).containsExactly("connected");
        assertThat(drops).hasValue(0);
    }

    @Test
    void aHostToldConnectedIsToldDisconnectedWhenJdaHasNoSessionForTheLoginTimeout() {
        connectWithHeartbeats(3);
        // JDA lost its session without any event reaching this class (the safety net's case); ACKs go on
        jdaStatus = JDA.Status.AWAITING_LOGIN_CONFIRMATION;
        runWithAcks(Duration.ofSeconds(10));
        assertThat(health.disconnects()).isZero();
        runWithAcks(Duration.ofMillis(200));
        assertThat(health.signals).last().asString()
                .startsWith("disconnected: JDA has had no confirmed Discord session for 10 s (status AWAITING_LOGIN_CONFIRMATION)");
        runWithAcks(Duration.ofSeconds(30));
        assertThat(health.disconnects()).isEqualTo(1);
    }

    @Test
    void aShortDetourThroughOtherStatusesIsNoStuckSession() {
        connectWithHeartbeats(3);
        jdaStatus = JDA.Status.LOADING_SUBSYSTEMS;
        runWithAcks(Duration.ofSeconds(5));
        jdaStatus = JDA.Status.CONNECTED;
        runWithAcks(Duration.ofMillis(200));
        jdaStatus = JDA.Status.LOADING_SUBSYSTEMS;
        runWithAcks(Duration.ofSeconds(9));
        assertThat(health.disconnects()).isZero();
    }

    @Test
    void dispatchesAreSignsOfLifeReportedAtMostOncePerSpacing() {
        monitor.dispatched();
        for (int i = 0; i < 1000; i++) {
            monitor.dispatched(); // a burst within one spacing proves no more than its first dispatch
        }
        assertThat(health.alive).isEqualTo(1);
        advance(Duration.ofNanos(TransportMonitor.ALIVE_SPACING_NANOS - 1));
        monitor.dispatched();
        assertThat(health.alive).isEqualTo(1);
        advance(Duration.ofNanos(1));
        monitor.dispatched();
        assertThat(health.alive).isEqualTo(2);
        assertThat(health.signals).isEmpty();
    }

    /** Statuses used only by these tests, kept short. */
    private static final class JdaStatus {
        static final net.dv8tion.jda.api.JDA.Status ATTEMPTING = net.dv8tion.jda.api.JDA.Status.ATTEMPTING_TO_RECONNECT;
        static final net.dv8tion.jda.api.JDA.Status SHUTTING_DOWN = net.dv8tion.jda.api.JDA.Status.SHUTTING_DOWN;
    }
}
