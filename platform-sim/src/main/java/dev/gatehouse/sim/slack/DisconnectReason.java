package dev.gatehouse.sim.slack;

/** The reasons Slack puts in a {@code {"type":"disconnect"}} message. */
public enum DisconnectReason {
    /** Slack is about to cycle the connection (every few hours in production). */
    REFRESH_REQUESTED("refresh_requested"),
    /** Sent ahead of a server-side disconnect. */
    WARNING("warning"),
    /** The app's Socket Mode was turned off or the app was uninstalled. */
    LINK_DISABLED("link_disabled"),
    /** The app exceeded its allowed number of concurrent WebSockets. */
    TOO_MANY_WEBSOCKETS("too_many_websockets");

    private final String wireName;

    DisconnectReason(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the {@code reason} field, e.g. {@code refresh_requested}. */
    public String wireName() {
        return wireName;
    }
}
