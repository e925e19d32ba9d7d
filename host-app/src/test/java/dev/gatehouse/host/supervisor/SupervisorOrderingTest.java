package dev.gatehouse.host.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.testing.DrivenTransport;
import dev.gatehouse.host.testing.DrivenTransport.OpenMode;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the supervisor guarantees about order and threads, whatever operators and plugins do
 * concurrently: no open before the previous close finished, no listener on a plugin's thread, no dead
 * tick timer after giving up.
 */
class SupervisorOrderingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeTime time = new FakeTime();
    private final DrivenTransport transport = new DrivenTransport(time);
    private final RecordingListener events = new RecordingListener();
    private final RecordingExit exit = new RecordingExit();
    private final ExecutorService blocking = Executors.newCachedThreadPool(named("test-blocking"));
    private final ExecutorService supervision = Executors.newSingleThreadExecutor(named("test-supervision"));

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @AfterEach
    void oneLiveConnectionAtATimeWithoutAHandover() {
        transport.openGate();
        transport.release();
        blocking.shutdownNow();
        supervision.shutdownNow();
        // None of these tests hands over (see SupervisorHandoverTest): every open waits for the previous close.
        assertThat(transport.maxLive()).as("live connections at once").isLessThanOrEqualTo(1);
        assertThat(transport.overlappingOpens()).isZero();
    }

    private Supervisor supervisor(java.util.concurrent.Executor mailbox, java.util.concurrent.Executor calls,
            HealthPolicy policy) {
        return new Supervisor(new ConnectionKey("acme", "slack"), transport, policy, time, mailbox, calls, time,
                time.clock(), () -> 1.0, exit, events);
    }

    @Test
    void disableAndEnableDuringAnInFlightOpenClosesThatConnectionBeforeTheNextOpen() {
        Supervisor sup = supervisor(Runnable::run, blocking, HealthPolicy.defaults());
        transport.mode = OpenMode.GATED;
        sup.start();
        await().atMost(WAIT).until(() -> transport.attempts.size() == 1);

        sup.stop("disabled by an operator");
        sup.start();
        transport.mode = OpenMode.CONNECT_BEFORE_RETURN;
        transport.openGate();

        await().atMost(WAIT).until(() -> sup.status().state() == ConnectionState.CONNECTED
                && sup.status().epoch() == 2 && transport.connections.size() == 2 && transport.live() == 1);
        assertThat(transport.connections.get(0).closed).as("the first attempt's late connection was closed").isTrue();
        assertThat(transport.maxLive()).as("the second open waited for that close").isEqualTo(1);
    }

    @Test
    void listenersRunOnTheSupervisionExecutorNeverOnThePluginThreadThatSignalled() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        Supervisor sup = new Supervisor(new ConnectionKey("acme", "slack"), transport, HealthPolicy.defaults(), time,
                supervision, Runnable::run, time, time.clock(), () -> 1.0, exit, new SupervisorListener() {
                    @Override
                    public void onTransition(ConnectionKey key, long epoch, ConnectionState from, ConnectionState to,
                            String cause) {
                        threads.add(Thread.currentThread().getName());
                    }
                });
        sup.start();
        await().atMost(WAIT).until(() -> sup.status().state() == ConnectionState.CONNECTED);

        Thread pluginIo = new Thread(() -> transport.current().health.markDisconnected("abrupt close"), "plugin-io");
        pluginIo.start();
        pluginIo.join();

        await().atMost(WAIT).until(() -> sup.status().state() == ConnectionState.DISCONNECTED && threads.size() == 3);
        assertThat(threads).as("threads that ran listeners").containsOnly("test-supervision");
    }

    @Test
    void afterGivingUpAStartTicksAgainAndForcesAReconnectOfAStaleConnection() {
        HealthPolicy d = HealthPolicy.defaults();
        HealthPolicy policy = new HealthPolicy(d.checkInterval(), d.fastCheckInterval(), d.staleAfter(), 2,
                d.backoffBase(), d.backoffCap(), d.closeTimeout(), d.openTimeout(), d.outageReportAfter(),
                d.probeTimeout(), d.flapDetection(), d.flapWindow(), d.flapDownRatio(), d.stormGuard(),
                d.stormMaxDisconnects(), d.stormWindow());
        Supervisor sup = supervisor(Runnable::run, time, policy);
        transport.mode = OpenMode.THROW;
        sup.start();
        time.advance(Duration.ofMinutes(10));
        assertThat(exit.requests).as("gave up").hasSize(1);
        assertThat(sup.status().state()).isEqualTo(ConnectionState.STOPPED);

        transport.mode = OpenMode.CONNECT_BEFORE_RETURN;
        sup.start();
        time.runDue();
        assertThat(sup.status().state()).isEqualTo(ConnectionState.CONNECTED);
        int opens = transport.opens();
        transport.current().health.markDisconnected("half-open");
        time.advance(Duration.ofMinutes(5));

        assertThat(events.count(ReconnectKind.FORCED)).as("the tick timer runs again after the restart").isEqualTo(1);
        assertThat(transport.opens()).isEqualTo(opens + 1);
        assertThat(sup.status().state()).isEqualTo(ConnectionState.CONNECTED);
    }
}
