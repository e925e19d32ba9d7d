package dev.gatehouse.host.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemdNotifierTest {

    @Test
    void withoutNotifySocketEverythingIsANoOp() {
        SystemdNotifier n = new SystemdNotifier(Map.of(), "/nonexistent/systemd-notify", 42);
        assertThat(n.enabled()).isFalse();
        assertThat(n.watchdogInterval()).isEmpty();
        n.ready("x");
        n.watchdog();
        n.stopping();
    }

    @Test
    void theWatchdogIsPettedAtHalfItsIntervalAndOnlyForOurPid() {
        assertThat(new SystemdNotifier(Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "30000000"), "x", 42).watchdogInterval())
                .contains(Duration.ofSeconds(15));
        assertThat(new SystemdNotifier(Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), "x", 42)
                .watchdogInterval()).isEmpty();
        assertThat(new SystemdNotifier(Map.of("NOTIFY_SOCKET", "/s"), "x", 42).watchdogInterval()).isEmpty();
    }
}
