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
    CLOSE_AFTER_HELLO
}
