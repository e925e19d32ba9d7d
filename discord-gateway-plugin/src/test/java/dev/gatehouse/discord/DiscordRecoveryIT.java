package dev.gatehouse.discord;

import static dev.gatehouse.host.status.ConnectionState.BACKING_OFF;
import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.sim.discord.AcceptMode;
import dev.gatehouse.sim.discord.GatewayFault;
import dev.gatehouse.sim.discord.IdentifyReply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Where JDA alone would loop or wait forever, the host's policy takes over through what the plugin
 * reports: an unreachable gateway at start-up (JDA retries silently every 5 s), a server that drops
 * every socket right after HELLO (JDA reconnects with no delay at all), a RESUMED JDA cannot parse
 * (JDA stuck before CONNECTED), and a session Discord invalidates on every IDENTIFY (JDA re-identifies
 * forever).
 */
class DiscordRecoveryIT extends SimulatorIT {

    @Test
    void anUnreachableGatewayAtStartFailsAttemptsOnTheHostsBackoffThenConnectsWhenItHeals() throws Exception {
        sim.stopListening();
        h = new DiscordHost(sim, dir).health("openTimeout", "3s").start();

        // Listeners run after the status snapshot is published: wait for what the listener recorded.
        await().atMost(Duration.ofSeconds(15)).until(() -> h.status().consecutiveFailures() >= 2
                && h.events.count(BACKING_OFF, Long.MIN_VALUE) >= 2);
        // Which bound ran out first depends on how fast JDA's start returns on this machine; each is the host's.
        assertThat(h.status().lastError()).matches("opened, but not connected within 3 s|open did not return within 3 s"
                + "|open of epoch \\d+ still has not returned after \\d+ s past its bound.*");
        long healed = System.nanoTime();
        sim.startListening();

        Duration took = h.awaitConnected(1, Duration.ofSeconds(15));
        assertThat(h.status().epoch()).isGreaterThanOrEqualTo(3);
        assertThat(h.status().consecutiveFailures()).isZero();
        assertThat(h.exit.requests).isEmpty();
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        Figures.measured("gateway refused at start", "connected +" + h.events.millisUntil(CONNECTED, healed)
                + " ms after the port listened again, on attempt " + h.status().epoch() + " (waited " + took.toMillis() + " ms)");
    }

    @Test
    void aServerThatDropsEverySocketAfterHelloTripsTheStormGuardAndTheConnectionRateStaysBounded() throws Exception {
        h = new DiscordHost(sim, dir).health("openTimeout", "3s").startConnected();
        sim.acceptMode(AcceptMode.CLOSE_AFTER_HELLO);
        long t0 = System.nanoTime();

        h.bot.inject(GatewayFault.fin());

        await().atMost(Duration.ofSeconds(10)).until(() -> h.status().stormReconnects() >= 1
                && h.events.first(BACKING_OFF, t0).isPresent());
        long stormMillis = h.events.millisUntil(BACKING_OFF, t0);
        assertThat(h.events.first(BACKING_OFF, t0).orElseThrow().cause()).startsWith("reconnect storm: 11 socket losses within 60 s");
        // keep the fault until a fresh attempt failed too: the host backs off, nothing hot-loops any more
        await().atMost(Duration.ofSeconds(15)).until(() -> h.events.count(BACKING_OFF, t0) >= 2);
        long accepts = sim.acceptsInLast(Duration.ofSeconds(8));
        assertThat(accepts).as("bare JDA: ~770 connections in 8 s").isLessThan(40);
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);

        sim.clearFaults();
        h.awaitConnected(2, Duration.ofSeconds(15));
        assertThat(h.status().forcedReconnects()).isZero();
        Figures.measured("drop after HELLO (hot loop)", "disconnected +" + h.events.millisUntil(DISCONNECTED, t0)
                + " ms, storm guard engaged +" + stormMillis + " ms, " + accepts + " TCP connections in the 8 s after the fault");
    }

    /** JDA stays in AWAITING_LOGIN_CONFIRMATION with ACKs flowing; the host's stale policy replaces it. */
    @Test
    void aResumedJdaCannotParseEndsInAForcedReconnectNotAStuckConnection() throws Exception {
        h = new DiscordHost(sim, dir).health("staleAfter", "3s").startConnected();
        h.bot.resumedDataNull(true);
        long t0 = System.nanoTime();

        h.bot.inject(GatewayFault.fin());

        h.awaitConnected(2, Duration.ofSeconds(15));
        assertThat(h.status().forcedReconnects()).isEqualTo(1);
        assertThat(h.bot.stats().resumes()).isEqualTo(1);
        assertThat(h.bot.stats().identifies()).isEqualTo(2);
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        Figures.healed("RESUMED with d:null (JDA stuck)", h.events.millisUntil(DISCONNECTED, t0),
                h.events.millisUntil(CONNECTED, t0), "by the host: forced reconnect after staleAfter 3 s, new session");
    }

    @Test
    void aSessionInvalidatedOnEveryIdentifyEndsInFailedAttemptsNotAnEndlessLoop() throws Exception {
        h = new DiscordHost(sim, dir).health("staleAfter", "3s").health("openTimeout", "3s").startConnected();
        h.bot.identifyReply(IdentifyReply.INVALID_SESSION);
        long t0 = System.nanoTime();

        h.bot.inject(GatewayFault.invalidSession(false));

        await().atMost(Duration.ofSeconds(20)).until(() -> h.status().consecutiveFailures() >= 1
                && h.events.first(DISCONNECTED, t0).isPresent() && h.events.count(ReconnectKind.FORCED) >= 1);
        assertThat(h.events.count(ReconnectKind.FORCED)).isEqualTo(1);
        // Which bound ran out first depends on how fast JDA's start returns on this machine; each is the host's.
        assertThat(h.status().lastError()).matches("opened, but not connected within 3 s|open did not return within 3 s"
                + "|open of epoch \\d+ still has not returned after \\d+ s past its bound.*");
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);

        sim.clearFaults();
        h.awaitConnected(3, Duration.ofSeconds(15));
        assertThat(h.exit.requests).isEmpty();
    }
}
