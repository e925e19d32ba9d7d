package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.GatewaySettingsException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackGatewayTest {

    private final SlackGateway gateway = new SlackGateway();

    @Test
    void servesTheSlackPlatformWithBothTokensSecret() {
        assertThat(gateway.platform()).isEqualTo("slack");
        assertThat(gateway.secretKeys()).containsExactlyInAnyOrder("appToken", "botToken");
    }

    @Test
    void probesTheApiUrlUnlessAProbeUrlIsGiven() {
        Map<String, Object> base = Map.of("appToken", "xapp-1-x", "botToken", "xoxb-1-x", "apiUrl", "http://127.0.0.1:9/api/");
        assertThat(gateway.probeUri(new GatewaySettings("workspaces.a.slack", base)))
                .isEqualTo(URI.create("http://127.0.0.1:9/api/api.test"));
    }

    @Test
    void validationRejectsWhatOpenWouldRefuse() {
        assertThatThrownBy(() -> gateway.validate(new GatewaySettings("workspaces.a.slack",
                Map.of("appToken", "xoxb-1-x", "botToken", "xoxb-1-x"))))
                .isInstanceOf(GatewaySettingsException.class).hasMessageStartingWith("workspaces.a.slack.appToken:");
    }
}
