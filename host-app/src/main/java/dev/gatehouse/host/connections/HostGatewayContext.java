package dev.gatehouse.host.connections;

import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.api.GatewayHealth;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.InboundSink;
import java.time.Duration;

/** The host's {@link GatewayContext}: plain values, one instance per attempt. */
record HostGatewayContext(String workspace, String platform, long epoch, GatewaySettings settings, GatewayHealth health,
        InboundSink inbound, GatewayExecutors executors, Duration closeTimeout) implements GatewayContext {

    @Override
    public String toString() {
        return "GatewayContext[" + platform + "/" + workspace + " epoch " + epoch + "]";
    }
}
