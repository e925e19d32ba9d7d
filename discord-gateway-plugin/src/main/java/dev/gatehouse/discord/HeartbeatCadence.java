package dev.gatehouse.discord;

import java.util.Arrays;

/**
 * The heartbeat interval as observed from heartbeat ACKs. JDA does not expose the
 * {@code heartbeat_interval} Discord sent in HELLO, but it heartbeats at that fixed rate, so the gaps
 * between consecutive ACKs on one socket are the interval. The median of the last few gaps ignores
 * the odd short gap (a heartbeat the server asked for with op 1); their mean ignores a burst (a stalled
 * reader handing over several ACKs at once makes several short gaps, and the median then falls far
 * below the real interval — seen on a loaded machine as a 228 ms "interval" for a 1 s heartbeat, and a
 * healthy socket dropped as a zombie). The larger of the two is taken: too long an estimate only delays
 * detection, too short a one drops healthy sockets. Not thread-safe: its owner guards it.
 */
final class HeartbeatCadence {

    private static final int SAMPLES = 5;

    private final long[] gaps = new long[SAMPLES];
    private int count;
    private int next;
    private long lastAckNanos = Long.MIN_VALUE;

    /** An ACK arrived at {@code nanos} (monotonic). */
    void ack(long nanos) {
        if (lastAckNanos != Long.MIN_VALUE && nanos > lastAckNanos) {
            gaps[next] = nanos - lastAckNanos;
            next = (next + 1) % SAMPLES;
            count = Math.min(count + 1, SAMPLES);
        }
        lastAckNanos = nanos;
    }

    /**
     * A new socket: its first heartbeat goes out at once on HELLO, so the gap to the previous socket's
     * last ACK says nothing about the interval. The samples so far stay valid (same server interval).
     */
    void newSocket() {
        lastAckNanos = Long.MIN_VALUE;
    }

    /** @return the observed interval in nanoseconds, or -1 before two ACKs arrived on one socket */
    long intervalNanos() {
        if (count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(gaps, count);
        Arrays.sort(sorted);
        long sum = 0;
        for (long gap : sorted) {
            sum += gap;
        }
        return Math.max(sorted[count / 2], sum / count);
    }
}
