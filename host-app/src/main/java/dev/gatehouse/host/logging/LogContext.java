package dev.gatehouse.host.logging;

import org.slf4j.MDC;

/**
 * Puts {@code workspace}, {@code platform} and {@code epoch} in the logging MDC for a scope and
 * restores what was there before.
 */
public final class LogContext implements AutoCloseable {

    private final String oldWorkspace;
    private final String oldPlatform;
    private final String oldEpoch;

    private LogContext(String workspace, String platform, long epoch) {
        oldWorkspace = MDC.get("workspace");
        oldPlatform = MDC.get("platform");
        oldEpoch = MDC.get("epoch");
        put("workspace", workspace);
        put("platform", platform);
        put("epoch", epoch < 0 ? null : Long.toString(epoch));
    }

    /** Opens a scope; use in try-with-resources. An epoch below 0 leaves the epoch out. */
    public static LogContext of(String workspace, String platform, long epoch) {
        return new LogContext(workspace, platform, epoch);
    }

    /** Runs a task inside a scope. */
    public static void run(String workspace, String platform, long epoch, Runnable task) {
        try (LogContext ignored = of(workspace, platform, epoch)) {
            task.run();
        }
    }

    private static void put(String k, String v) {
        if (v == null) {
            MDC.remove(k);
        } else {
            MDC.put(k, v);
        }
    }

    @Override
    public void close() {
        put("workspace", oldWorkspace);
        put("platform", oldPlatform);
        put("epoch", oldEpoch);
    }
}
