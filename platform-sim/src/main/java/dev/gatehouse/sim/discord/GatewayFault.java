package dev.gatehouse.sim.discord;

/**
 * The closed menu of faults that act on open gateway connections, applied with
 * {@link SimConnection#inject}, {@link SimBot#inject} or {@link DiscordSimulator#inject}. One-shot
 * faults act once; {@link StopAcks} and {@link BlackHole} stay on that connection until it closes or
 * the scope's {@code clearFaults()} runs. Faults that shape <em>future</em> connections (identify reply,
 * resume refusal, accept mode, …) are settings on {@link SimBot} and {@link DiscordSimulator}.
 */
public sealed interface GatewayFault {

    /** Drop TCP with a FIN and no close frame (JDA: client close 1002, then RESUME). */
    record Fin() implements GatewayFault {
    }

    /** Drop TCP with a RST ({@code SO_LINGER 0}) and no close frame (JDA: client close 1008, then RESUME). */
    record Rst() implements GatewayFault {
    }

    /**
     * Send a close frame and close TCP once the client echoes it (or after the close timeout). Codes
     * 4004, 4007, 4009 and 4010–4014 also end the session, as on Discord, so a later RESUME is refused.
     */
    record Close(int code, String reason) implements GatewayFault {
        public Close {
            if (code < 1000 || code > 4999) {
                throw new IllegalArgumentException("close code out of range: " + code);
            }
            reason = reason == null ? "" : reason;
        }
    }

    /** Op 7 RECONNECT: the client should close and RESUME. */
    record Reconnect() implements GatewayFault {
    }

    /** Op 9 INVALID_SESSION; {@code resumable=false} also ends the session (the client must IDENTIFY). */
    record InvalidSession(boolean resumable) implements GatewayFault {
    }

    /** Op 1 HEARTBEAT from the server: the client must heartbeat at once. */
    record HeartbeatRequest() implements GatewayFault {
    }

    /** Stop answering heartbeats on this connection; everything else keeps working (a zombie). */
    record StopAcks() implements GatewayFault {
    }

    /** Read and drop every frame, send nothing, leave close frames unanswered, keep TCP open. */
    record BlackHole() implements GatewayFault {
    }

    static GatewayFault fin() {
        return new Fin();
    }

    static GatewayFault rst() {
        return new Rst();
    }

    static GatewayFault close(int code, String reason) {
        return new Close(code, reason);
    }

    static GatewayFault reconnect() {
        return new Reconnect();
    }

    static GatewayFault invalidSession(boolean resumable) {
        return new InvalidSession(resumable);
    }

    static GatewayFault heartbeatRequest() {
        return new HeartbeatRequest();
    }

    static GatewayFault stopAcks() {
        return new StopAcks();
    }

    static GatewayFault blackHole() {
        return new BlackHole();
    }
}
