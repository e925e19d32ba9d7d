package dev.gatehouse.bench;

import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exceptions that escaped a thread of the hosts, plugins or libraries during the run. They are logged to
 * the run's log instead of the console and summarised in the report, by thread name pattern and type.
 */
final class UncaughtExceptions implements Thread.UncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(UncaughtExceptions.class);

    /** Guarded by this. */
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();

    /** Installs a handler for the run's duration; {@link #close()} restores the previous one. */
    static UncaughtExceptions install() {
        UncaughtExceptions handler = new UncaughtExceptions();
        Thread.setDefaultUncaughtExceptionHandler(handler);
        return handler;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        synchronized (this) {
            counts.merge(ThreadCensus.pattern(t.getName()) + ": " + e.getClass().getSimpleName(), 1, Integer::sum);
        }
        log.error("uncaught in thread {}", t.getName(), e);
    }

    synchronized Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }

    void close() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }
}
