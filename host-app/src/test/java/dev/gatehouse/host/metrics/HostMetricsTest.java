package dev.gatehouse.host.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.host.testing.DrivenTransport;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.RecordingListener;
import org.junit.jupiter.api.Test;

/** The per-connection event counters: counted while the connection is there, gone with it, not brought back. */
class HostMetricsTest {

    private final FakeTime time = new FakeTime();
    private final ConnectionKey key = new ConnectionKey("acme", "slack");

    @Test
    void eventsCountWhileTheConnectionIsRegisteredAndALateOneDoesNotBringItsMetersBack() {
        try (HostMetrics metrics = new HostMetrics(null, () -> false, () -> false, () -> 0)) {
            metrics.register(supervisor());
            for (int i = 0; i < 3; i++) {
                metrics.event(key, HostMetrics.Direction.INBOUND);
            }
            metrics.event(key, HostMetrics.Direction.OUTBOUND);
            assertThat(metrics.scrape())
                    .contains("gatehouse_events_total{direction=\"inbound\",platform=\"slack\",workspace=\"acme\"} 3.0")
                    .contains("gatehouse_events_total{direction=\"outbound\",platform=\"slack\",workspace=\"acme\"} 1.0");

            metrics.unregister(key);
            metrics.event(key, HostMetrics.Direction.INBOUND); // an event handled after its connection was removed
            assertThat(metrics.scrape()).as("a removed connection's meters stay removed").doesNotContain("workspace=\"acme\"");

            metrics.register(supervisor()); // the workspace configured again
            metrics.event(key, HostMetrics.Direction.INBOUND);
            assertThat(metrics.scrape())
                    .contains("gatehouse_events_total{direction=\"inbound\",platform=\"slack\",workspace=\"acme\"} 1.0");
        }
    }

    private Supervisor supervisor() {
        return new Supervisor(key, new DrivenTransport(time), HealthPolicy.defaults(), time, Runnable::run, time, time,
                time.clock(), () -> 1.0, new RecordingExit(), new RecordingListener());
    }
}
