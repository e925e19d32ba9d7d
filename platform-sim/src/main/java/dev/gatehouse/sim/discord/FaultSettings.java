package dev.gatehouse.sim.discord;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Standing faults of one scope (the whole simulator, or one bot). Fields are volatile and written
 * independently: each is a separate switch, read afresh at every decision. A fault is in force if it
 * is on in either scope; see {@link SimContext} for how the two combine.
 */
final class FaultSettings {

    volatile IdentifyReply identifyReply = IdentifyReply.READY;
    volatile boolean rejectResume;
    volatile boolean resumedDataNull;
    volatile boolean restUnauthorized;
    volatile boolean stopAcks;
    volatile boolean blackHole;
    /** Minimum interval between two accepted IDENTIFYs; zero for none. */
    volatile Duration identifyInterval = Duration.ZERO;

    /** REST requests still to answer 429 before answering normally. */
    final AtomicInteger rateLimitsLeft = new AtomicInteger();
    volatile Duration rateLimitRetryAfter = Duration.ofSeconds(1);

    void rateLimit(int times, Duration retryAfter) {
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0: " + times);
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive: " + retryAfter);
        }
        rateLimitRetryAfter = retryAfter;
        rateLimitsLeft.set(times);
    }

    /** Takes one pending 429 if any; true if this request must be rate limited. */
    boolean takeRateLimit() {
        return rateLimitsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    void clear() {
        identifyReply = IdentifyReply.READY;
        rejectResume = false;
        resumedDataNull = false;
        restUnauthorized = false;
        stopAcks = false;
        blackHole = false;
        identifyInterval = Duration.ZERO;
        rateLimitsLeft.set(0);
    }
}
