package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.sim.discord.IdentifyReply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What retrying cannot fix ends in FAILED at once, with the cause saying what to change, and nothing
 * connects again: a rejected token on the gateway (4004) or on REST (401), a privileged intent the
 * bot may not use (4014).
 */
class DiscordFatalIT extends SimulatorIT {

    /** Starts the host and waits for FAILED; then checks nothing else connects for a while. */
    private long startAndAwaitFailed() throws Exception {
        long t0 = System.nanoTime();
        h.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.state() == ConnectionState.FAILED);
        long failedMillis = h.events.millisUntil(ConnectionState.FAILED, t0);
        long accepts = sim.stats().tcpAccepts();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(3 + 5))
                .until(() -> h.state() == ConnectionState.FAILED && sim.stats().tcpAccepts() == accepts);
        assertThat(h.status().forcedReconnects()).isZero();
        assertThat(h.status().consecutiveFailures()).isZero();
        assertThat(h.exit.requests).as("FAILED waits for an operator; it does not exit").isEmpty();
        assertThat(h.bot.stats().maxOpenAtOnce()).isLessThanOrEqualTo(1);
        return failedMillis;
    }

    @Test
    void aTokenTheGatewayRejectsWith4004FailsOnceAndSaysToReplaceIt() throws Exception {
        h = new DiscordHost(sim, dir);
        h.bot.identifyReply(IdentifyReply.CLOSE_4004);

        long failed = startAndAwaitFailed();

        assertThat(h.status().lastError()).startsWith("Discord rejected the bot token (close 4004")
                .contains("workspaces.acme.discord.token").contains("Reset Token");
        assertThat(h.bot.stats().identifies()).isEqualTo(1);
        Figures.measured("IDENTIFY answered 4004", "FAILED +" + failed + " ms after the host started, after one IDENTIFY");
    }

    @Test
    void aDisallowedPrivilegedIntentFailsOnceAndNamesBothFixes() throws Exception {
        h = new DiscordHost(sim, dir);
        h.bot.identifyReply(IdentifyReply.CLOSE_4014);

        long failed = startAndAwaitFailed();

        assertThat(h.status().lastError()).startsWith("Discord refused a privileged intent (close 4014, disallowed intents)"
                + " among MESSAGE_CONTENT").contains("Privileged Gateway Intents")
                .contains("remove it from workspaces.acme.discord.intents");
        assertThat(h.bot.stats().identifies()).isEqualTo(1);
        Figures.measured("IDENTIFY answered 4014", "FAILED +" + failed + " ms after the host started, after one IDENTIFY");
    }

    @Test
    void aTokenRestRejectsWith401FailsBeforeAnySocketOpens() throws Exception {
        h = new DiscordHost(sim, dir);
        h.bot.restUnauthorized(true);
        long acceptsBefore = sim.stats().tcpAccepts();

        startAndAwaitFailed();

        assertThat(h.status().lastError()).startsWith("Discord answered 401 Unauthorized to GET users/@me")
                .contains("workspaces.acme.discord.token").doesNotContain(h.bot.token());
        assertThat(sim.stats().tcpAccepts()).isEqualTo(acceptsBefore);
        assertThat(h.bot.restCalls()).extracting(c -> c.method() + " " + c.route() + " " + c.status())
                .containsExactly("GET /users/@me 401");
    }
}
