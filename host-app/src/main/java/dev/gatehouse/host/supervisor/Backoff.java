package dev.gatehouse.host.supervisor;

import java.time.Duration;

/**
 * Backoff after failed attempt {@code n}: {@code min(base × 2^(n−1), cap)}, scaled by a jitter factor
 * in [0, 1) ("full jitter"). A pure function: the caller supplies the random factor.
 */
final class Backoff {

    private Backoff() {
    }

    /** The ceiling before jitter for attempt {@code n ≥ 1}. */
    static Duration ceiling(int n, Duration base, Duration cap) {
        if (n < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1, got " + n);
        }
        int shift = Math.min(n - 1, 40);
        long nanos = base.toNanos() > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base.toNanos() << shift;
        return nanos >= cap.toNanos() ? cap : Duration.ofNanos(nanos);
    }

    /** The delay for attempt {@code n ≥ 1} with a jitter factor in [0, 1]. */
    static Duration delay(int n, Duration base, Duration cap, double jitter) {
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
        }
        return Duration.ofNanos((long) (ceiling(n, base, cap).toNanos() * jitter));
    }
}
