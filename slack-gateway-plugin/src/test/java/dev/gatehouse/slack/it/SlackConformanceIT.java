package dev.gatehouse.slack.it;

import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import dev.gatehouse.tck.GatewayConformanceTest;
import dev.gatehouse.tck.PluginSource;
import dev.gatehouse.tck.TransportControl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance kit against the packaged Slack plugin jar and a Slack simulator app per test. */
@IntegrationTest
class SlackConformanceIT extends GatewayConformanceTest {

    private SlackSimulator sim;

    @BeforeAll
    void startSimulator() {
        sim = SlackSimulator.builder().maxLifetime(Duration.ofMinutes(5)).start();
    }

    @AfterAll
    void stopSimulator() {
        sim.close();
    }

    @Override
    protected PluginSource plugin() {
        return PluginSource.jar(Path.of(System.getProperty("gatehouse.pluginJar")));
    }

    /** The plugin acknowledges a pending envelope 1.5 s after receipt, within Slack's 3 s (see Acknowledger). */
    @Override
    protected Optional<Duration> acknowledgesPendingEventsAfter() {
        return Optional.of(Duration.ofMillis(1500));
    }

    @Override
    protected TransportControl openTransport() {
        SimSlackApp app = sim.registerApp();
        // Through the simulator's proxy: only there can a socket be stalled (a black hole).
        sim.routeThroughProxy(app, true);
        return new TransportControl() {
            @Override
            public GatewaySettings settings() {
                return new GatewaySettings("workspaces.conformance.slack",
                        Map.of("appToken", app.appToken(), "botToken", app.botToken(), "apiUrl", sim.apiUrl()));
            }

            @Override
            public void drop() {
                sim.injectAll(app, ConnectionFault.abruptClose());
            }

            @Override
            public void stall() {
                sim.injectAll(app, ConnectionFault.blackHole());
            }

            @Override
            public void restore() {
                sim.clearFaults(app);
            }

            @Override
            public String pushEvent() {
                return sim.pushMessage(app, "C1", "U1", "from the conformance kit").envelopeId();
            }

            @Override
            public Optional<Boolean> acknowledged(String envelopeId) {
                return Optional.of(sim.ackFor(app, envelopeId).isPresent());
            }

            @Override
            public boolean isServerThread(Thread thread) {
                return thread.getName().startsWith(sim.threadNamePrefix());
            }
        };
    }
}
