package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.host.exec.HostExecutors;
import dev.gatehouse.host.testing.DripServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The credential check ends by its timeout in all, however slowly Slack answers. */
class CredentialProbeTest {

    private final HostExecutors host = new HostExecutors("slack-check", getClass().getClassLoader(), "acme", "slack", 1);

    @AfterEach
    void stop() {
        host.shutdown(Duration.ofSeconds(2));
    }

    @Test
    void aSlackThatTricklesItsAnswerFailsTheCheckWithinItsTimeoutAndTheSecondCallIsNotMade() throws Exception {
        try (DripServer slack = new DripServer(Duration.ofSeconds(6), Duration.ofMillis(100))) {
            SlackSettings settings = SlackSettings.from(new GatewaySettings("workspaces.acme.slack", Map.of(
                    "appToken", "xapp-1-check", "botToken", "xoxb-check", "apiUrl", "http://127.0.0.1:" + slack.port() + "/api/")));
            long start = System.nanoTime();

            CredentialCheck r = new CredentialProbe(settings, "workspaces.acme.slack").check(host, Duration.ofSeconds(1));

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("one deadline for both calls, each read included").isLessThan(Duration.ofMillis(2500));
            assertThat(r.accepted()).isFalse();
            assertThat(r.detail()).startsWith("no answer from Slack within 1s (auth.test at http://127.0.0.1:" + slack.port()
                    + "/api/auth.test)").doesNotContain("apps.connections.open");
            assertThat(r.fix()).isEqualTo("check the network and any proxy, and workspaces.acme.slack.apiUrl");
        }
    }
}
