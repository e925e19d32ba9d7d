package dev.gatehouse.api;

/**
 * The handle through which a plugin reports what its transport is doing. One handle exists per
 * connection attempt; when the host supersedes the attempt it revokes the handle and ignores anything
 * sent through it afterwards, so a late signal from an old client can never mark a newer one down.
 *
 * <p>Report facts, not decisions: the host decides when to reconnect, back off, write or withhold the
 * heartbeat file, and give up. All methods are cheap, never block, never throw and may be called from
 * any thread, including a library's I/O thread.
 */
public interface GatewayHealth {

    /**
     * The transport is connected and able to receive events.
     *
     * @param resumed {@code true} if the platform resumed the previous session and replays what was
     *     missed (Discord RESUMED); {@code false} if it is a fresh session and events sent while
     *     disconnected may be lost (Slack always; Discord READY after a re-identify)
     */
    void markConnected(boolean resumed);

    /**
     * The transport is down. The library may still be healing it by itself; the host waits before it
     * forces anything. Call it once per socket loss: the host counts losses to detect reconnect storms.
     *
     * @param cause a short human-readable reason, without secrets
     */
    void markDisconnected(String cause);

    /**
     * Proof of inbound life: a frame, a pong, a heartbeat acknowledgement or an event arrived.
     */
    void markAlive();

    /**
     * Retrying cannot help (for example the token was revoked or an intent is not allowed). The host
     * stops reconnecting this workspace, reports the cause, and waits for an operator.
     *
     * @param cause what is wrong and what to fix, without secrets
     */
    void markFatal(String cause);

    /**
     * This plugin could not hook its transport's lifecycle for this connection, so its connected and
     * disconnected signals cannot be trusted. The host then judges liveness by how recently
     * {@link #markAlive()} was called instead — the old event-recency behaviour, kept as a fallback.
     *
     * @param reason why the transport could not be hooked
     */
    void markTransportNotHookable(String reason);

    /**
     * How many network sockets this connection holds open right now (normally 1; briefly 2 while a
     * library replaces a socket make-before-break). Shown in status and metrics.
     *
     * @param openSockets the current count, zero or more
     */
    void reportOpenSockets(int openSockets);

    /**
     * How many connections the platform itself counts for this app or bot (Slack's
     * {@code num_connections}). When it exceeds what this host holds, someone else is consuming this
     * app's events; the host warns once and shows the number in status.
     *
     * @param connections the platform's count
     */
    void reportServerConnectionCount(int connections);

    /**
     * Whether this handle still belongs to the host's current attempt. Plugins may use it to stop work
     * of a superseded client early; it is never required for correctness.
     *
     * @return {@code false} once the attempt was superseded, closed or its plugin unloaded
     */
    boolean isCurrent();
}
