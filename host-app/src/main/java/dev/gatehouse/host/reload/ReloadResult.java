package dev.gatehouse.host.reload;

import java.time.Duration;

/**
 * The outcome of one plugin install, reload or removal.
 *
 * @param pluginId the plugin, or the jar's file name if its id could not be read
 * @param outcome what happened
 * @param fromVersion the version that ran before, or {@code null}
 * @param toVersion the version that runs now (after a rollback: the old one), or {@code null}
 * @param took how long the whole swap took
 * @param reason why it was rejected or rolled back, or {@code null}
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
        REMOVED;

        /** @return the metrics label */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static ReloadResult rejected(String id, String version, String reason) {
        return new ReloadResult(id, Outcome.REJECTED, null, version, Duration.ZERO, reason);
    }
}
