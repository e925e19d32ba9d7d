package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a bot does over REST with real JDA: every call lands in the simulator's record. */
class JdaRestTest {

    private static final Logger LOG = LoggerFactory.getLogger(JdaRestTest.class);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private DiscordSimulator sim;
    private SimBot bot;
    private SimUser alice;
    private SimChannel general;
    private JdaClient client;

    @BeforeEach
    void startSimulator() {
        sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(1500)).start();
        bot = sim.registerBot("jda-rest-token", "rest-bot");
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

    private List<RestCall> messageCalls() {
        return bot.restCalls().stream().filter(call -> !call.is("GET", "/users/@me")).toList();
    }

    @Test
    void sendReplyEditReactAndDeleteAreRecordedWithTheirBodies() {
        client = JdaClient.connect(sim, bot);
        TextChannel channel = client.jda().getTextChannelById(general.id());
        int mark = client.events().mark();
        String questionId = bot.guildMessage(general, alice, "question?").entityId();
        Message question = client.events().awaitSince(mark, MessageReceivedEvent.class, WAIT).getMessage();

        Message sent = channel.sendMessage("hello from jda").complete();
        Message reply = question.reply("answer").complete();
        Message edited = sent.editMessage("hello, edited").complete();
        question.addReaction(Emoji.fromUnicode("👍")).complete();
        sent.delete().complete();

        assertThat(sent.getAuthor().getId()).isEqualTo(bot.userId());
        assertThat(sent.getContentRaw()).isEqualTo("hello from jda");
        assertThat(reply.getMessageReference().getMessageId()).isEqualTo(questionId);
        assertThat(reply.getReferencedMessage().getContentRaw()).isEqualTo("question?");
        assertThat(edited.getContentRaw()).isEqualTo("hello, edited");
        assertThat(edited.isEdited()).isTrue();

        String messages = "/channels/" + general.id() + "/messages";
        assertThat(messageCalls()).satisfiesExactly(
                send -> {
                    assertThat(send.is("POST", messages)).isTrue();
                    assertThat(send.json().get("content").asText()).isEqualTo("hello from jda");
                    assertThat(send.status()).isEqualTo(200);
                },
                answer -> {
                    assertThat(answer.is("POST", messages)).isTrue();
                    assertThat(answer.json().at("/message_reference/message_id").asText()).isEqualTo(questionId);
                },
                edit -> {
                    assertThat(edit.is("PATCH", messages + "/" + sent.getId())).isTrue();
                    assertThat(edit.json().get("content").asText()).isEqualTo("hello, edited");
                },
                react -> {
                    assertThat(react.is("PUT", messages + "/" + questionId + "/reactions/👍/@me")).isTrue();
                    assertThat(react.status()).isEqualTo(204);
                },
                delete -> {
                    assertThat(delete.is("DELETE", messages + "/" + sent.getId())).isTrue();
                    assertThat(delete.status()).isEqualTo(204);
                });
        assertThat(messageCalls()).allSatisfy(call -> assertThat(call.botUserId()).isEqualTo(bot.userId()));
    }

    @Test
    void rateLimitedSendIsRetriedByJdaAfterRetryAfter() {
        client = JdaClient.connect(sim, bot);
        TextChannel channel = client.jda().getTextChannelById(general.id());
        bot.rateLimit(2, Duration.ofMillis(500));

        long start = System.nanoTime();
        Message sent = channel.sendMessage("patience").complete();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(sent.getContentRaw()).isEqualTo("patience");
        assertThat(messageCalls()).extracting(RestCall::status).containsExactly(429, 429, 200);
        Duration firstToLast = Duration.between(messageCalls().get(0).receivedAt(), messageCalls().get(2).receivedAt());
        // Retry-After is whole seconds (0.5 s rounds up to 1), so JDA waits at least a second per 429; the
        // upper bound is that figure plus room for a loaded machine
        assertThat(firstToLast).isBetween(Duration.ofMillis(1900), Duration.ofMillis(2000 + 7000));
        assertThat(bot.stats().rateLimited()).isEqualTo(2);
        LOG.info("FIGURE rest 429x2 (retry_after 0.5 s): send completed after {} ms, first to last attempt {} ms",
                tookMillis, firstToLast.toMillis());
    }

    @Test
    void unauthorizedRestMakesBuildThrowInvalidTokenExceptionWithoutAnyGatewayConnection() {
        bot.restUnauthorized(true);

        assertThatThrownBy(() -> JdaClient.start(sim, bot.token(), JdaClient.ALL_USED_INTENTS))
                .isInstanceOf(InvalidTokenException.class);

        assertThat(bot.restCalls()).singleElement().satisfies(call -> {
            assertThat(call.is("GET", "/users/@me")).isTrue();
            assertThat(call.status()).isEqualTo(401);
        });
        assertThat(sim.stats().tcpAccepts()).isZero();
    }
}
