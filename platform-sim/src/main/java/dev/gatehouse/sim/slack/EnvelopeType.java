package dev.gatehouse.sim.slack;

/** The Socket Mode envelope types the simulator pushes. */
public enum EnvelopeType {
    /** Events API callbacks; redelivered when not acked in time. */
    EVENTS_API("events_api"),
    /** Interactivity payloads such as {@code block_actions}. */
    INTERACTIVE("interactive"),
    /** Slash command invocations; the ack may carry a response payload. */
    SLASH_COMMANDS("slash_commands");

    private final String wireName;

    EnvelopeType(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the envelope's {@code type} field. */
    public String wireName() {
        return wireName;
    }
}
