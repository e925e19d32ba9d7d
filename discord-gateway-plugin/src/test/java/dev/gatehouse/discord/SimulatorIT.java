package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimUser;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every integration test class shares: one simulator per class (heartbeat 1000 ms, close
 * handshake 2 s), a user and a channel to push events with, a temporary folder, and a host that is
 * closed after each test with the invariant every scenario must keep — never two sockets at once for
 * one bot — and the simulator's faults cleared.
 */
@Integration
abstract class SimulatorIT {

    static final Duration HEARTBEAT = Duration.ofMillis(1000);

    static DiscordSimulator sim;
    static SimUser alice;
    static SimChannel general;

    @TempDir
    Path dir;
    DiscordHost h;

    @BeforeAll
    static void startSimulator() {
        sim = DiscordSimulator.builder().heartbeatInterval(HEARTBEAT).closeTimeout(Duration.ofSeconds(2)).start();
        alice = sim.createUser("alice");
        general = sim.defaultGuild().defaultChannel();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @AfterEach
    void closeHostAndClearFaults() {
        if (h != null) {
            h.close();
            assertThat(h.bot.stats().maxOpenAtOnce()).as("sockets open at once for one bot, in any scenario")
                    .isLessThanOrEqualTo(1);
        }
        sim.clearFaults();
    }
}
