package dev.gatehouse.host.exit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the JVM. Runs {@code System.exit} on a fresh thread so that shutdown hooks can never wait on
 * the thread that asked (for example the supervisor thread they need to stop). Idempotent.
 */
public final class SystemProcessExit implements ProcessExit {

    private static final Logger log = LoggerFactory.getLogger(SystemProcessExit.class);

    private final java.util.concurrent.atomic.AtomicBoolean requested = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void exit(int code, String reason) {
        if (!requested.compareAndSet(false, true)) {
            return;
        }
        if (reason != null) {
            if (code != ExitCodes.OK) {
                log.error("exiting with code {}: {}", code, reason);
            } else {
                log.info("exiting: {}", reason);
            }
        }
        Thread t = new Thread(() -> System.exit(code), "gatehouse-exit");
        t.setDaemon(false);
        t.start();
    }
}
