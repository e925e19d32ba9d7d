package dev.gatehouse.sim.discord;

/** How the gateway answers an IDENTIFY from a known token. */
public enum IdentifyReply {
    /** Start a session: READY, then GUILD_CREATE for each guild. The default. */
    READY,
    /** Close 4004 "Authentication failed." — JDA treats it as fatal and shuts down. */
    CLOSE_4004,
    /** Close 4014 "Disallowed intent(s)." — fatal for JDA as well. */
    CLOSE_4014,
    /** Op 9 INVALID_SESSION {@code d=false} — JDA re-identifies later, forever. */
    INVALID_SESSION
}
