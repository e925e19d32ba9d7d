package dev.gatehouse.discord;

import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.sim.discord.DispatchReceipt;
import dev.gatehouse.sim.discord.GatewayFault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Socket faults JDA heals by itself. The host must see exactly one "disconnected" per lost socket
 * (its storm guard is set to engage on one more), then "connected", resumed or not as Discord decided,
 * and never force a reconnect of its own.
 */
class DiscordResumeIT extends SimulatorIT {

    /** A host whose storm guard engages on one socket loss more than {@code losses}. */
    private DiscordHost connectedHost(int losses, String outageReportAfter) throws Exception {
        h = new DiscordHost(sim, dir).health("outageReportAfter", outageReportAfter)
                .healthSection("stormGuard", Map.of("enabled", "true", "maxDisconnects", Integer.toString(losses),
                        "window", "60s"))
                .startConnected();
        h.bot.guildMessage(general, alice, "warm-up"); // JDA's message path loaded before the fault
        await().atMost(Duration.ofSeconds(5)).until(() -> h.texts().contains("warm-up"));
        return h;
    }

    static Stream<Arguments> resumableFaults() {
        return Stream.of(
                Arguments.of("TCP FIN", GatewayFault.fin()),
                Arguments.of("TCP RST", GatewayFault.rst()),
                Arguments.of("op 7 reconnect", GatewayFault.reconnect()),
                Arguments.of("op 9 resumable", GatewayFault.invalidSession(true)),
                Arguments.of("close 4000", GatewayFault.close(4000, "Unknown error.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumableFaults")
    void isResumedWithoutOutageAndWithoutAForcedReconnect(String name, GatewayFault fault) throws Exception {
        connectedHost(1, "30s");
        long t0 = System.nanoTime();

        assertThat(h.bot.inject(fault)).isEqualTo(1);
        List<DispatchReceipt> gap = List.of(h.bot.guildMessage(general, alice, "gap-1"), h.bot.directMessage(alice, "gap-2"));

        await().atMost(Duration.ofSeconds(10)).until(() -> h.events.first(DISCONNECTED, t0).isPresent()
                && h.events.count(CONNECTED, t0) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.texts().containsAll(List.of("gap-1", "gap-2")));
        await().during(Duration.ofMillis(500)).until(() -> h.texts().size() == 3);

        assertThat(gap).allSatisfy(r -> assertThat(r.accepted()).isTrue());
        assertThat(h.events.history().subList(2, h.events.history().size())).hasSize(2).last().asString()
                .isEqualTo("#1 DISCONNECTED->CONNECTED (library reconnected (resumed))");
        assertThat(h.status().forcedReconnects()).isZero();
        assertThat(h.status().stormReconnects()).isZero();
        assertThat(h.status().libraryReconnects()).isEqualTo(1);
        assertThat(h.events.outages).isEmpty();
        assertThat(h.bot.stats().resumes()).isEqualTo(1);
        assertThat(h.bot.stats().identifies()).isEqualTo(1);
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        Figures.healed(name, h.events.millisUntil(DISCONNECTED, t0), h.events.millisUntil(CONNECTED, t0),
                h.events.first(DISCONNECTED, t0).orElseThrow().cause() + "; replayed " + h.bot.stats().replayed());
    }

    /**
     * Discord ends the session on 4009 (session timed out): JDA still sends RESUME (it never invalidates
     * on a close code), gets op 9 false and identifies afresh. Two sockets lost, a fresh session.
     */
    @Test
    void close4009IsHealedByJdaOnAFreshSession() throws Exception {
        connectedHost(2, "30s");
        long t0 = System.nanoTime();

        h.bot.inject(GatewayFault.close(4009, "Session timed out."));

        await().atMost(Duration.ofSeconds(15)).until(() -> h.events.count(CONNECTED, t0) == 1);
        assertThat(h.events.first(CONNECTED, t0).orElseThrow().cause()).isEqualTo("library reconnected");
        assertThat(h.status().forcedReconnects()).isZero();
        assertThat(h.status().stormReconnects()).isZero();
        assertThat(h.events.outages).isEmpty();
        assertThat(h.bot.stats().resumes()).isEqualTo(1);
        assertThat(h.bot.stats().identifies()).isEqualTo(2);
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        Figures.healed("close 4009", h.events.millisUntil(DISCONNECTED, t0), h.events.millisUntil(CONNECTED, t0),
                "RESUME refused, re-identified");
    }

    /** SessionInvalidateEvent fires twice per op 9; the host still hears of one loss (storm guard at 1). */
    @Test
    void nonResumableInvalidSessionIsReIdentifiedAndReportedAsNotResumed() throws Exception {
        connectedHost(1, "30s");
        long t0 = System.nanoTime();

        h.bot.inject(GatewayFault.invalidSession(false));

        await().atMost(Duration.ofSeconds(15)).until(() -> h.events.count(CONNECTED, t0) == 1);
        assertThat(h.events.history().subList(2, h.events.history().size())).containsExactly(
                "#1 CONNECTED->DISCONNECTED (gateway socket lost: 1000 'INVALIDATE_SESSION')",
                "#1 DISCONNECTED->CONNECTED (library reconnected)");
        assertThat(h.status().stormReconnects()).isZero();
        assertThat(h.status().forcedReconnects()).isZero();
        assertThat(h.events.outages).as("below outageReportAfter").isEmpty();
        assertThat(h.bot.stats().identifies()).isEqualTo(2);
        assertThat(h.bot.stats().resumes()).isZero();
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        Figures.healed("op 9 not resumable", h.events.millisUntil(DISCONNECTED, t0), h.events.millisUntil(CONNECTED, t0),
                "re-identified through the 5 s identify spacing");
    }

    @Test
    void aFreshSessionAfterAGapLongerThanTheThresholdIsReportedAsAnOutage() throws Exception {
        connectedHost(1, "1s");
        long t0 = System.nanoTime();

        h.bot.inject(GatewayFault.invalidSession(false));

        await().atMost(Duration.ofSeconds(15)).until(() -> h.events.count(CONNECTED, t0) == 1);
        // The outage is reported once its backfill ran, which starts only after the reconnect.
        await().atMost(Duration.ofSeconds(10)).until(() -> !h.events.outages.isEmpty());
        assertThat(h.events.outages).singleElement().satisfies(o -> {
            assertThat(o.workspace()).isEqualTo(DiscordHost.WORKSPACE);
            assertThat(o.gap()).isGreaterThan(Duration.ofSeconds(1));
        });
        assertThat(h.events.count(ReconnectKind.FORCED)).isZero();
    }
}
