package dev.gatehouse.host.status;

/** The states of one supervised connection (one workspace on one platform). */
public enum ConnectionState {
    /** Not running: before start, after stop or disable, or after the host gave up. */
    STOPPED,
    /** The first attempt is opening and waiting for the plugin to report "connected". */
    CONNECTING,
    /** The transport is up. */
    CONNECTED,
    /** The transport is down and the library is healing it by itself; the host waits. */
    DISCONNECTED,
    /** The host is replacing the connection: closing the old one, opening a new one. */
    RECONNECTING,
    /** An attempt failed; the host waits out its backoff before the next one. */
    BACKING_OFF,
    /** Retrying cannot help (e.g. token revoked); the host waits for an operator. */
    FAILED
}
