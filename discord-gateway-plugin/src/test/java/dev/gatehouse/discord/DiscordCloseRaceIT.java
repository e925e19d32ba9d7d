package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.sim.discord.AcceptMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connection the host closes while its JDA is still in a gateway handshake. JDA's first connect runs
 * outside the lock its shutdown waits on, and its close frame goes nowhere while the socket is still
 * connecting: JDA reports SHUTDOWN at once, and unless the plugin stops the socket itself, the handshake
 * completes after close returned and the closed connection identifies next to its successor.
 */
class DiscordCloseRaceIT extends SimulatorIT {

    @Test
    void aConnectionClosedDuringItsHandshakeLeavesNoSocketToOutliveTheClose() throws Exception {
        sim.acceptMode(AcceptMode.HOLD_HANDSHAKE);
        h = new DiscordHost(sim, dir).health("openTimeout", "2s").start();

        // Epoch 1's JDA waits for its 101; the host gives up on it after 2 s, closes it and opens epoch 2,
        // whose handshake is held as well. close() of epoch 1 has returned by then, so its socket must be
        // gone: only epoch 2's is left (JDA itself would give up on the handshake only after 10 s).
        await().atMost(Duration.ofSeconds(20)).until(() -> h.status().epoch() >= 2 && sim.stats().tcpAccepts() >= 2);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(sim.connections())
                .as("sockets while epoch %d's handshake is held", h.status().epoch()).hasSize(1));
        sim.acceptMode(AcceptMode.NORMAL);

        h.awaitConnected(2, Duration.ofSeconds(20));
        // Every held socket has now either identified (as a bot) or ended.
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.connections().stream().allMatch(c -> c.bot().isPresent()));
        assertThat(sim.connections()).as("gateway sockets left open").hasSize(1)
                .allSatisfy(c -> assertThat(c.bot()).contains(h.bot));
        assertThat(h.bot.stats().maxOpenAtOnce()).isEqualTo(1);
        assertThat(h.bot.stats().openSockets()).isEqualTo(1);
    }
}
