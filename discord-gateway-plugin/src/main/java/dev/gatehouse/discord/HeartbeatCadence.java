package dev.gatehouse.discord;

import java.util.Arrays;

/**
 * The heartbeat interval as observed from heartbeat ACKs. JDA does not expose the
 * {@code heartbeat_interval} Discord sent in HELLO, but it heartbeats at that fixed rate, so the gaps
 * between consecutive ACKs on one socket are the interval. The median of the last few gaps ignores
 * the odd short gap (a heartbeat the server asked for with op 1); their mean ignores a burst (a stalled
 * reader handing over several ACKs at once makes several short gaps, and the median then falls far
 * below the real interval — seen on a loaded machine as a 228 ms "interval" for a 1 s heartbeat, and a
 * healthy socket dropped as a zombie). The larger of the two is taken, and only from three gaps on: too
 * long an estimate only delays detection, too short a one drops healthy sockets. Not thread-safe: its
 * owner guards it.
 */
final class HeartbeatCadence {

    private static final int SAMPLES = 5;
    /**
     * Gaps needed before there is an estimate: one or two can both be short (JDA heartbeats as a socket
     * starts and again when its schedule begins; a late scheduler catches up), and a zombie verdict on
     * such an estimate drops a healthy socket. JDA's own check covers a socket's first intervals.
     */
    private static final int MIN_SAMPLES = 3;

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

    /** @return the observed interval in nanoseconds, or -1 before {@link #MIN_SAMPLES} gaps were seen */
    long intervalNanos() {
        if (count < MIN_SAMPLES) {
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
