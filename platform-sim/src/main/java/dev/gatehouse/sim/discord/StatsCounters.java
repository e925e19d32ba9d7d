package dev.gatehouse.sim.discord;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The live counters behind a {@link GatewayStats} snapshot: lock-free, one instance per bot plus one global. */
final class StatsCounters {

    /** Accept times older than this are forgotten; {@link #acceptsInLast} cannot look further back. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(60);

    private final LongSupplier nanoClock;
    private final AtomicLong tcpAccepts = new AtomicLong();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong identifies = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicInteger openSockets = new AtomicInteger();
    private final AtomicInteger maxOpenAtOnce = new AtomicInteger();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong dispatches = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong restRequests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    /** Monotonic accept times (ns), oldest first; pruned to {@link #RATE_WINDOW}. */
    private final ConcurrentLinkedDeque<Long> acceptTimes = new ConcurrentLinkedDeque<>();

    StatsCounters(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** A connection was accepted and is open from now on. */
    void accepted() {
        accepted(true);
    }

    /**
     * A connection was accepted (for a bot: it identified or resumed); {@code open} false if it ended before
     * that was known, so that it counts as accepted but never as open, not even for a moment.
     */
    void accepted(boolean open) {
        tcpAccepts.incrementAndGet();
        long now = nanoClock.getAsLong();
        acceptTimes.addLast(now);
        prune(now);
        if (open) {
            maxOpenAtOnce.accumulateAndGet(openSockets.incrementAndGet(), Math::max);
        }
    }

    void closed() {
        openSockets.decrementAndGet();
    }

    void handshake() {
        handshakes.incrementAndGet();
    }

    void identify() {
        identifies.incrementAndGet();
    }

    void resume() {
        resumes.incrementAndGet();
    }

    void heartbeat() {
        heartbeats.incrementAndGet();
    }

    void ack() {
        acks.incrementAndGet();
    }

    void dispatch() {
        dispatches.incrementAndGet();
    }

    void replay() {
        replayed.incrementAndGet();
    }

    void restRequest(boolean rateLimitedAnswer) {
        restRequests.incrementAndGet();
        if (rateLimitedAnswer) {
            rateLimited.incrementAndGet();
        }
    }

    /** Starts a new "max open at once" measurement from the number open now. */
    void resetMaxOpen() {
        maxOpenAtOnce.set(openSockets.get());
    }

    /** TCP accepts within the last {@code window} (at most {@link #RATE_WINDOW}). */
    long acceptsInLast(Duration window) {
        if (window.compareTo(RATE_WINDOW) > 0) {
            throw new IllegalArgumentException("accept times are kept for " + RATE_WINDOW + " only, asked " + window);
        }
        long now = nanoClock.getAsLong();
        prune(now);
        long since = now - window.toNanos();
        long count = 0;
        for (Iterator<Long> it = acceptTimes.descendingIterator(); it.hasNext(); ) {
            if (it.next() < since) {
                break;
            }
            count++;
        }
        return count;
    }

    private void prune(long now) {
        long horizon = now - RATE_WINDOW.toNanos();
        Long oldest;
        while ((oldest = acceptTimes.peekFirst()) != null && oldest < horizon) {
            acceptTimes.pollFirst();
        }
    }

    GatewayStats snapshot() {
        return new GatewayStats(
                tcpAccepts.get(),
                handshakes.get(),
                identifies.get(),
                resumes.get(),
                openSockets.get(),
                maxOpenAtOnce.get(),
                heartbeats.get(),
                acks.get(),
                dispatches.get(),
                replayed.get(),
                restRequests.get(),
                rateLimited.get());
    }
}
