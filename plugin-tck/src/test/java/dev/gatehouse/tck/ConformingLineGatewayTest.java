package dev.gatehouse.tck;

import java.time.Duration;

/** The kit passes a gateway that keeps the contract (the class-loader check is skipped: no jar). */
class ConformingLineGatewayTest extends GatewayConformanceTest {

    @Override
    protected PluginSource plugin() {
        return PluginSource.gateway(ctx -> new LineGateway(LineGateway.Flaw.NONE));
    }

    @Override
    protected TransportControl openTransport() throws Exception {
        return new LineServer();
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }
}
