package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import net.dv8tion.jda.api.requests.GatewayIntent;
import org.junit.jupiter.api.Test;

class FatalClosesTest {

    @Test
    void authenticationFailedSaysToReplaceTheToken() {
        assertThat(FatalCloses.explain(4004, "workspaces.acme.discord", Set.of())).hasValueSatisfying(m -> assertThat(m)
                .contains("close 4004").contains("workspaces.acme.discord.token").contains("Reset Token"));
    }

    @Test
    void disallowedIntentsNamesThePrivilegedOnesAndBothFixes() {
        assertThat(FatalCloses.explain(4014, "workspaces.acme.discord",
                EnumSet.of(GatewayIntent.MESSAGE_CONTENT, GatewayIntent.GUILD_MEMBERS)))
                .hasValueSatisfying(m -> assertThat(m).contains("close 4014").contains("GUILD_MEMBERS, MESSAGE_CONTENT")
                        .contains("Privileged Gateway Intents").contains("remove it from workspaces.acme.discord.intents"));
    }

    @Test
    void onlyCodesJdaWillNotRecoverFromAreFatal() {
        for (int code : new int[] {4010, 4011, 4013}) {
            assertThat(FatalCloses.explain(code, "p", Set.of())).isPresent();
        }
        for (int code : new int[] {1000, 1001, 1006, 4000, 4007, 4008, 4009, 4012, 4900}) {
            assertThat(FatalCloses.explain(code, "p", Set.of())).as("close %d", code).isEmpty();
        }
    }
}
