package dev.gatehouse.host.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the host fetches what a connection missed during a gap (see {@code dev.gatehouse.host.backfill.Backfill}).
 *
 * @param enabled whether gaps are backfilled at all (they are always reported)
 * @param stateDir where the ledger of last handled messages lives, so that a restarted host knows
 *     where to resume; empty keeps it in memory only (gaps within one run are backfilled, a restart is
 *     only reported)
 * @param window how far back a backfill looks at most; a gap that began earlier is reported as not
 *     fully covered
 * @param maxChannels how many channels one backfill visits at most, the most recently active first
 * @param maxPages how many history pages one channel may cost at most
 * @param pageSize how many messages a page asks for (the platform may cap it lower)
 * @param maxRateLimitWait how long one backfill waits out the platform's rate limits in all before
 *     it stops and reports what it could not fetch
 * @param ledgerChannels how many channels the ledger remembers per connection (least recently active
 *     forgotten first)
 */
public record BackfillPolicy(boolean enabled, Optional<Path> stateDir, Duration window, int maxChannels, int maxPages,
        int pageSize, Duration maxRateLimitWait, int ledgerChannels) {

    /** Checks the bounds. */
    public BackfillPolicy {
        Objects.requireNonNull(stateDir, "stateDir");
        requirePositive(window, "window");
        Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
        if (maxChannels < 1 || maxPages < 1 || pageSize < 1 || ledgerChannels < 1) {
            throw new IllegalArgumentException("backfill bounds must be at least 1: maxChannels=" + maxChannels
                    + ", maxPages=" + maxPages + ", pageSize=" + pageSize + ", ledgerChannels=" + ledgerChannels);
        }
    }

    /** On, in memory only: a 24 h window, 50 channels, 10 pages of 100, 60 s of rate-limit waits, 500 channels remembered. */
    public static BackfillPolicy defaults() {
        return new BackfillPolicy(true, Optional.empty(), Duration.ofHours(24), 50, 10, 100, Duration.ofSeconds(60), 500);
    }

    /** @return a copy with the ledger under {@code dir} */
    public BackfillPolicy withStateDir(Path dir) {
        return new BackfillPolicy(enabled, Optional.of(dir), window, maxChannels, maxPages, pageSize, maxRateLimitWait,
                ledgerChannels);
    }

    /** @return a copy that backfills nothing (gaps are still reported) */
    public BackfillPolicy disabled() {
        return new BackfillPolicy(false, stateDir, window, maxChannels, maxPages, pageSize, maxRateLimitWait, ledgerChannels);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
