package dev.gatehouse.sim.discord;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates Discord snowflakes: milliseconds since the Discord epoch in the top 42 bits, so JDA derives
 * sensible creation times; strictly increasing even within one millisecond.
 */
final class Snowflakes {

    static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;

    private final AtomicLong last = new AtomicLong();

    String next() {
        long candidate = (System.currentTimeMillis() - DISCORD_EPOCH_MILLIS) << 22;
        return Long.toString(last.accumulateAndGet(candidate, (previous, fresh) -> Math.max(previous + 1, fresh)));
    }
}
