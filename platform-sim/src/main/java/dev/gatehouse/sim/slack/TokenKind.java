package dev.gatehouse.sim.slack;

/** Which credential a Web API call presented. */
public enum TokenKind {
    /** The app-level token ({@code xapp-…}) of a registered app. */
    APP,
    /** The bot token ({@code xoxb-…}) of a registered app. */
    BOT,
    /** A token no registered app owns; answered with {@code invalid_auth}. */
    UNKNOWN,
    /** No token at all; answered with {@code not_authed}. */
    NONE
}
