package dev.gatehouse.sim.discord;

/** What the gateway does with a new TCP connection. Applies to connections accepted after it is set. */
public enum AcceptMode {
    /** Complete the WebSocket upgrade, send HELLO and speak the protocol. */
    NORMAL,
    /** Accept TCP but never answer the HTTP upgrade (JDA gives up after its 10 s handshake timeout). */
    STALL_HANDSHAKE,
    /**
     * Upgrade, send HELLO, read the client's first frame (to attribute and count it), then drop the
     * connection with a FIN. A JDA client holding a session resumes without delay and so hot-loops.
     */
    CLOSE_AFTER_HELLO,
    /**
     * Read the client's upgrade request, then hold the answer for as long as this mode is in force;
     * when the mode changes (e.g. {@code clearFaults()}), complete the upgrade and go on as
     * {@link #NORMAL}. A client that closes its socket meanwhile ends the connection. For tests of what
     * a client does while a handshake of its own is still in flight (JDA gives up after 10 s).
     */
    HOLD_HANDSHAKE
}
