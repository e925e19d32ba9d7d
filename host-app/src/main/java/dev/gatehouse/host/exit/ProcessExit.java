package dev.gatehouse.host.exit;

/**
 * The only way Gatehouse ends its process. The {@code gatehouse} command uses {@link SystemProcessExit};
 * an embedded host uses {@link #never()} unless its application asks otherwise; tests record the request.
 * Plugins never receive this object.
 */
@FunctionalInterface
public interface ProcessExit {

    /**
     * Ends the process (or records that it should end).
     *
     * @param code one of {@link ExitCodes}
     * @param reason why, or {@code null} for a command-line tool ending normally
     */
    void exit(int code, String reason);

    /** Never ends the process: the application embedding the host decides (the embedded default). */
    static ProcessExit never() {
        return (code, reason) -> {
        };
    }
}
