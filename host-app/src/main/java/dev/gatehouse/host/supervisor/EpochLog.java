package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.logging.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor's log lines, prefixed with connection and epoch and run with the connection's MDC. Each
 * line is built as an effect, so it is written after the state change it describes.
 */
final class EpochLog {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final ConnectionKey key;

    EpochLog(ConnectionKey key) {
        this.key = key;
    }

    /** A line to write later: INFO, or ERROR for what an operator must see (logged before any exit). */
    Runnable line(long epoch, boolean error, String format, Object... args) {
        return () -> LogContext.run(key.workspace(), key.platform(), epoch, () -> {
            String f = key + " epoch " + epoch + ": " + format;
            if (error) {
                log.error(f, args);
            } else {
                log.info(f, args);
            }
        });
    }
}
