package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.SessionDisconnectEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One simulator hosts many bots; the token picks the bot and each bot's events reach only it. */
class MultiBotTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private DiscordSimulator sim;

    @BeforeEach
    void startSimulator() {
        sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(2000)).start();
    }

    @AfterEach
    void closeSimulator() {
        sim.close();
    }

    @Test
    void hundredBotsEachGetTheirOwnSessionAndOnlyTheirOwnEvents() throws Exception {
        SimUser alice = sim.createUser("alice");
        List<SimBot> bots = new ArrayList<>();
        List<RawGatewayClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                SimBot bot = sim.registerBot("bulk-token-" + i);
                RawGatewayClient client = RawGatewayClient.connect(sim.gatewayPort(), "/", WAIT);
                client.json(WAIT);
                client.identify(bot.token(), Intents.DIRECT_MESSAGES | Intents.MESSAGE_CONTENT);
                assertThat(client.json(WAIT).at("/d/user/id").asText()).isEqualTo(bot.userId());
                client.json(WAIT); // GUILD_CREATE
                bots.add(bot);
                clients.add(client);
            }
            for (int i = 0; i < bots.size(); i++) {
                bots.get(i).directMessage(alice, "for bot " + i);
            }
            for (int i = 0; i < clients.size(); i++) {
                JsonNode message = clients.get(i).json(WAIT);
                assertThat(message.at("/d/content").asText()).isEqualTo("for bot " + i);
                assertThat(message.at("/d/channel_id").asText()).isEqualTo(bots.get(i).dmChannel(alice).id());
            }
            assertThat(bots).extracting(SimBot::sessionId).doesNotHaveDuplicates();
            assertThat(bots).allSatisfy(bot -> assertThat(bot.stats().maxOpenAtOnce()).isEqualTo(1));
            assertThat(sim.stats().openSockets()).isEqualTo(100);
            assertThat(sim.stats().identifies()).isEqualTo(100);
        } finally {
            for (RawGatewayClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void severalJdaInstancesOnOneSimulatorReceiveOnlyTheirOwnMessages() throws Exception {
        SimUser alice = sim.createUser("alice");
        SimBot first = sim.registerBot("jda-multi-1", "first-bot");
        SimBot second = sim.registerBot("jda-multi-2", "second-bot");
        try (JdaClient firstJda = JdaClient.connect(sim, first); JdaClient secondJda = JdaClient.connect(sim, second)) {
            SimChannel general = sim.defaultGuild().defaultChannel();

            first.guildMessage(general, alice, "to the first");
            second.guildMessage(general, alice, "to the second");

            assertThat(firstJda.events().awaitSince(0, MessageReceivedEvent.class, WAIT).getMessage().getContentRaw())
                    .isEqualTo("to the first");
            assertThat(secondJda.events().awaitSince(0, MessageReceivedEvent.class, WAIT).getMessage().getContentRaw())
                    .isEqualTo("to the second");
            int mark = firstJda.events().mark();
            first.inject(GatewayFault.fin());
            firstJda.events().awaitSince(mark, SessionResumeEvent.class, WAIT);
            assertThat(secondJda.events().all(SessionDisconnectEvent.class)).isEmpty();
            assertThat(second.connections()).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(2));
            assertThat(firstJda.jda().getSelfUser().getId()).isEqualTo(first.userId());
            assertThat(secondJda.jda().getSelfUser().getId()).isEqualTo(second.userId());
        }
    }
}
