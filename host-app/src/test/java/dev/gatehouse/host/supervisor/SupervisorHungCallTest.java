package dev.gatehouse.host.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.DrivenTransport;
import dev.gatehouse.host.testing.DrivenTransport.OpenMode;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.RecordingListener;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Opens and closes that never return. Timers run on fake time; the blocking calls run on real threads
 * so that they can really hang.
 */
class SupervisorHungCallTest {

    private final FakeTime time = new FakeTime();
    private final DrivenTransport transport = new DrivenTransport(time);
    private final RecordingExit exit = new RecordingExit();
    private final ExecutorService blocking = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-blocking");
        t.setDaemon(true);
        return t;
    });
    private final Supervisor sup = new Supervisor(new ConnectionKey("acme", "slack"), transport,
            HealthPolicy.defaults(), time, Runnable::run, blocking, time, time.clock(), () -> 1.0, exit, new RecordingListener());

    @AfterEach
    void release() {
        transport.release();
        blocking.shutdownNow();
        assertThat(transport.maxLive()).as("live connections at once").isLessThanOrEqualTo(1);
    }

    /**
     * The signal is handled in the supervisor's mailbox, which the blocking thread may still be draining
     * (direct mailbox executor): wait for it before moving fake time on.
     */
    private void disconnect() {
        transport.current().health.markDisconnected("half-open");
        await().atMost(Duration.ofSeconds(5)).until(() -> sup.status().state() == ConnectionState.DISCONNECTED);
    }

    private void startConnected() {
        sup.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> sup.status().state() == ConnectionState.CONNECTED);
    }

    @Test
    void aHungCloseIsAFailedAttemptWithholdsTheHeartbeatAndNeverOpensASecondConnection() {
        startConnected();
        transport.hangClose = true;
        disconnect();
        time.advance(Duration.ofSeconds(240));
        assertThat(sup.status().state()).isEqualTo(ConnectionState.RECONNECTING);
        time.advance(Duration.ofSeconds(30));
        assertThat(sup.status().state()).isEqualTo(ConnectionState.BACKING_OFF);
        assertThat(sup.status().lastError()).contains("close of the previous connection did not finish within 30 s");
        assertThat(sup.heartbeatWithheldBecause()).contains("hung");

        time.advance(Duration.ofMinutes(15));
        assertThat(transport.opens()).as("never opened while the old close hangs").isEqualTo(1);
        assertThat(exit.requests).hasSize(1);
        assertThat(exit.requests.get(0).code()).isEqualTo(ExitCodes.RECONNECTS_EXHAUSTED);
        assertThat(exit.requests.get(0).reason()).contains("close of epoch 1 still has not returned");
    }

    @Test
    void aHungOpenIsAFailedAttemptAndItsLateConnectionIsClosed() {
        startConnected();
        transport.mode = OpenMode.HANG;
        disconnect();
        time.advance(Duration.ofSeconds(240));
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.opens() == 2);
        time.advance(Duration.ofSeconds(30));
        assertThat(sup.status().lastError()).contains("open did not return within 30 s");
        assertThat(sup.heartbeatWithheldBecause()).contains("hung");
        time.advance(Duration.ofSeconds(10));
        assertThat(sup.status().lastError()).contains("open of epoch 2 still has not returned");
        assertThat(transport.opens()).isEqualTo(2);

        transport.mode = OpenMode.CONNECT_BEFORE_RETURN;
        transport.release();
        await().atMost(Duration.ofSeconds(5)).until(() -> sup.heartbeatWithheldBecause() == null
                || !sup.heartbeatWithheldBecause().contains("hung"));
        time.advance(Duration.ofSeconds(40));
        await().atMost(Duration.ofSeconds(5)).until(() -> sup.status().state() == ConnectionState.CONNECTED);
        assertThat(sup.status().consecutiveFailures()).isZero();
        assertThat(exit.requests).isEmpty();
    }
}
