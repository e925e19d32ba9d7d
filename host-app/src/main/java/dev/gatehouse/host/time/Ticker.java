package dev.gatehouse.host.time;

/**
 * A monotonic source of nanoseconds for measuring intervals. Policy code reads time only through this
 * and a {@link java.time.Clock} (for wall stamps), so tests can drive it.
 */
@FunctionalInterface
public interface Ticker {

    /** @return nanoseconds from an arbitrary fixed origin; only differences are meaningful */
    long nanos();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
