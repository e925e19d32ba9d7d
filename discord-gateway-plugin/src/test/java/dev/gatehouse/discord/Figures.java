package dev.gatehouse.discord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Measured times, logged as {@code FIGURE} lines (grep the failsafe output) for the closing note. */
final class Figures {

    private static final Logger log = LoggerFactory.getLogger(Figures.class);

    private Figures() {
    }

    /** A fault JDA heals: when the host saw the connection down and up again, counted from the fault. */
    static void healed(String fault, long disconnectedMillis, long connectedMillis, String detail) {
        log.info("FIGURE {}: host saw disconnected +{} ms, connected again +{} ms ({})", fault, disconnectedMillis,
                connectedMillis, detail);
    }

    /** Anything else, in words. */
    static void measured(String fault, String what) {
        log.info("FIGURE {}: {}", fault, what);
    }
}
