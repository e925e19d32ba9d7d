package dev.gatehouse.host.reload;

import java.time.Duration;

/**
 * The outcome of one plugin install, reload or removal.
 *
 * @param pluginId the plugin, or the jar's file name if its id could not be read
 * @param outcome what happened
 * @param fromVersion the version that ran before, or {@code null}
 * @param toVersion the version that runs now (after a rollback: the old one), or {@code null}
 * @param took how long the whole operation took, measured by the host's ticker
 * @param reason why it was rejected, rolled back or failed, what to know about a swap that was kept, or {@code null}
 */
public record ReloadResult(String pluginId, Outcome outcome, String fromVersion, String toVersion, Duration took,
        String reason) {

    /** What happened to the plugin. */
    public enum Outcome {
        /** A new plugin started. */
        INSTALLED,
        /** The plugin was swapped (or restarted from the same jar) and its connections reopened. */
        SWAPPED,
        /** The new version failed to load, start or connect; the previous one runs again. */
        ROLLED_BACK,
        /** The candidate was refused before anything was touched. */
        REJECTED,
        /** The plugin's jar was removed: its connections are closed and it is unloaded. */
        REMOVED,
        /**
         * No version of the plugin runs: the new one failed and the previous one did not start again, or a
         * restart failed. Its connections stay stopped and status says why.
         */
        FAILED;

        /** @return the metrics label */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static ReloadResult rejected(String id, String version, String reason, Duration took) {
        return new ReloadResult(id, Outcome.REJECTED, null, version, took, reason);
    }

    /** Whether something went wrong: the log line is an error and the reason stays in the plugin's status. */
    boolean isFailure() {
        return outcome == Outcome.REJECTED || outcome == Outcome.ROLLED_BACK || outcome == Outcome.FAILED;
    }
}
