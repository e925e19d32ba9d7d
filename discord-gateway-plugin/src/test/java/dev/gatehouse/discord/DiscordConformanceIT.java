package dev.gatehouse.discord;

import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.GatewayFault;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimUser;
import dev.gatehouse.tck.GatewayConformanceTest;
import dev.gatehouse.tck.PluginSource;
import dev.gatehouse.tck.TransportControl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance kit against the packaged Discord plugin jar and a simulator bot per test. Discord has no
 * event acknowledgements, so the kit skips that rule.
 */
@Integration
class DiscordConformanceIT extends GatewayConformanceTest {

    private DiscordSimulator sim;
    private SimUser alice;

    @BeforeAll
    void startSimulator() {
        sim = DiscordSimulator.builder().closeTimeout(Duration.ofSeconds(2)).start();
        alice = sim.createUser("alice");
    }

    @AfterAll
    void stopSimulator() {
        sim.close();
    }

    @Override
    protected PluginSource plugin() {
        return PluginSource.jar(Path.of(System.getProperty("gatehouse.pluginJar")));
    }

    @Override
    protected TransportControl openTransport() {
        SimBot bot = sim.registerBot("token-" + UUID.randomUUID(), "conformance-bot");
        return new TransportControl() {
            @Override
            public GatewaySettings settings() {
                return new GatewaySettings("workspaces.conformance.discord",
                        Map.of("token", bot.token(), "apiUrl", sim.restBaseUrl(), "gatewayUrl", sim.gatewayUrl()));
            }

            @Override
            public void drop() {
                bot.inject(GatewayFault.fin());
            }

            @Override
            public void stall() {
                bot.inject(GatewayFault.blackHole());
            }

            @Override
            public void restore() {
                bot.clearFaults();
            }

            @Override
            public String pushEvent() {
                return bot.guildMessage(sim.defaultGuild().defaultChannel(), alice, "from the conformance kit").toString();
            }

            @Override
            public boolean isServerThread(Thread thread) {
                return thread.getName().startsWith(DiscordSimulator.THREAD_PREFIX);
            }
        };
    }
}
