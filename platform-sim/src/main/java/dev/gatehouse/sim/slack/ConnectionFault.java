package dev.gatehouse.sim.slack;

/**
 * The closed menu of faults that can hit an open WebSocket, applied with {@link SlackSimulator#inject} to
 * one connection or with {@link SlackSimulator#injectAll} to every open connection of an app.
 *
 * <p>The closing faults act once. {@link HalfOpen} and {@link BlackHole} last until
 * {@link SlackSimulator#clearFaults(SimConnection)} or until the connection closes.
 */
public sealed interface ConnectionFault {

    /** The TCP connection is closed with a FIN and no WebSocket close frame; the client sees code 1006. */
    record AbruptClose() implements ConnectionFault {
    }

    /** The TCP connection is reset (RST, via {@code SO_LINGER 0}) without a close frame. */
    record Reset() implements ConnectionFault {
    }

    /**
     * A WebSocket close frame with the given code is sent; the socket closes when the client answers.
     *
     * @param code   the close code, e.g. 1001 (going away) or 1011 (server error)
     * @param reason the close reason text
     */
    record CloseFrame(int code, String reason) implements ConnectionFault {
    }

    /**
     * The connection stays up and keeps carrying envelopes, but pings on it are no longer answered with
     * pongs, so the client's liveness check fails on this connection only.
     */
    record HalfOpen() implements ConnectionFault {
    }

    /**
     * Nothing crosses the connection in either direction any more (data, FIN and RST are held), while the
     * TCP connection stays open on both sides. Only for connections routed through the simulator's proxy
     * (see {@link SlackSimulator#routeThroughProxy}); clearing the fault releases what was held.
     */
    record BlackHole() implements ConnectionFault {
    }

    /** See {@link AbruptClose}. */
    static ConnectionFault abruptClose() {
        return new AbruptClose();
    }

    /** See {@link Reset}. */
    static ConnectionFault reset() {
        return new Reset();
    }

    /** See {@link CloseFrame}. */
    static ConnectionFault closeFrame(int code, String reason) {
        return new CloseFrame(code, reason);
    }

    /** See {@link HalfOpen}. */
    static ConnectionFault halfOpen() {
        return new HalfOpen();
    }

    /** See {@link BlackHole}. */
    static ConnectionFault blackHole() {
        return new BlackHole();
    }
}
