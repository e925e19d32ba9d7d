package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.events.guild.GuildJoinEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.requests.GatewayIntent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events pushed by the simulator surface in real JDA 6.5.0 as the events a bot listens to. */
class JdaEventDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private DiscordSimulator sim;
    private SimBot bot;
    private SimUser alice;
    private SimChannel general;
    private JdaClient client;

    @BeforeEach
    void startSimulator() {
        sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(1500)).start();
        bot = sim.registerBot("jda-events-token", "events-bot");
        alice = sim.createUser("alice");
        general = sim.defaultGuild().defaultChannel();
    }

    @AfterEach
    void stop() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            sim.close();
        }
    }

    private EventRecorder events() {
        return client.events();
    }

    @Test
    void readyBringsJdaToConnectedWithTheSimulatedBotAndGuild() {
        client = JdaClient.connect(sim, bot);
        JDA jda = client.jda();

        await().atMost(WAIT).until(() -> jda.getStatus() == JDA.Status.CONNECTED);
        assertThat(jda.getSelfUser().getId()).isEqualTo(bot.userId());
        assertThat(jda.getSelfUser().getApplicationId()).isEqualTo(bot.applicationId());
        assertThat(jda.getGuildById(sim.defaultGuild().id())).isNotNull();
        assertThat(jda.getTextChannelById(general.id()).getName()).isEqualTo("general");
        assertThat(bot.stats().identifies()).isEqualTo(1);
        assertThat(bot.stats().resumes()).isZero();
        assertThat(bot.stats().maxOpenAtOnce()).isEqualTo(1);
        assertThat(bot.restCalls()).anySatisfy(call -> assertThat(call.is("GET", "/users/@me")).isTrue());
    }

    @Test
    void guildMessageReachesJdaWithContentAuthorAndMentions() {
        client = JdaClient.connect(sim, bot);
        int mark = events().mark();

        DispatchReceipt receipt = bot.guildMessage(general, alice, "hello " + bot.asUser().mention(), bot.asUser());

        MessageReceivedEvent event = events().awaitSince(mark, MessageReceivedEvent.class, WAIT);
        assertThat(receipt.outcome()).isEqualTo(DispatchReceipt.Outcome.SENT);
        assertThat(event.getMessageId()).isEqualTo(receipt.entityId());
        assertThat(event.getMessage().getContentRaw()).isEqualTo("hello " + bot.asUser().mention());
        assertThat(event.getAuthor().getId()).isEqualTo(alice.id());
        assertThat(event.getAuthor().getName()).isEqualTo("alice");
        assertThat(event.isFromGuild()).isTrue();
        assertThat(event.getGuild().getId()).isEqualTo(sim.defaultGuild().id());
        assertThat(event.getChannel().getId()).isEqualTo(general.id());
        assertThat(event.getMessage().getMentions().isMentioned(client.jda().getSelfUser())).isTrue();
    }

    @Test
    void directMessageReachesJdaFromAPrivateChannel() {
        client = JdaClient.connect(sim, bot);
        int mark = events().mark();

        DispatchReceipt receipt = bot.directMessage(alice, "psst");

        MessageReceivedEvent event = events().awaitSince(mark, MessageReceivedEvent.class, WAIT);
        assertThat(event.getMessageId()).isEqualTo(receipt.entityId());
        assertThat(event.getChannelType()).isEqualTo(ChannelType.PRIVATE);
        assertThat(event.getChannel().getId()).isEqualTo(bot.dmChannel(alice).id());
        assertThat(event.getAuthor().getId()).isEqualTo(alice.id());
        assertThat(event.getMessage().getContentRaw()).isEqualTo("psst");
    }

    @Test
    void reactionAddReachesJda() {
        client = JdaClient.connect(sim, bot);
        String messageId = bot.guildMessage(general, alice, "react to me").entityId();
        int mark = events().mark();

        bot.reactionAdd(general, messageId, alice, "👍");

        MessageReactionAddEvent event = events().awaitSince(mark, MessageReactionAddEvent.class, WAIT);
        assertThat(event.getMessageId()).isEqualTo(messageId);
        assertThat(event.getUserId()).isEqualTo(alice.id());
        assertThat(event.getEmoji().getName()).isEqualTo("👍");
        assertThat(event.getMessageAuthorId()).isEqualTo(alice.id());
        assertThat(event.getGuild().getId()).isEqualTo(sim.defaultGuild().id());
    }

    @Test
    void messageDeleteReachesJda() {
        client = JdaClient.connect(sim, bot);
        String messageId = bot.guildMessage(general, alice, "regret").entityId();
        int mark = events().mark();

        bot.messageDelete(general, messageId);

        MessageDeleteEvent event = events().awaitSince(mark, MessageDeleteEvent.class, WAIT);
        assertThat(event.getMessageId()).isEqualTo(messageId);
        assertThat(event.getChannel().getId()).isEqualTo(general.id());
    }

    @Test
    void buttonClickReachesJdaAndItsReplyIsRecordedAsTheInteractionCallback() {
        client = JdaClient.connect(sim, bot);
        int mark = events().mark();

        DispatchReceipt receipt = bot.buttonClick(general, "1234567890123456789", alice, "approve");

        ButtonInteractionEvent event = events().awaitSince(mark, ButtonInteractionEvent.class, WAIT);
        assertThat(event.getInteraction().getId()).isEqualTo(receipt.entityId());
        assertThat(event.getComponentId()).isEqualTo("approve");
        assertThat(event.getMessageId()).isEqualTo("1234567890123456789");
        assertThat(event.getUser().getId()).isEqualTo(alice.id());
        assertThat(event.getGuild().getId()).isEqualTo(sim.defaultGuild().id());
        assertThat(event.getButton()).isNotNull();

        event.reply("approved").complete();

        assertThat(bot.restCalls())
                .filteredOn(call -> call.is("POST", "/interactions/" + receipt.entityId() + "/[^/]+/callback"))
                .singleElement()
                .satisfies(call -> {
                    assertThat(call.status()).isEqualTo(204);
                    assertThat(call.json().get("type").asInt()).isEqualTo(4);
                    assertThat(call.json().at("/data/content").asText()).isEqualTo("approved");
                });
    }

    @Test
    void buttonClickInADirectMessageReachesJda() {
        client = JdaClient.connect(sim, bot);
        int mark = events().mark();

        bot.buttonClick(bot.dmChannel(alice), "2234567890123456789", alice, "dm-button");

        ButtonInteractionEvent event = events().awaitSince(mark, ButtonInteractionEvent.class, WAIT);
        assertThat(event.getComponentId()).isEqualTo("dm-button");
        assertThat(event.isFromGuild()).isFalse();
        assertThat(event.getUser().getId()).isEqualTo(alice.id());
    }

    @Test
    void manyMessagesArriveInOrderWithoutLoss() {
        client = JdaClient.connect(sim, bot);
        int mark = events().mark();

        for (int i = 0; i < 200; i++) {
            bot.guildMessage(general, alice, "n" + i);
        }

        await().atMost(WAIT).until(() -> events().since(mark, MessageReceivedEvent.class).size() == 200);
        List<String> contents = events().since(mark, MessageReceivedEvent.class).stream()
                .map(e -> e.getMessage().getContentRaw())
                .toList();
        assertThat(contents).first().isEqualTo("n0");
        assertThat(contents).last().isEqualTo("n199");
        assertThat(contents).doesNotHaveDuplicates();
    }

    @Test
    void guildCreatedAfterReadyIsJoinedByJdaAndCarriesMessages() {
        client = JdaClient.connect(sim, bot);
        int mark = events().mark();

        SimGuild lab = sim.createGuild("Lab", "bench", "notes");
        GuildJoinEvent joined = events().awaitSince(mark, GuildJoinEvent.class, WAIT);
        bot.guildMessage(lab.channel("notes"), alice, "in the lab");

        assertThat(joined.getGuild().getId()).isEqualTo(lab.id());
        assertThat(joined.getGuild().getTextChannels()).extracting(c -> c.getName()).containsExactly("bench", "notes");
        MessageReceivedEvent event = events().awaitSince(mark, MessageReceivedEvent.class, WAIT);
        assertThat(event.getGuild().getId()).isEqualTo(lab.id());
        assertThat(event.getChannel().getName()).isEqualTo("notes");
    }

    @Test
    void guildContentIsBlankForAJdaWithoutTheMessageContentIntent() {
        client = JdaClient.start(sim, bot.token(), EnumSet.of(GatewayIntent.GUILD_MESSAGES));
        events().awaitSince(0, ReadyEvent.class, JdaClient.READY_TIMEOUT);
        int mark = events().mark();

        bot.guildMessage(general, alice, "you cannot read this");

        MessageReceivedEvent event = events().awaitSince(mark, MessageReceivedEvent.class, WAIT);
        assertThat(event.getMessage().getContentRaw()).isEmpty();
        assertThat(bot.directMessage(alice, "nor this").outcome())
                .isEqualTo(DispatchReceipt.Outcome.FILTERED_BY_INTENTS);
    }
}
