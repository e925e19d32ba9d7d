package dev.gatehouse.api;

import java.time.Duration;

/**
 * What one connection attempt of one workspace may use. Created by the host for each call to
 * {@link Gateway#open(GatewayContext)}; everything in it belongs to that attempt and is revoked by
 * the host when the attempt is superseded or closed.
 */
public interface GatewayContext {

    /**
     * The workspace id, as written under {@code workspaces} in the configuration.
     *
     * @return the workspace id
     */
    String workspace();

    /**
     * The platform key of the gateway being opened.
     *
     * @return the platform key
     */
    String platform();

    /**
     * The attempt number for this workspace and platform. It grows by one with every attempt; use it in
     * log lines so that lines of a superseded attempt can be told apart.
     *
     * @return the attempt epoch, starting at 1
     */
    long epoch();

    /**
     * This workspace's settings for this platform, with secrets resolved.
     *
     * @return the settings
     */
    GatewaySettings settings();

    /**
     * The health handle of this attempt. Signals sent through it after the attempt was superseded are
     * ignored by the host.
     *
     * @return the health handle
     */
    GatewayHealth health();

    /**
     * Where inbound events go.
     *
     * @return the sink for this attempt
     */
    InboundSink inbound();

    /**
     * Executors owned by the host for this attempt. The host shuts them down after the connection is
     * closed.
     *
     * @return the executors
     */
    GatewayExecutors executors();

    /**
     * How long {@link GatewayConnection#close()} may take before the host gives up on it and counts the
     * connection as hung.
     *
     * @return the close bound
     */
    Duration closeTimeout();
}
