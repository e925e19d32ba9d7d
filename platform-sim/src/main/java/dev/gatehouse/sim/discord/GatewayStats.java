package dev.gatehouse.sim.discord;

/**
 * Counters of the fake gateway and REST API, for the whole simulator or one bot. Per-bot gateway
 * figures count a connection from the moment it identifies or resumes as that bot, so a connection
 * dropped before its first frame (or a refused one) shows only in the global figures.
 *
 * @param tcpAccepts    TCP connections accepted
 * @param handshakes    WebSocket upgrades completed
 * @param identifies    IDENTIFY frames received
 * @param resumes       RESUME frames received
 * @param openSockets   connections open now: from accept until the close handshake starts (either side)
 *                      or the TCP connection ends, so that a socket being closed never overlaps its successor
 * @param maxOpenAtOnce most connections open at the same time since start or the last reset. For one bot,
 *                      above 1 means two clients of that bot were live at once: a client's own reconnect
 *                      cannot overlap, since the server counts a socket closed before the client can see it
 *                      end (a bot's count starts at its IDENTIFY or RESUME, so a socket still in its
 *                      handshake is not yet the bot's)
 * @param heartbeats    HEARTBEAT frames received
 * @param acks          HEARTBEAT_ACK frames sent
 * @param dispatches    op 0 frames written to sockets (READY, RESUMED and replays included)
 * @param replayed      dispatches re-sent after a RESUME
 * @param restRequests  REST requests served (any status)
 * @param rateLimited   REST requests answered 429
 */
public record GatewayStats(
        long tcpAccepts,
        long handshakes,
        long identifies,
        long resumes,
        int openSockets,
        int maxOpenAtOnce,
        long heartbeats,
        long acks,
        long dispatches,
        long replayed,
        long restRequests,
        long rateLimited) {
}
