package dev.gatehouse.host.supervisor;

/** Outcome of an operator's {@link Supervisor#reconnect()}. */
public enum ReconnectResult {
    STARTED("reconnect started"),
    ALREADY_IN_PROGRESS("reconnect already in progress"),
    NETWORK_DOWN("network unreachable"),
    NOT_RUNNING("connection is not running");

    public final String message;

    ReconnectResult(String message) {
        this.message = message;
    }
}
