package dev.gatehouse.slack;

/**
 * What to do with Slack's {@code {"type":"disconnect","reason":…}} message. The SDK reconnects at once
 * on every reason and never shows the message to listeners; the plugin intercepts it first.
 *
 * <ul>
 *   <li>{@code refresh_requested}, {@code warning} and anything unknown: let the SDK replace the socket
 *       (make-before-break, nothing lost).</li>
 *   <li>{@code too_many_websockets}: this app already holds Slack's maximum of connections, so an
 *       immediate reconnect only takes a slot from another of this app's consumers and loops. The
 *       plugin holds back: it stops the SDK's reconnecting, closes the socket and reports the
 *       connection down; the host's policy (stale after {@code staleAfter}, then backoff) decides when
 *       to try again.</li>
 *   <li>{@code link_disabled}: Socket Mode was turned off or the app uninstalled; reconnecting at once
 *       cannot help either, so the same.</li>
 * </ul>
 */
enum DisconnectPolicy {
    /** Let the SDK reconnect right away. */
    FOLLOW,
    /** Do not reconnect; report down and leave the timing to the host. */
    HOLD;

    static DisconnectPolicy forReason(String reason) {
        return switch (reason == null ? "" : reason) {
            case "too_many_websockets", "link_disabled" -> HOLD;
            default -> FOLLOW;
        };
    }

    /** The cause reported to the host for a held disconnect. */
    static String cause(String reason) {
        return switch (reason) {
            case "too_many_websockets" -> "Slack refused another WebSocket (too_many_websockets): this app already"
                    + " holds its maximum of Socket Mode connections, probably because other processes use the same"
                    + " app token; not reconnecting until the host's policy decides";
            case "link_disabled" -> "Slack disabled this app's Socket Mode link (link_disabled): check that Socket"
                    + " Mode is on and the app is installed; not reconnecting until the host's policy decides";
            default -> "Slack asked to disconnect (" + reason + ")";
        };
    }
}
