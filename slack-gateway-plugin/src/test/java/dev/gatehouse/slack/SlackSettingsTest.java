package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.GatewaySettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackSettingsTest {

    private static final String APP = "xapp-1-A1-secretvalue";
    private static final String BOT = "xoxb-1-2-secretvalue";

    private static GatewaySettings settings(Map<String, Object> overrides) {
        Map<String, Object> v = new HashMap<>(Map.of("appToken", APP, "botToken", BOT));
        v.putAll(overrides);
        v.values().removeIf(x -> x.equals("<absent>"));
        return new GatewaySettings("workspaces.acme.slack", v);
    }

    private static GatewaySettingsException invalid(Map<String, Object> overrides) {
        try {
            SlackSettings.from(settings(overrides));
        } catch (GatewaySettingsException e) {
            return e;
        }
        throw new AssertionError("expected the settings to be rejected: " + overrides);
    }

    @Test
    void validSettingsDefaultToSlacksApiAndItsApiTestProbe() {
        SlackSettings s = SlackSettings.from(settings(Map.of()));
        assertThat(s.appToken()).isEqualTo(APP);
        assertThat(s.botToken()).isEqualTo(BOT);
        assertThat(s.apiUrl()).isEqualTo(URI.create("https://slack.com/api/"));
        assertThat(s.probeUri()).isEqualTo(URI.create("https://slack.com/api/api.test"));
        assertThat(s.transportHooks()).isTrue();
    }

    @Test
    void pingsDefaultToEverySecondWithATwoSecondPongTimeoutAndCanBeTuned() {
        SlackSettings defaults = SlackSettings.from(settings(Map.of()));
        assertThat(defaults.pingInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.pongTimeout()).isEqualTo(Duration.ofSeconds(2));
        SlackSettings tuned = SlackSettings.from(settings(Map.of("pingInterval", "500ms", "pongTimeout", "1500ms")));
        assertThat(tuned.pingInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(tuned.pongTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void pingsSlowerThanTheSdksOwnCheckAreRejectedWithTheBounds() {
        assertThat(invalid(Map.of("pingInterval", "10s")).getMessage()).contains("workspaces.acme.slack.pingInterval")
                .contains("between 100ms and 5000ms").contains("found 10000ms").contains("default is 1s");
        assertThat(invalid(Map.of("pingInterval", "10ms")).getMessage()).contains("pingInterval").contains("found 10ms");
        assertThat(invalid(Map.of("pongTimeout", "5s")).getMessage()).contains("workspaces.acme.slack.pongTimeout")
                .contains("at most 3000ms").contains("found 5000ms");
        assertThat(invalid(Map.of("pingInterval", "2s", "pongTimeout", "1s")).getMessage()).contains("pongTimeout")
                .contains("at least pingInterval (2000ms)");
        assertThat(invalid(Map.of("pingInterval", "soon")).getMessage()).contains("pingInterval");
    }

    @Test
    void transportHooksCanBeTurnedOffForTheEventRecencyFallback() {
        assertThat(SlackSettings.from(settings(Map.of("transportHooks", "false"))).transportHooks()).isFalse();
    }

    @Test
    void anApiUrlWithoutTrailingSlashGetsOne() {
        SlackSettings s = SlackSettings.from(settings(Map.of("apiUrl", "http://127.0.0.1:8080/api")));
        assertThat(s.apiUrl()).hasToString("http://127.0.0.1:8080/api/");
        assertThat(s.probeUri()).hasToString("http://127.0.0.1:8080/api/api.test");
    }

    @Test
    void aProbeUrlOverridesTheDefaultProbe() {
        SlackSettings s = SlackSettings.from(settings(Map.of("probeUrl", "https://status.example.com/ping")));
        assertThat(s.probeUri()).hasToString("https://status.example.com/ping");
    }

    @Test
    void wrongTokenPrefixesNameTheKeyAndNeverTheValue() {
        GatewaySettingsException app = invalid(Map.of("appToken", "xoxb-mixed-up-secretvalue"));
        assertThat(app.keyPath()).isEqualTo("workspaces.acme.slack.appToken");
        assertThat(app.getMessage()).contains("'xapp-'").doesNotContain("secretvalue");
        GatewaySettingsException bot = invalid(Map.of("botToken", "xapp-mixed-up-secretvalue"));
        assertThat(bot.keyPath()).isEqualTo("workspaces.acme.slack.botToken");
        assertThat(bot.getMessage()).contains("'xoxb-'").doesNotContain("secretvalue");
    }

    @Test
    void aTokenWithWhitespaceInsideIsRejectedButSurroundingWhitespaceIsTrimmed() {
        assertThat(SlackSettings.from(settings(Map.of("botToken", "  " + BOT + "\n"))).botToken()).isEqualTo(BOT);
        assertThat(invalid(Map.of("botToken", "xoxb-abc def-secretvalue")).getMessage())
                .contains("whitespace").doesNotContain("secretvalue");
    }

    @Test
    void missingTokensAreRequired() {
        assertThat(invalid(Map.of("appToken", "<absent>")).keyPath()).isEqualTo("workspaces.acme.slack.appToken");
        assertThat(invalid(Map.of("botToken", "<absent>")).getMessage()).contains("required");
    }

    @Test
    void malformedUrlsAreConfigErrorsNamingTheKey() {
        assertThat(invalid(Map.of("apiUrl", "not a url")).keyPath()).isEqualTo("workspaces.acme.slack.apiUrl");
        assertThat(invalid(Map.of("apiUrl", "wss://slack.com/api/")).getMessage()).contains("http or https");
        assertThat(invalid(Map.of("apiUrl", "https://slack.com/api/?x=1")).getMessage()).contains("without query");
        assertThat(invalid(Map.of("probeUrl", "ftp://example.com/")).keyPath()).isEqualTo("workspaces.acme.slack.probeUrl");
    }

    @Test
    void unknownKeysAreRejectedSoTyposSurface() {
        assertThat(invalid(Map.of("apiURL", "https://slack.com/api/")).getMessage())
                .startsWith("workspaces.acme.slack.apiURL: unknown setting");
    }

    @Test
    void toStringHidesTheTokens() {
        assertThat(SlackSettings.from(settings(Map.of())).toString()).doesNotContain("secretvalue").contains("tokens hidden");
    }
}
