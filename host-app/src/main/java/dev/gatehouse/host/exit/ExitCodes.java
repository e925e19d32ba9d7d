package dev.gatehouse.host.exit;

/** Process exit codes; documented in the README. */
public final class ExitCodes {

    /** Normal end, including SIGTERM / Ctrl-C after an orderly shutdown. */
    public static final int OK = 0;
    /** A command sent to a running host was refused (the message says why). */
    public static final int REQUEST_FAILED = 1;
    /** Bad command line (picocli's usage error). */
    public static final int USAGE = 2;
    /** The running host's admin API could not be reached. */
    public static final int UNREACHABLE = 69;
    /** The host could not start for a reason other than the configuration. */
    public static final int STARTUP_FAILED = 70;
    /** A connection failed {@code health.maxReconnectAttempts} attempts in a row: restart me. */
    public static final int RECONNECTS_EXHAUSTED = 75;
    /** The configuration is invalid (also {@code gatehouse validate}'s failure code). */
    public static final int CONFIG_INVALID = 78;

    private ExitCodes() {
    }
}
