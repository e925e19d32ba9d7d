package dev.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    private final GatewaySettings settings = new GatewaySettings("workspaces.acme.slack", Map.of(
            "appToken", "xapp-1-secretvalue",
            "apiUrl", "http://127.0.0.1:8080/api/",
            "badUrl", "not a url",
            "ftpUrl", "ftp://example.com/",
            "count", 3,
            "countText", "three",
            "flag", "TRUE",
            "interval", "500ms",
            "badInterval", "5 minutes",
            "intents", List.of("GUILD_MESSAGES", "DIRECT_MESSAGES")));

    @Test
    void typedAccessorsReadValuesAndDefaults() {
        assertThat(settings.string("appToken")).isEqualTo("xapp-1-secretvalue");
        assertThat(settings.string("missing", "dflt")).isEqualTo("dflt");
        assertThat(settings.integer("count", 0)).isEqualTo(3);
        assertThat(settings.bool("flag", false)).isTrue();
        assertThat(settings.duration("interval", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.uri("apiUrl", null)).isEqualTo(URI.create("http://127.0.0.1:8080/api/"));
        assertThat(settings.stringList("intents", List.of())).containsExactly("GUILD_MESSAGES", "DIRECT_MESSAGES");
        assertThat(settings.stringList("missing", List.of("x"))).containsExactly("x");
    }

    @Test
    void missingRequiredKeyNamesTheFullPath() {
        assertThatThrownBy(() -> settings.string("botToken"))
                .isInstanceOf(GatewaySettingsException.class)
                .hasMessage("workspaces.acme.slack.botToken: missing; this setting is required")
                .extracting(e -> ((GatewaySettingsException) e).keyPath())
                .isEqualTo("workspaces.acme.slack.botToken");
    }

    @Test
    void malformedValuesNameKeyAndExpectation() {
        assertThatThrownBy(() -> settings.integer("countText", 0))
                .hasMessage("workspaces.acme.slack.countText: expected a whole number, found 'three'");
        assertThatThrownBy(() -> settings.uri("badUrl", null))
                .hasMessageStartingWith("workspaces.acme.slack.badUrl: ");
        assertThatThrownBy(() -> settings.uri("ftpUrl", null))
                .hasMessageContaining("expected an absolute http(s) or ws(s) URL");
        assertThatThrownBy(() -> settings.duration("badInterval", null))
                .hasMessageContaining("workspaces.acme.slack.badInterval: '5 minutes' is not a duration");
        assertThatThrownBy(() -> settings.bool("count", false))
                .hasMessageContaining("expected true or false");
    }

    @Test
    void secretValuesNeverAppearInMessagesOrToString() {
        assertThatThrownBy(() -> settings.integer("appToken", 0))
                .hasMessageNotContaining("secretvalue");
        assertThat(settings.toString()).doesNotContain("secretvalue").contains("appToken");
    }
}
