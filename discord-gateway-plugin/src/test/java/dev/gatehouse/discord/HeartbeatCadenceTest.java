package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatCadenceTest {

    private static final long MS = 1_000_000L;

    @Test
    void theIntervalIsUnknownUntilTwoAcksArrivedOnOneSocket() {
        HeartbeatCadence c = new HeartbeatCadence();
        assertThat(c.intervalNanos()).isEqualTo(-1);
        c.ack(1000 * MS);
        assertThat(c.intervalNanos()).isEqualTo(-1);
        c.ack(3000 * MS);
        assertThat(c.intervalNanos()).isEqualTo(2000 * MS);
    }

    @Test
    void aHeartbeatTheServerAskedForDoesNotShortenTheInterval() {
        HeartbeatCadence c = new HeartbeatCadence();
        for (long t : new long[] {0, 2000, 4000, 4100, 6000, 8000}) {
            c.ack(t * MS);
        }
        assertThat(c.intervalNanos()).isEqualTo(2000 * MS);
    }

    @Test
    void theGapAcrossASocketChangeIsNotASample() {
        HeartbeatCadence c = new HeartbeatCadence();
        c.ack(0);
        c.ack(2000 * MS);
        c.newSocket();
        c.ack(2050 * MS); // the new socket's first heartbeat goes out at once on HELLO
        c.ack(4050 * MS);
        assertThat(c.intervalNanos()).isEqualTo(2000 * MS);
    }

    @Test
    void aBurstOfAcksAfterAStalledReaderDoesNotShortenTheInterval() {
        HeartbeatCadence c = new HeartbeatCadence();
        // 1 s heartbeats; the reader stalls 4 s, then hands over the queued ACKs within a few ms
        for (long t : new long[] {0, 1000, 5000, 5005, 5010, 5015}) {
            c.ack(t * MS);
        }
        assertThat(c.intervalNanos()).as("the median alone would say 5 ms").isGreaterThanOrEqualTo(1000 * MS);
    }
}
