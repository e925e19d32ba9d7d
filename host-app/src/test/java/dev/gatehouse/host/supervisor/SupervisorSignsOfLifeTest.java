package dev.gatehouse.host.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.testing.DrivenTransport;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Plugins mark a sign of life per inbound event, on their read threads: that must cost the supervisor no
 * task (no wake-up of its thread, no snapshot), and the latest one must still count.
 */
class SupervisorSignsOfLifeTest {

    private final FakeTime time = new FakeTime();
    private final DrivenTransport transport = new DrivenTransport(time);
    /** The supervision thread, run by hand: tasks pile up in the mailbox until the test lets them run. */
    private final ArrayDeque<Runnable> supervision = new ArrayDeque<>();
    private final Executor queued = supervision::add;

    @Test
    void signsOfLifePostNoSupervisorTaskAndTheLatestStillCounts() {
        transport.onOpen(a -> {
            a.health().markTransportNotHookable("liveness by event recency, so signs of life decide");
            return null;
        });
        Supervisor sup = new Supervisor(new ConnectionKey("acme", "slack"), transport, HealthPolicy.defaults(), time, queued,
                time, time, time.clock(), () -> 1.0, new RecordingExit(), new RecordingListener());
        sup.start();
        settle();
        assertThat(transport.opens()).isEqualTo(1);

        advance(150);
        for (int i = 0; i < 1000; i++) {
            transport.current().health.markAlive();
        }
        assertThat(sup.pendingTasks()).as("a thousand events, no task").isZero();

        advance(150);
        assertThat(transport.opens()).as("the burst counted as a recent sign of life: not stale").isEqualTo(1);
        transport.current().health.markAlive();
        advance(150);
        assertThat(transport.opens()).as("300 s after the burst, 150 s after the latest sign of life: the latest counts")
                .isEqualTo(1);
        advance(200);
        assertThat(transport.opens()).as("quiet past staleAfter: replaced, as before").isEqualTo(2);
        assertThat(sup.status().forcedReconnects()).isEqualTo(1);
    }

    /** Lets time pass a second at a time, the supervision thread keeping up as it would. */
    private void advance(int seconds) {
        for (int i = 0; i < seconds; i++) {
            time.advance(Duration.ofSeconds(1));
            settle();
        }
    }

    /** Runs the supervision work and what it schedules for now, until nothing is left. */
    private void settle() {
        for (int round = 0; round < 100; round++) {
            time.runDue();
            if (supervision.isEmpty()) {
                return;
            }
            while (!supervision.isEmpty()) {
                supervision.poll().run();
            }
        }
        throw new AssertionError("supervision did not settle");
    }
}
