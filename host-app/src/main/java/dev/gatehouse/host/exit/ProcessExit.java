package dev.gatehouse.host.exit;

/**
 * The only way Gatehouse ends its process. Production uses {@link SystemProcessExit}; tests record
 * the request. Plugins never receive this object.
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
}
