package dev.gatehouse.tck;

import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.api.GatewayHealth;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.InboundSink;
import java.time.Duration;

/** The kit's {@link GatewayContext}: one per connection attempt, plain values. */
final class TckContext implements GatewayContext {

    private final String workspace;
    private final String platform;
    private final long epoch;
    private final GatewaySettings settings;
    private final RecordingHealth health;
    private final RecordingSink inbound;
    final TckExecutors executors;
    private final Duration closeTimeout;

    TckContext(String workspace, String platform, long epoch, GatewaySettings settings, RecordingHealth health,
            RecordingSink inbound, TckExecutors executors, Duration closeTimeout) {
        this.workspace = workspace;
        this.platform = platform;
        this.epoch = epoch;
        this.settings = settings;
        this.health = health;
        this.inbound = inbound;
        this.executors = executors;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public String workspace() {
        return workspace;
    }

    @Override
    public String platform() {
        return platform;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public GatewaySettings settings() {
        return settings;
    }

    @Override
    public GatewayHealth health() {
        return health;
    }

    @Override
    public InboundSink inbound() {
        return inbound;
    }

    @Override
    public GatewayExecutors executors() {
        return executors;
    }

    @Override
    public Duration closeTimeout() {
        return closeTimeout;
    }

    @Override
    public String toString() {
        return "GatewayContext[" + platform + "/" + workspace + " epoch " + epoch + "]";
    }
}
