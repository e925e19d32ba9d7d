package dev.gatehouse.sim.slack;

import java.util.concurrent.atomic.AtomicLong;

/** One app's monotonic counters; the open-socket gauges live in {@link AppState}. */
final class AppCounters {
    final AtomicLong socketsOpened = new AtomicLong();
    final AtomicLong connectionsOpenCalls = new AtomicLong();
    final AtomicLong authTestCalls = new AtomicLong();
    final AtomicLong pings = new AtomicLong();
    final AtomicLong hellosSent = new AtomicLong();
    final AtomicLong envelopesPushed = new AtomicLong();
    final AtomicLong redeliveries = new AtomicLong();
    final AtomicLong acks = new AtomicLong();
    final AtomicLong lateAcks = new AtomicLong();
    final AtomicLong unknownAcks = new AtomicLong();
    final AtomicLong handshakesRejected = new AtomicLong();
    final AtomicLong eventsAbandoned = new AtomicLong();

    SlackAppStats snapshot(String appId, int openNow, int maxOpenAtOnce) {
        return new SlackAppStats(appId, socketsOpened.get(), openNow, maxOpenAtOnce, connectionsOpenCalls.get(),
                authTestCalls.get(), pings.get(), hellosSent.get(), envelopesPushed.get(), redeliveries.get(),
                acks.get(), lateAcks.get(), unknownAcks.get(), handshakesRejected.get(), eventsAbandoned.get());
    }
}
