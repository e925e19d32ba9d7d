package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SocketCensusTest {

    private long now;
    private final SocketCensus census = new SocketCensus(() -> now);

    @Test
    void theFirstHelloIsOneSocket() {
        assertThat(census.onHello()).isEqualTo(new SocketCensus.Counts(1, 1));
    }

    @Test
    void aRefreshWhoseOldSocketClosedBeforeTheHelloWasReadStillCountsTwoWhenSlackCounted() {
        census.onHello();
        assertThat(census.onClose(true)).isZero();
        now += Duration.ofMillis(15).toNanos();
        assertThat(census.onHello()).isEqualTo(new SocketCensus.Counts(1, 2));
    }

    @Test
    void aRefreshWhoseOldSocketClosesAfterTheHelloGoesTwoThenOne() {
        census.onHello();
        assertThat(census.onHello()).isEqualTo(new SocketCensus.Counts(2, 2));
        assertThat(census.onClose(true)).isEqualTo(1);
        now += SocketCensus.SUPERSEDED_WINDOW.plusSeconds(1).toNanos();
        census.onClose(false);
        assertThat(census.onHello()).isEqualTo(new SocketCensus.Counts(1, 1));
    }

    @Test
    void aSupersededCloseLongBeforeAHelloDoesNotInflateIt() {
        census.onHello();
        census.onHello();
        census.onClose(true);
        census.onClose(false);
        now += SocketCensus.SUPERSEDED_WINDOW.plusSeconds(1).toNanos();
        assertThat(census.onHello()).isEqualTo(new SocketCensus.Counts(1, 1));
    }

    @Test
    void closesNeverTakeTheCountBelowZero() {
        assertThat(census.onClose(false)).isZero();
        assertThat(census.onClose(false)).isZero();
        assertThat(census.onHello().open()).isEqualTo(1);
    }
}
