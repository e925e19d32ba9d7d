package dev.gatehouse.host.supervisor;

/**
 * How a handover ended: the new connection replaced the old one, or it did not and why.
 *
 * @param outcome what happened
 * @param detail a sentence for logs and reload results (the failure's cause), or {@code null}
 */
public record HandoverResult(Outcome outcome, String detail) {

    /** What a handover led to. */
    public enum Outcome {
        /** The new connection is CONNECTED and serves; the old one was closed after it. */
        HANDED_OVER,
        /** The new connection did not connect (it was closed); the old one still serves. */
        FAILED,
        /** The connection was not CONNECTED, so there was nothing to keep serving: nothing was done. */
        NOT_CONNECTED,
        /** Another handover of this connection is running: nothing was done. */
        ALREADY_IN_PROGRESS,
        /** The connection is stopped, failed or gave up: nothing was done. */
        NOT_RUNNING
    }

    static HandoverResult of(Outcome outcome) {
        return new HandoverResult(outcome, null);
    }

    public boolean handedOver() {
        return outcome == Outcome.HANDED_OVER;
    }
}
