package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.GatewaySettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dv8tion.jda.api.requests.GatewayIntent;
import org.junit.jupiter.api.Test;

class DiscordSettingsTest {

    private static final String TOKEN = "MTIz.secret-token.value";

    private static GatewaySettings settings(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("token", TOKEN);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new GatewaySettings("workspaces.acme.discord", m);
    }

    @Test
    void defaultsPointAtDiscordWithTheMessageIntents() {
        DiscordSettings s = DiscordSettings.parse(settings());
        assertThat(s.apiUrl()).isEqualTo(URI.create("https://discord.com/api/v10/"));
        assertThat(s.gatewayUrl()).isEqualTo(URI.create("wss://gateway.discord.gg/"));
        assertThat(s.probeUrl()).isEqualTo(URI.create("https://discord.com/api/v10/gateway"));
        assertThat(s.intents()).containsExactlyInAnyOrder(GatewayIntent.GUILD_MESSAGES, GatewayIntent.DIRECT_MESSAGES,
                GatewayIntent.MESSAGE_CONTENT, GatewayIntent.GUILD_MESSAGE_REACTIONS,
                GatewayIntent.DIRECT_MESSAGE_REACTIONS);
        assertThat(s.zombieMultiple()).isEqualTo(2.0);
        assertThat(s.loginTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.privilegedIntents()).containsExactly(GatewayIntent.MESSAGE_CONTENT);
    }

    @Test
    void urlsAreTakenAsGivenWithATrailingSlashOnTheRestBase() {
        DiscordSettings s = DiscordSettings.parse(settings("apiUrl", "http://127.0.0.1:8080/api/v10",
                "gatewayUrl", "ws://127.0.0.1:9090/", "zombieMultiple", "1.5", "loginTimeout", "5s"));
        assertThat(s.apiUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/api/v10/"));
        assertThat(s.probeUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/api/v10/gateway"));
        assertThat(s.gatewayUrl()).isEqualTo(URI.create("ws://127.0.0.1:9090/"));
        assertThat(s.zombieMultiple()).isEqualTo(1.5);
        assertThat(s.loginTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(DiscordSettings.parse(settings("probeUrl", "https://example.org/up")).probeUrl())
                .isEqualTo(URI.create("https://example.org/up"));
    }

    @Test
    void intentsAreMatchedByNameInAnyCase() {
        DiscordSettings s = DiscordSettings.parse(settings("intents", List.of("guild_messages", "Guild-Members")));
        assertThat(s.intents()).containsExactlyInAnyOrder(GatewayIntent.GUILD_MESSAGES, GatewayIntent.GUILD_MEMBERS);
        assertThat(s.privilegedIntents()).containsExactly(GatewayIntent.GUILD_MEMBERS);
    }

    @Test
    void anUnknownIntentIsAnErrorListingTheValidOnes() {
        assertThatThrownBy(() -> DiscordSettings.parse(settings("intents", "GUILD_MESSAGES, GUILD_MESAGES")))
                .isInstanceOf(GatewaySettingsException.class)
                .hasMessageStartingWith("workspaces.acme.discord.intents: unknown intent(s) [GUILD_MESAGES]")
                .hasMessageContaining("valid intents are [")
                .hasMessageContaining("DIRECT_MESSAGES").hasMessageContaining("MESSAGE_CONTENT");
    }

    @Test
    void theTokenIsRequiredAndNeverEchoed() {
        assertThatThrownBy(() -> DiscordSettings.parse(new GatewaySettings("workspaces.acme.discord", Map.of())))
                .hasMessage("workspaces.acme.discord.token: missing; this setting is required");
        assertThatThrownBy(() -> DiscordSettings.parse(settings("token", "two words")))
                .hasMessageStartingWith("workspaces.acme.discord.token: a bot token is one word")
                .hasMessageNotContaining("two words");
        assertThat(DiscordSettings.parse(settings()).toString()).doesNotContain(TOKEN);
        assertThatThrownBy(() -> DiscordSettings.parse(settings("zombieMultiple", "lots")))
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void aBotPrefixIsDroppedBecauseJdaAddsItsOwn() {
        assertThat(DiscordSettings.parse(settings("token", "Bot " + TOKEN)).token()).isEqualTo(TOKEN);
    }

    @Test
    void schemesMustFitEachUrl() {
        assertThatThrownBy(() -> DiscordSettings.parse(settings("apiUrl", "ws://127.0.0.1/api/")))
                .hasMessage("workspaces.acme.discord.apiUrl: expected a http or https URL, found 'ws://127.0.0.1/api/'");
        assertThatThrownBy(() -> DiscordSettings.parse(settings("gatewayUrl", "https://gateway.discord.gg/")))
                .hasMessageStartingWith("workspaces.acme.discord.gatewayUrl: expected a ws or wss URL");
    }

    @Test
    void theZombieMultipleStaysWhereItCanNeitherRaceTheAckNorLagBehindJda() {
        assertThatThrownBy(() -> DiscordSettings.parse(settings("zombieMultiple", "1.0")))
                .hasMessageStartingWith("workspaces.acme.discord.zombieMultiple: must be between 1.25 and 3.0");
        assertThatThrownBy(() -> DiscordSettings.parse(settings("zombieMultiple", "4")))
                .isInstanceOf(GatewaySettingsException.class);
    }

    @Test
    void unknownKeysAreErrorsNamingTheKnownOnes() {
        assertThatThrownBy(() -> DiscordSettings.parse(settings("zombieMultiplier", "2")))
                .hasMessageStartingWith("workspaces.acme.discord.zombieMultiplier: unknown key;")
                .hasMessageContaining("zombieMultiple");
    }

    @Test
    void theGatewayValidatesAndNamesItsSecretAndProbe() {
        DiscordGateway g = new DiscordGateway();
        assertThat(g.platform()).isEqualTo("discord");
        assertThat(g.secretKeys()).containsExactly("token");
        assertThat(g.redeliversUnacknowledgedEvents()).isFalse();
        assertThat(g.probeUri(settings("apiUrl", "http://127.0.0.1:1/api/v10/")))
                .isEqualTo(URI.create("http://127.0.0.1:1/api/v10/gateway"));
        assertThatThrownBy(() -> g.validate(settings("intents", "NOPE"))).isInstanceOf(GatewaySettingsException.class);
    }
}
