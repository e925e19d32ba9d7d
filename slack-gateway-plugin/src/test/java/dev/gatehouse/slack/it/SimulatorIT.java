package dev.gatehouse.slack.it;

import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every integration test class shares: one Slack simulator per class, a temporary folder, and
 * the host a test starts in {@link #host}, closed after each test. A class that needs other simulator
 * options declares its own {@code static void startSimulator()} with {@code @BeforeAll}, which hides
 * this one, and builds on {@link #simulator()}.
 */
@IntegrationTest
abstract class SimulatorIT {

    @TempDir
    static Path dir;
    static SlackSimulator sim;
    /** The host a test started, if it keeps it in this field; closed after the test. */
    SlackHost host;

    /** The simulator options every class shares: a lifetime bound so that a stuck run cannot hang CI. */
    static SlackSimulator.Builder simulator() {
        return SlackSimulator.builder().maxLifetime(Duration.ofMinutes(10));
    }

    @BeforeAll
    static void startSimulator() {
        sim = simulator().start();
    }

    @AfterEach
    void closeHost() {
        if (host != null) {
            host.close();
        }
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }
}
