package dev.gatehouse.host.config;

import dev.gatehouse.api.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The allowed range of every duration and count in the configuration, and the limits on the file
 * itself. {@link ConfigLoader} checks each value, so {@code gatehouse validate} refuses what the host
 * cannot run with: a zero interval reschedules itself without pause, and a duration past about 292
 * years overflows the nanosecond arithmetic of every timer. The README's configuration table shows the
 * same ranges ({@code ConfigDocsTest} keeps the two in step).
 */
final class ConfigLimits {

    /** Larger than any real configuration by far; read before parsing, so a huge file costs nothing. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    /** Sections, workspaces, platforms and a plugin's own settings need fewer than ten levels. */
    static final int MAX_NESTING = 32;

    private static final Duration LONGEST = Duration.ofDays(30);

    /** A closed range of durations, shown as {@code 100ms to 30d}. */
    record Span(Duration min, Duration max) {
        boolean contains(Duration d) {
            return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
        }

        @Override
        public String toString() {
            return Durations.format(min) + " to " + Durations.format(max);
        }
    }

    /** A closed range of whole numbers, shown as {@code 1 to 10000}. */
    record Count(long min, long max) {
        boolean contains(long v) {
            return v >= min && v <= max;
        }

        @Override
        public String toString() {
            return min + " to " + max;
        }
    }

    /** Paces a loop, or is measured by one (windows, thresholds): shorter would spin or never be observed. */
    static final Span PACE = new Span(Duration.ofMillis(100), LONGEST);
    /** Bounds a wait: any positive length works. */
    static final Span TIMEOUT = new Span(Duration.ofMillis(1), LONGEST);
    /** Attempts and losses: at least one; the upper end keeps a typo (an extra digit or two) from meaning "never". */
    static final Count TIMES = new Count(1, 10_000);
    static final Count PORT = new Count(0, 65_535);
    /** What ZooKeeper servers negotiate with their default tick (2 s to 40 s) and room above it; shorter cannot fence safely. */
    static final Span SESSION = new Span(Duration.ofSeconds(4), Duration.ofSeconds(60));

    /** Every duration key, in the order of the README's table. */
    static final Map<String, Span> DURATIONS = ordered(
            "plugins.quietPeriod", PACE,
            "plugins.leakCheckTimeout", TIMEOUT,
            "heartbeat.interval", PACE,
            "health.checkInterval", PACE,
            "health.fastCheckInterval", PACE,
            "health.staleAfter", PACE,
            "health.backoffBase", PACE,
            "health.backoffCap", PACE,
            "health.closeTimeout", TIMEOUT,
            "health.openTimeout", TIMEOUT,
            "health.outageReportAfter", PACE,
            "health.probeTimeout", TIMEOUT,
            "health.flapDetection.window", PACE,
            "health.stormGuard.window", PACE,
            "cluster.sessionTimeout", SESSION);

    /** Every whole-number key, in the order of the README's table. */
    static final Map<String, Count> COUNTS = ordered(
            "health.maxReconnectAttempts", TIMES,
            "health.stormGuard.maxDisconnects", TIMES);

    /** A map of alternating keys and values that keeps their order and cannot change. */
    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... keysAndValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private ConfigLimits() {
    }
}
