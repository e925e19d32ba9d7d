package dev.gatehouse.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition by polling, with a bound: the benchmark never sleeps blindly for a state. */
final class Poll {

    private Poll() {
    }

    /** Polls every {@code every} until {@code condition} holds; {@code false} if {@code within} passed first. */
    static boolean until(Duration within, Duration every, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause(every);
        }
    }

    /** Like {@link #until} but a timeout is an error naming {@code what}. */
    static void require(Duration within, String what, BooleanSupplier condition) {
        if (!until(within, Duration.ofMillis(20), condition)) {
            throw new IllegalStateException("timed out after " + within.toSeconds() + " s waiting for " + what);
        }
    }

    /** Sleeps; an interrupt ends the benchmark. Used for measurement windows, never to wait for a state. */
    static void pause(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
