package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatCadenceTest {

    private static final long MS = 1_000_000L;

    @Test
    void theIntervalIsUnknownUntilThreeGapsWereSeen() {
        HeartbeatCadence c = new HeartbeatCadence();
        assertThat(c.intervalNanos()).isEqualTo(-1);
        c.ack(1000 * MS);
        c.ack(3000 * MS);
        c.ack(5000 * MS);
        assertThat(c.intervalNanos()).isEqualTo(-1);
        c.ack(7000 * MS);
        assertThat(c.intervalNanos()).isEqualTo(2000 * MS);
    }

    /**
     * Seen under load (DiscordResumeIT, "2.0 x the observed heartbeat interval of 158 ms" for a 1 s heartbeat):
     * two ACKs close together as a socket starts made the one gap seen so far the interval, and the next
     * regular ACK, a full interval later, came "too late": a healthy socket dropped as a zombie.
     */
    @Test
    void twoAcksCloseTogetherAsASocketStartsDoNotMakeTheIntervalShort() {
        HeartbeatCadence c = new HeartbeatCadence();
        c.newSocket();
        c.ack(0);
        c.ack(158 * MS);
        assertThat(c.intervalNanos()).as("one gap is no interval").isEqualTo(-1);
        c.ack(1158 * MS);
        c.ack(2158 * MS);
        assertThat(c.intervalNanos()).isEqualTo(1000 * MS);
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
        c.ack(4000 * MS);
        c.newSocket();
        c.ack(4050 * MS); // the new socket's first heartbeat goes out at once on HELLO
        c.ack(6050 * MS);
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
